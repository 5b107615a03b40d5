// src/config/env.ts: every variable's parsing, defaults, and the errors an
// operator sees (naming the variable and what it expects, never a secret).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type AppConfig } from '../../src/config/env.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand, type CommandResult } from '../support/run-command.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
}

describe('loadConfig: defaults', () => {
  it('an empty environment gives the documented defaults (README "Configuration"), judge thresholds from the judge', () => {
    const expected: AppConfig = {
      llm: {
        baseURL: 'https://api.together.xyz/v1',
        model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
        timeoutMs: 20_000,
        maxRetries: 1,
      },
      prometheus: { url: 'http://127.0.0.1:9090', timeoutMs: 10000 },
      windows: { baselineMinutes: 30, canaryMinutes: 10, stepSeconds: 60 },
      // the judge's own defaults (tuned in src/judge/judge.ts), as a fresh copy
      judge: { ...DEFAULT_THRESHOLDS, guardrails: { ...DEFAULT_THRESHOLDS.guardrails } },
      kube: { namespace: 'default', rolloutTimeoutSeconds: 180 },
      github: { apiUrl: 'https://api.github.com' },
      trainingDataDir: 'training-data',
      dryRun: true,
      logLevel: 'info',
    };
    const config = loadConfig({});
    expect(config).toEqual(expected);
    // the documented guardrail default; a config must not share (and so let callers mutate) the judge's constant
    expect(config.judge.guardrails).toEqual({ error_rate: 10, memory_pct: 95 });
    expect(config.judge).not.toBe(DEFAULT_THRESHOLDS);
    // optional values are absent, not present-but-undefined
    expect('apiKey' in config.llm).toBe(false);
    expect('context' in config.kube).toBe(false);
    expect('repository' in config.github).toBe(false);
    expect('token' in config.github).toBe(false);
  });

  it('blank (empty or whitespace) values count as unset and give the defaults', () => {
    const config = loadConfig({
      LLM_API_KEY: '',
      TOGETHER_API_KEY: '   ',
      LLM_TIMEOUT_MS: '',
      STEP_SECONDS: ' ',
      DRY_RUN: '',
      LLM_BASE_URL: '',
      JUDGE_GUARDRAILS: '  ',
      KUBE_CONTEXT: '',
      GITHUB_TOKEN: '',
    });
    expect(config).toEqual(loadConfig({}));
  });

  it('reads only the env object it is given', () => {
    // process.env may hold anything; an explicit env must win entirely
    expect(loadConfig({ LLM_MODEL: 'only-this' }).llm.model).toBe('only-this');
    expect(loadConfig({}).llm.model).toBe('meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo');
  });
});

