// Dashboard configuration from the environment, validated once. Server-only: the
// Kestra credentials never reach the browser (no NEXT_PUBLIC_ variable, and only
// server components import this module).
import * as z from 'zod/mini';

const Url = z.string().check(z.regex(/^https?:\/\/[^\s/]+/, 'expected an http(s) URL'));
const PositiveInt = (fallback: number, max: number) =>
  z._default(
    z.pipe(
      z.string().check(z.regex(/^\d+$/, 'expected a positive integer')),
      z.transform((s) => Number(s)),
    ).check(z.refine((n) => n >= 1 && n <= max, `expected an integer between 1 and ${max}`)),
    fallback,
  );

const EnvSchema = z.object({
  KESTRA_URL: z._default(Url, 'http://127.0.0.1:8080'),
  KESTRA_USERNAME: z.optional(z.string()),
  KESTRA_PASSWORD: z.optional(z.string()),
  KESTRA_PUBLIC_URL: z.optional(Url),
  KESTRA_TENANT: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'expected a tenant id')), 'main'),
  DASHBOARD_POLL_MS: PositiveInt(3000, 3_600_000),
  DASHBOARD_PAGE_SIZE: PositiveInt(100, 500),
  DASHBOARD_TIMEOUT_MS: PositiveInt(5000, 120_000),
});

export interface DashboardConfig {
  kestraUrl: string;
  /** where humans open the Kestra UI (defaults to kestraUrl) */
  publicUrl: string;
  tenant: string;
  username: string | undefined;
  password: string | undefined;
  namespace: string;
  flowId: string;
  pollMs: number;
  pageSize: number;
  timeoutMs: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');
const blankToUndefined = (env: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));

/** Pure: validates an environment (tests pass their own). */
export function loadConfig(env: Record<string, string | undefined>): DashboardConfig {
  const parsed = EnvSchema.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid ${String(issue?.path[0] ?? 'configuration')}: ${issue?.message ?? 'invalid value'}`);
  }
  const e = parsed.data;
  const kestraUrl = trimSlash(e.KESTRA_URL);
  return {
    kestraUrl,
    publicUrl: trimSlash(e.KESTRA_PUBLIC_URL ?? kestraUrl),
    tenant: e.KESTRA_TENANT,
    username: e.KESTRA_USERNAME,
    password: e.KESTRA_PASSWORD,
    namespace: 'ai.devops.commander',
    flowId: 'devops-loop',
    pollMs: e.DASHBOARD_POLL_MS,
    pageSize: e.DASHBOARD_PAGE_SIZE,
    timeoutMs: e.DASHBOARD_TIMEOUT_MS,
  };
}

let cached: DashboardConfig | undefined;
/** The process's configuration, validated on first use. */
export function getConfig(): DashboardConfig {
  cached ??= loadConfig(process.env);
  return cached;
}

/** The execution's page in the Kestra UI. */
export function kestraUiUrl(config: Pick<DashboardConfig, 'publicUrl' | 'tenant' | 'namespace' | 'flowId'>, executionId: string): string {
  return `${config.publicUrl}/ui/${config.tenant}/executions/${config.namespace}/${config.flowId}/${encodeURIComponent(executionId)}`;
}

/** The poll interval, or the default when the configuration is invalid (the page shows why). */
export function pollInterval(): number {
  try {
    return getConfig().pollMs;
  } catch {
    return 3000;
  }
}
