// The one place configuration is read: the environment, validated once with zod
// (in the manner of t3-env). Everything downstream receives typed AppConfig. A
// command validates the sections it reads: `configOrExit()` all of them (the CLIs),
// `configOrExit(process.env, ['judge', 'llm'])` a task's own.
// Every variable is documented in README.md ("Configuration").
import * as z from 'zod/mini';
import { DEFAULT_THRESHOLDS } from '../judge/thresholds.js';
import type { JudgeThresholds } from '../judge/types.js';
import { DEFAULT_LLM_SETTINGS, type LlmSettings } from '../llm/settings.js';
import { RFC1123_LABEL } from '../scenario/deployment.js';

export interface AppConfig {
  llm: LlmSettings;
  prometheus: { url: string; timeoutMs: number };
  windows: { baselineMinutes: number; canaryMinutes: number; stepSeconds: number };
  judge: JudgeThresholds;
  kube: { context?: string; namespace: string; rolloutTimeoutSeconds: number };
  github: { repository?: string; token?: string; apiUrl: string };
  trainingDataDir: string;
  dryRun: boolean;
  logLevel: string;
}

/** Variables whose values must never be echoed, even in an error message. */
const SECRET_VARIABLES = new Set(['LLM_API_KEY', 'TOGETHER_API_KEY', 'GITHUB_TOKEN']);

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
/** What classic zod's `z.preprocess` is: a transform piped into the schema (zod/mini has no preprocess). */
const preprocess = <T extends z.ZodMiniType>(fn: (v: unknown) => unknown, schema: T) =>
  z.pipe(z.transform(fn), schema);
const optional = <T extends z.ZodMiniType>(schema: T) => preprocess(blankToUndefined, z.optional(schema));
/** The default is fed through the schema too, so it is parsed exactly like a value from the environment. */
const withDefault = <T extends z.ZodMiniType>(schema: T, fallback: string | number) =>
  preprocess((v) => blankToUndefined(v) ?? fallback, schema);

const url = (what: string) =>
  z.pipe(
    z.url({ protocol: /^https?$/, error: `expected an http(s) URL of ${what}` }),
    z.transform((u: string) => u.replace(/\/+$/, '')),
  );
const int = (what: string, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ error: `expected a whole number (${what})` })
    .check(
      z.int(`expected a whole number (${what})`),
      z.gte(min, `expected at least ${min} (${what})`),
      z.lte(max, `expected at most ${max} (${what})`),
    );
const positive = (what: string, max = Number.MAX_VALUE) =>
  z.coerce
    .number({ error: `expected a number (${what})` })
    .check(z.gt(0, `expected a number > 0 (${what})`), z.lte(max, `expected at most ${max} (${what})`));
const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const bool = () =>
  z.pipe(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((s: string) => s.trim().toLowerCase()),
      ),
      z.enum(BOOL_WORDS, { error: 'expected true or false' }),
    ),
    z.transform((s: (typeof BOOL_WORDS)[number]) => s === 'true' || s === '1' || s === 'yes'),
  );

/** `error_rate=10,memory_pct=95` → { error_rate: 10, memory_pct: 95 }. */
const guardrails = () =>
  z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      const out: Record<string, number> = {};
      for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
        const m = /^([A-Za-z_:][A-Za-z0-9_:.-]*)\s*=\s*(-?\d+(?:\.\d+)?)$/.exec(part);
        if (!m) {
          ctx.issues.push({
            code: 'custom',
            message: `expected metric=ceiling pairs separated by commas, e.g. "error_rate=10,memory_pct=95"; "${part}" is not one`,
            input: text,
          });
          return z.NEVER;
        }
        out[m[1]!] = Number(m[2]);
      }
      return out;
    }),
  );

function formatGuardrails(g: Record<string, number>): string {
  return Object.entries(g)
    .map(([metric, ceiling]) => `${metric}=${ceiling}`)
    .join(',');
}

/**
 * The configuration in sections, one per AppConfig field: each command validates the
 * sections it reads (a task pays for zod schemas it uses, not for all of them). A
 * section's schema is made on first use.
 */