describe('loadConfig: each variable parsed', () => {
  it('numbers: whole numbers and positive reals, surrounding whitespace allowed', () => {
    const config = loadConfig({
      LLM_TIMEOUT_MS: '1500',
      LLM_MAX_RETRIES: '0',
      BASELINE_WINDOW_MINUTES: '45',
      CANARY_WINDOW_MINUTES: ' 15 ',
      STEP_SECONDS: '30',
      JUDGE_ALPHA: '0.01',
      JUDGE_NOISE_SIGMAS: '3.5',
      JUDGE_MIN_SAMPLES: '5',
      JUDGE_MIN_ERROR_EVENTS: '0',
      JUDGE_LOG_NEW_ERRORS_MIN: '2',
    });
    expect(config.llm.timeoutMs).toBe(1500);
    expect(config.llm.maxRetries).toBe(0);
    expect(config.windows).toEqual({ baselineMinutes: 45, canaryMinutes: 15, stepSeconds: 30 });
    expect(config.judge).toMatchObject({
      alpha: 0.01,
      noise_sigmas: 3.5,
      min_samples: 5,
      min_error_events: 0,
      log_new_errors_min: 2,
    });
    // untouched judge settings keep their defaults
    expect(config.judge.guardrails).toEqual(DEFAULT_THRESHOLDS.guardrails);
    expect(config.judge.low_confidence).toBe(DEFAULT_THRESHOLDS.low_confidence);
  });

  it('numbers at the edges of their ranges are accepted', () => {
    const config = loadConfig({ LLM_TIMEOUT_MS: '100', LLM_MAX_RETRIES: '5', JUDGE_ALPHA: '0.5', STEP_SECONDS: '3600' });
    expect(config.llm.timeoutMs).toBe(100);
    expect(config.llm.maxRetries).toBe(5);
    expect(config.judge.alpha).toBe(0.5);
    expect(config.windows.stepSeconds).toBe(3600);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['yes', true],
    ['no', false],
    ['TRUE', true],
    [' No ', false],
    ['Yes', true],
  ])('DRY_RUN=%j is %s', (value, expected) => {
    expect(loadConfig({ DRY_RUN: value }).dryRun).toBe(expected);
  });

  it('JUDGE_GUARDRAILS: metric=ceiling pairs (spaces, decimals, negatives) replace the default ceilings', () => {
    expect(loadConfig({ JUDGE_GUARDRAILS: 'error_rate=20, latency_p95_ms = 1500.5,custom:kpi=-3' }).judge.guardrails).toEqual({
      error_rate: 20,
      latency_p95_ms: 1500.5,
      'custom:kpi': -3,
    });
    expect(loadConfig({ JUDGE_GUARDRAILS: 'memory_pct=90' }).judge.guardrails).toEqual({ memory_pct: 90 });
    // a trailing comma is harmless
    expect(loadConfig({ JUDGE_GUARDRAILS: 'error_rate=5,' }).judge.guardrails).toEqual({ error_rate: 5 });
  });

  it.each([
    ['LLM_BASE_URL', 'http://127.0.0.1:11434/v1/', (c: AppConfig) => c.llm.baseURL, 'http://127.0.0.1:11434/v1'],
    ['LLM_BASE_URL', 'https://api.example.com/v1', (c: AppConfig) => c.llm.baseURL, 'https://api.example.com/v1'],
    ['PROMETHEUS_URL', 'http://prometheus:9090///', (c: AppConfig) => c.prometheus.url, 'http://prometheus:9090'],
    ['GITHUB_API_URL', 'https://ghe.example.com/api/v3/', (c: AppConfig) => c.github.apiUrl, 'https://ghe.example.com/api/v3'],
  ])('%s=%j: the URL with trailing slashes trimmed', (variable, value, pick, expected) => {
    expect(pick(loadConfig({ [variable]: value }))).toBe(expected);
  });

  it('LLM_API_KEY enables the LLM; TOGETHER_API_KEY is the fallback; LLM_API_KEY wins when both are set', () => {
    expect(loadConfig({ LLM_API_KEY: 'sk-llm-key-0001' }).llm.apiKey).toBe('sk-llm-key-0001');
    expect(loadConfig({ TOGETHER_API_KEY: 'together-key-0002' }).llm.apiKey).toBe('together-key-0002');
    expect(loadConfig({ LLM_API_KEY: '', TOGETHER_API_KEY: 'together-key-0002' }).llm.apiKey).toBe('together-key-0002');
    expect(loadConfig({ LLM_API_KEY: 'sk-llm-key-0001', TOGETHER_API_KEY: 'together-key-0002' }).llm.apiKey).toBe(
      'sk-llm-key-0001',
    );
  });

  it('strings: model, kube context and namespace, GitHub repository and token, training dir, log level', () => {
    const config = loadConfig({
      LLM_MODEL: 'qwen2.5:7b',
      KUBE_CONTEXT: 'prod-cluster',
      KUBE_NAMESPACE: 'payments',
      GITHUB_REPOSITORY: 'acme/payment-service',
      GITHUB_TOKEN: 'ghp_token_value',
      TRAINING_DATA_DIR: '/var/lib/watchdog',
      LOG_LEVEL: 'debug',
    });
    expect(config.llm.model).toBe('qwen2.5:7b');
    expect(config.kube).toEqual({ context: 'prod-cluster', namespace: 'payments', rolloutTimeoutSeconds: 180 });
    expect(config.github).toEqual({
      apiUrl: 'https://api.github.com',
      repository: 'acme/payment-service',
      token: 'ghp_token_value',
    });
    expect(config.trainingDataDir).toBe('/var/lib/watchdog');
    expect(config.logLevel).toBe('debug');
  });
});

describe('loadConfig: invalid values', () => {
  // variable, value, words of what it expects
  it.each([
    ['LLM_TIMEOUT_MS', 'abc', 'expected a whole number'],
    ['LLM_TIMEOUT_MS', '1.5', 'expected a whole number'],
    ['LLM_TIMEOUT_MS', '99', 'expected at least 100'],
    ['LLM_TIMEOUT_MS', '600001', 'expected at most 600000'],
    ['LLM_MAX_RETRIES', '6', 'expected at most 5'],
    ['LLM_MAX_RETRIES', '-1', 'expected at least 0'],
    ['BASELINE_WINDOW_MINUTES', '0', 'expected at least 1'],
    ['STEP_SECONDS', 'sixty', 'expected a whole number'],
    ['JUDGE_ALPHA', '0', 'expected a number > 0'],
    ['JUDGE_ALPHA', '0.6', 'expected at most 0.5'],
    ['JUDGE_ALPHA', 'low', 'expected a number'],
    ['JUDGE_NOISE_SIGMAS', '-2', 'expected a number > 0'],
    ['JUDGE_MIN_SAMPLES', '1', 'expected at least 2'],
    ['JUDGE_GUARDRAILS', 'error_rate', 'expected metric=ceiling pairs'],
    ['JUDGE_GUARDRAILS', 'error_rate=ten', 'expected metric=ceiling pairs'],
    ['DRY_RUN', 'maybe', 'expected true or false'],
    ['LLM_BASE_URL', 'not a url', 'expected an http(s) URL'],
    ['LLM_BASE_URL', 'ftp://files.example.com/v1', 'expected an http(s) URL'],
    ['PROMETHEUS_URL', 'prometheus:9090', 'expected an http(s) URL'],
    ['GITHUB_API_URL', 'file:///etc/passwd', 'expected an http(s) URL'],
    ['KUBE_NAMESPACE', 'Prod', 'expected a Kubernetes namespace name'],
    ['PROMETHEUS_TIMEOUT_MS', '50', 'expected at least 100'],
    ['ROLLOUT_TIMEOUT_SECONDS', 'soon', 'expected a whole number'],
    ['KUBE_NAMESPACE', 'a'.repeat(64), 'expected a Kubernetes namespace name'],
    ['GITHUB_REPOSITORY', 'just-a-name', 'expected owner/repo'],
    ['LOG_LEVEL', 'verbose', 'expected one of'],
  ])('%s=%j: a ConfigError naming the variable, what it expects and the value', (variable, value, expects) => {
    const err = configError({ [variable]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]!.variable).toBe(variable);
    expect(err.issues[0]!.message).toContain(expects);
    expect(err.message).toContain(`${variable}: `);
    expect(err.message).toContain(expects);
    expect(err.message).toContain(JSON.stringify(value));
  });

  it('every invalid variable is reported, each on its own line, in one error', () => {
    const err = configError({ LLM_TIMEOUT_MS: 'abc', DRY_RUN: 'maybe', KUBE_NAMESPACE: 'Bad_NS', LLM_MODEL: 'fine' });
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['DRY_RUN', 'KUBE_NAMESPACE', 'LLM_TIMEOUT_MS']);
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((l) => l.trim().split(':')[0]).sort()).toEqual(['DRY_RUN', 'KUBE_NAMESPACE', 'LLM_TIMEOUT_MS']);
  });

  it.each(['LLM_API_KEY', 'TOGETHER_API_KEY'])('%s too short: the error names it but never echoes its value', (variable) => {
    const secret = 'sk-Q7zX'; // 7 characters: too short to be a key
    const err = configError({ [variable]: secret });
    expect(err.issues).toEqual([{ variable, message: expect.stringContaining('expected an API key') }]);
    expect(err.message).toContain(variable);
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain('Q7zX');
    expect(JSON.stringify(err.issues)).not.toContain('Q7zX');
    expect(err.stack ?? '').not.toContain('Q7zX');
  });

  it('a secret stays out of the message even when other variables are invalid alongside it', () => {
    const err = configError({ LLM_API_KEY: 'tiny-k', TOGETHER_API_KEY: 'tiny-t', LLM_TIMEOUT_MS: 'abc' });
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['LLM_API_KEY', 'LLM_TIMEOUT_MS', 'TOGETHER_API_KEY']);
    expect(err.message).not.toContain('tiny-k');
    expect(err.message).not.toContain('tiny-t');
    expect(err.message).toContain('"abc"');
  });
});