type Shape = Record<string, z.ZodMiniType>;
interface Section<T> {
  schema: () => z.ZodMiniType<Record<string, unknown>>;
  read: (e: Record<string, unknown>) => T;
}
function section<S extends Shape, T>(shape: () => S, read: (e: z.output<z.ZodMiniObject<S>>) => T): Section<T> {
  let schema: z.ZodMiniObject<S> | undefined;
  return {
    schema: () => (schema ??= z.object(shape())) as unknown as z.ZodMiniType<Record<string, unknown>>,
    read: read as (e: Record<string, unknown>) => T,
  };
}

const SECTIONS: { [K in keyof AppConfig]: Section<AppConfig[K]> } = {
  llm: section(
    () => ({
      LLM_BASE_URL: withDefault(url('an OpenAI-compatible API, e.g. https://api.together.xyz/v1'), DEFAULT_LLM_SETTINGS.baseURL),
      LLM_MODEL: withDefault(z.string().check(z.minLength(1)), DEFAULT_LLM_SETTINGS.model),
      LLM_API_KEY: optional(z.string().check(z.minLength(8, 'expected an API key (at least 8 characters)'))),
      TOGETHER_API_KEY: optional(z.string().check(z.minLength(8, 'expected an API key (at least 8 characters)'))),
      LLM_TIMEOUT_MS: withDefault(int('milliseconds per LLM request', 100, 600_000), DEFAULT_LLM_SETTINGS.timeoutMs),
      LLM_MAX_RETRIES: withDefault(int('retries after a failed LLM request', 0, 5), DEFAULT_LLM_SETTINGS.maxRetries),
    }),
    (e) => {
      const apiKey = e.LLM_API_KEY ?? e.TOGETHER_API_KEY;
      return { baseURL: e.LLM_BASE_URL, model: e.LLM_MODEL, timeoutMs: e.LLM_TIMEOUT_MS, maxRetries: e.LLM_MAX_RETRIES, ...(apiKey ? { apiKey } : {}) };
    },
  ),
  prometheus: section(
    () => ({
      PROMETHEUS_URL: withDefault(url('the Prometheus server'), 'http://127.0.0.1:9090'),
      PROMETHEUS_TIMEOUT_MS: withDefault(int('milliseconds per Prometheus request', 100, 600_000), 10_000),
    }),
    (e) => ({ url: e.PROMETHEUS_URL, timeoutMs: e.PROMETHEUS_TIMEOUT_MS }),
  ),
  windows: section(
    () => ({
      BASELINE_WINDOW_MINUTES: withDefault(int('minutes of metrics before the deployment', 1, 24 * 60), 30),
      CANARY_WINDOW_MINUTES: withDefault(int('minutes of metrics after the deployment', 1, 24 * 60), 10),
      STEP_SECONDS: withDefault(int('seconds between samples', 1, 3600), 60),
    }),
    (e) => ({ baselineMinutes: e.BASELINE_WINDOW_MINUTES, canaryMinutes: e.CANARY_WINDOW_MINUTES, stepSeconds: e.STEP_SECONDS }),
  ),
  judge: section(
    () => ({
      JUDGE_ALPHA: withDefault(positive('family-wise significance level', 0.5), DEFAULT_THRESHOLDS.alpha),
      JUDGE_NOISE_SIGMAS: withDefault(positive('baseline standard deviations a shift must exceed', 100), DEFAULT_THRESHOLDS.noise_sigmas),
      JUDGE_MIN_SAMPLES: withDefault(int('fewest samples per window', 2, 10_000), DEFAULT_THRESHOLDS.min_samples),
      JUDGE_GUARDRAILS: withDefault(guardrails(), formatGuardrails(DEFAULT_THRESHOLDS.guardrails)),
      JUDGE_MIN_ERROR_EVENTS: withDefault(int('fewest failed requests before error_rate can fail', 0), DEFAULT_THRESHOLDS.min_error_events),
      JUDGE_LOG_NEW_ERRORS_MIN: withDefault(int('new error log lines that count as evidence', 1), DEFAULT_THRESHOLDS.log_new_errors_min),
      JUDGE_MIN_EXCURSION_SECONDS: withDefault(
        int('seconds canary samples must spend beyond the baseline noise to count', 0, 7 * 24 * 3600),
        DEFAULT_THRESHOLDS.min_excursion_seconds,
      ),
    }),
    (e) => ({
      ...DEFAULT_THRESHOLDS,
      alpha: e.JUDGE_ALPHA,
      noise_sigmas: e.JUDGE_NOISE_SIGMAS,
      min_samples: e.JUDGE_MIN_SAMPLES,
      guardrails: e.JUDGE_GUARDRAILS,
      min_error_events: e.JUDGE_MIN_ERROR_EVENTS,
      log_new_errors_min: e.JUDGE_LOG_NEW_ERRORS_MIN,
      min_excursion_seconds: e.JUDGE_MIN_EXCURSION_SECONDS,
    }),
  ),
  kube: section(
    () => ({
      ROLLOUT_TIMEOUT_SECONDS: withDefault(int('seconds to wait for a rollback to roll out', 1, 3600), 180),
      KUBE_CONTEXT: optional(z.string().check(z.minLength(1))),
      KUBE_NAMESPACE: withDefault(z.string().check(z.regex(RFC1123_LABEL, 'expected a Kubernetes namespace name (RFC 1123 label)')), 'default'),
    }),
    (e) => ({ namespace: e.KUBE_NAMESPACE, rolloutTimeoutSeconds: e.ROLLOUT_TIMEOUT_SECONDS, ...(e.KUBE_CONTEXT ? { context: e.KUBE_CONTEXT } : {}) }),
  ),
  github: section(
    () => ({
      GITHUB_REPOSITORY: optional(z.string().check(z.regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'expected owner/repo'))),
      GITHUB_TOKEN: optional(z.string().check(z.minLength(1))),
      GITHUB_API_URL: withDefault(url('the GitHub REST API'), 'https://api.github.com'),
    }),
    (e) => ({
      apiUrl: e.GITHUB_API_URL,
      ...(e.GITHUB_REPOSITORY ? { repository: e.GITHUB_REPOSITORY } : {}),
      ...(e.GITHUB_TOKEN ? { token: e.GITHUB_TOKEN } : {}),
    }),
  ),
  trainingDataDir: section(() => ({ TRAINING_DATA_DIR: withDefault(z.string().check(z.minLength(1)), 'training-data') }), (e) => e.TRAINING_DATA_DIR),
  dryRun: section(() => ({ DRY_RUN: withDefault(bool(), 'true') }), (e) => e.DRY_RUN),
  logLevel: section(
    () => ({ LOG_LEVEL: withDefault(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']), 'info') }),
    (e) => e.LOG_LEVEL,
  ),
};

export type ConfigSection = keyof AppConfig;
const ALL_SECTIONS = Object.keys(SECTIONS) as ConfigSection[];

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The configuration from `env`: every section, or only `sections` (and always
 * logLevel). Every invalid variable of those sections is reported in one ConfigError.
 */
export function loadConfig(env?: NodeJS.ProcessEnv): AppConfig;
export function loadConfig<K extends ConfigSection>(env: NodeJS.ProcessEnv, sections: readonly K[]): Pick<AppConfig, K | 'logLevel'>;
export function loadConfig(env: NodeJS.ProcessEnv = process.env, sections: readonly ConfigSection[] = ALL_SECTIONS): Partial<AppConfig> {
  const config: Record<string, unknown> = {};
  const issues: ConfigIssue[] = [];
  for (const key of new Set<ConfigSection>([...sections, 'logLevel'])) {
    const part = SECTIONS[key];
    const parsed = part.schema().safeParse(env);
    if (parsed.success) {
      config[key] = part.read(parsed.data);
      continue;
    }
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '?');
      const raw = env[variable];
      const got = raw === undefined || SECRET_VARIABLES.has(variable) ? '' : `, got ${JSON.stringify(raw)}`;
      issues.push({ variable, message: `${issue.message}${got}` });
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return config as Partial<AppConfig>;
}

/** For command entry points: the config, or one clear message on stderr and exit code 2. */
export function configOrExit(env?: NodeJS.ProcessEnv): AppConfig;
export function configOrExit<K extends ConfigSection>(env: NodeJS.ProcessEnv, sections: readonly K[]): Pick<AppConfig, K | 'logLevel'>;
export function configOrExit(env: NodeJS.ProcessEnv = process.env, sections: readonly ConfigSection[] = ALL_SECTIONS): Partial<AppConfig> {
  try {
    return loadConfig(env, sections);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nFix the variable(s) above (see README.md, "Configuration") and run again.\n`);
      process.exit(2);
    }
    throw err;
  }
}