describe('loadConfig: sections (a task validates what it reads)', () => {
  it('only the sections asked for are read and returned, logLevel always', () => {
    // LLM_TIMEOUT_MS is invalid, but no section asked for reads it
    const config = loadConfig({ TRAINING_DATA_DIR: '/var/lib/watchdog', LLM_TIMEOUT_MS: 'abc', LOG_LEVEL: 'warn' }, ['trainingDataDir']);
    expect(config).toEqual({ trainingDataDir: '/var/lib/watchdog', logLevel: 'warn' });
  });

  it('an invalid variable of a section asked for is reported, and only those', () => {
    let err: unknown;
    try {
      loadConfig({ DRY_RUN: 'maybe', KUBE_NAMESPACE: 'Bad_NS', LLM_TIMEOUT_MS: 'abc' }, ['kube', 'dryRun']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.variable).sort()).toEqual(['DRY_RUN', 'KUBE_NAMESPACE']);
  });

  it('each section read alone equals the same section of the whole configuration', () => {
    const env = {
      LLM_API_KEY: 'sk-llm-key-0001',
      PROMETHEUS_URL: 'http://prom:9090/',
      STEP_SECONDS: '30',
      JUDGE_GUARDRAILS: 'error_rate=20',
      KUBE_CONTEXT: 'prod',
      GITHUB_REPOSITORY: 'acme/gitops',
      TRAINING_DATA_DIR: '/data',
      DRY_RUN: 'no',
      LOG_LEVEL: 'debug',
    };
    const all = loadConfig(env);
    for (const key of Object.keys(all) as Array<keyof AppConfig>) {
      expect(loadConfig(env, [key]), key).toEqual({ [key]: all[key], logLevel: 'debug' });
    }
  });
});

describe('configOrExit in a child process', () => {
  let dir: string | undefined;
  let script: string;
  const run = (overrides: Record<string, string>): Promise<CommandResult> =>
    runCommand('npx', ['tsx', script], { cwd: REPO_ROOT, env: commandEnv(dir!, overrides) });

  beforeAll(async () => {
    dir = await makeTempDir('config');
    script = join(dir, 'child.mts');
    const envModule = pathToFileURL(join(REPO_ROOT, 'src/config/env.ts')).href;
    await writeFile(
      script,
      [
        `import { configOrExit } from ${JSON.stringify(envModule)};`,
        'const config = configOrExit();',
        'process.stdout.write(JSON.stringify({ timeoutMs: config.llm.timeoutMs, dryRun: config.dryRun }) + "\\n");',
      ].join('\n'),
    );
  });
  afterAll(() => removeTempDir(dir));

  it('valid configuration: the config is returned and the process carries on (exit 0)', async () => {
    const result = await run({ LLM_TIMEOUT_MS: '1234', DRY_RUN: 'no' });
    expect(result.stderr.trim()).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ timeoutMs: 1234, dryRun: false });
  });

  it('invalid configuration: exit code 2, nothing on stdout, one clear message on stderr without stack or secret', async () => {
    const result = await run({ LLM_TIMEOUT_MS: 'abc', LLM_API_KEY: 'sk-Q7zX' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const stderr = result.stderr.trim();
    expect(stderr.startsWith('Invalid configuration:')).toBe(true);
    expect(stderr).toContain('LLM_TIMEOUT_MS: expected a whole number (milliseconds per LLM request), got "abc"');
    expect(stderr).toContain('LLM_API_KEY: expected an API key');
    expect(stderr).not.toContain('Q7zX');
    expect(stderr).toMatch(/README\.md/);
    // one message: the heading, one line per variable, one line of advice; no stack trace
    expect(stderr.split('\n')).toHaveLength(4);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/ConfigError|node:internal/);
  });
});
