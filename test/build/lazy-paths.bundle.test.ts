// The bundles' lazily loaded paths (scripts/build.ts: `import()` in the source, the
// library bundled apart under lib/), each bundle copied into a fresh directory with
// only the files its flow task includes, and run with plain `node`, as Kestra runs
// it: axios (loaded on demand) against a real Prometheus and the Loki double; the
// openai SDK (loaded only with a key) against a loopback OpenAI-compatible server;
// @octokit/rest (loaded only for a live run) against the GitHub double.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../scripts/build.js';
import { decide } from '../../src/decision/decide.js';
import { overrideVariable } from '../../src/collect/promql.js';
import { namespaceIncludes, parseFlow } from '../../src/kestra/flow-model.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import { silentLogger } from '../../src/log.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { ScenarioSchema, type Scenario } from '../../src/scenario/schema.js';
import { startGithubApiDouble, type GithubApiDouble } from '../support/github-api-double.js';
import { startLokiDouble } from '../support/loki-double.js';
import { answerJson } from '../llm/fixtures.js';
import { startOpenAiCompatibleServer } from '../support/openai-compatible-server.js';
import {
  alignedDeployedAt,
  freePort,
  scenarioWindows,
  startPrometheusWithScenarios,
  testTemplates,
  type PrometheusServer,
} from '../support/prometheus-server.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand, type CommandResult } from '../support/run-command.js';

const MOCK = join(REPO_ROOT, 'mock-data', 'scenarios');
const TOKEN = `ghp_${'lazyPATHS0123456789abcdefSECRET'}`;

function kestraLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::{') && l.endsWith('}::'))
    .map((l) => JSON.parse(l.slice(2, -2)) as Record<string, any>);
}
const outputsOf = (stdout: string) => kestraLines(stdout).find((k) => 'outputs' in k)?.outputs as Record<string, any> | undefined;

let outdir: string | undefined;
const dirs: string[] = [];
let plain: Scenario;

beforeAll(async () => {
  outdir = await makeTempDir('lazy-bundle-out');
  await buildTasks(outdir);
  plain = await loadScenarioFile(join(MOCK, 'memory-leak-payment.json'));
}, 60_000);
afterAll(async () => {
  await removeTempDir(outdir);
  for (const d of dirs) await removeTempDir(d);
});

/** The dist/tasks files the devops-loop flow gives the task running `<task>.cjs` (its namespaceFiles), relative to dist/tasks. */
async function flowIncludes(task: string): Promise<string[]> {
  const flow = parseFlow('devops-loop', await readFile(join(REPO_ROOT, 'flows/devops-loop.yml'), 'utf8'));
  const runner = flow.tasks.find((t) => t.scripts.includes(task));
  if (!runner) throw new Error(`devops-loop runs no ${task}.cjs`);
  return namespaceIncludes(runner).filter((f) => f.startsWith('dist/tasks/')).map((f) => f.slice('dist/tasks/'.length));
}

/**
 * `<task>.cjs` copied into a fresh directory with only what the flow's task includes
 * besides it (its lazy library under lib/), and run there with plain node.
 */
async function runBundle(task: string, env: Record<string, string | undefined>, files: Record<string, string> = {}): Promise<{ dir: string; result: CommandResult }> {
  const dir = await makeTempDir(`lazy-${task}`);
  dirs.push(dir);
  for (const f of await flowIncludes(task)) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    await copyFile(join(outdir!, f), join(dir, f));
  }
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const result = await runCommand(process.execPath, [`${task}.cjs`], { cwd: dir, env: commandEnv(join(dir, 'training'), { LOG_LEVEL: 'warn', ...env }), timeoutMs: 30_000 });
  return { dir, result };
}

const deploymentEnv = (s: Scenario) => ({
  DEPLOYMENT_ID: s.deployment.deployment_id,
  SERVICE: s.deployment.service,
  NAMESPACE: s.deployment.namespace,
  VERSION: s.deployment.version,
  PREVIOUS_VERSION: s.deployment.previous_version,
});

describe('collect-metrics.cjs: axios, loaded on demand, against a real Prometheus', () => {
  let server: PrometheusServer | undefined;
  let deployedAt: Date;
  beforeAll(async () => {
    deployedAt = alignedDeployedAt(plain.step_seconds);
    server = await startPrometheusWithScenarios([{ scenario: plain, deployedAt }]);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('SOURCE=prometheus: the windows come back as the scenario has them (POST query_range, urlencoded body)', async () => {
    const windows = scenarioWindows(plain);
    const overrides = Object.fromEntries(Object.entries(testTemplates(Object.keys(plain.metrics))).map(([m, t]) => [overrideVariable(m), t]));
    const { dir, result } = await runBundle('collect-metrics', {
      ...deploymentEnv(plain),
      PREVIOUS_VERSION: undefined,
      SOURCE: 'prometheus',
      PROMETHEUS_URL: server!.url,
      BASELINE_WINDOW_MINUTES: String(windows.baselineMinutes),
      CANARY_WINDOW_MINUTES: String(windows.canaryMinutes),
      STEP_SECONDS: String(windows.stepSeconds),
      DEPLOYED_AT: deployedAt.toISOString(),
      ...overrides,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const written = ScenarioSchema.parse(JSON.parse(await readFile(join(dir, 'scenario.json'), 'utf8')));
    for (const [name, m] of Object.entries(plain.metrics)) {
      expect(written.metrics[name]!.baseline, name).toEqual(m.baseline);
      expect(written.metrics[name]!.canary, name).toEqual(m.canary);
    }
    expect(outputsOf(result.stdout)).toMatchObject({ scenario_file: 'scenario.json', no_data: [] });
  }, 60_000);

  it('Prometheus unreachable: exit 1 with the one-line reason axios errors map to', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { result } = await runBundle('collect-metrics', { ...deploymentEnv(plain), SOURCE: undefined, PROMETHEUS_URL: url, DEPLOYED_AT: alignedDeployedAt(60).toISOString() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`collect-metrics failed: Prometheus at ${url} is unreachable`);
    expect(outputsOf(result.stdout)).toBeUndefined();
  }, 60_000);
});

describe('collect-logs.cjs: axios against the Loki double (GET with params)', () => {
  it('reads both windows from Loki, redacted', async () => {
    const labels = { namespace: 'prod', app: 'payment-service' };
    const loki = await startLokiDouble([
      { labels, at: Date.parse('2026-11-23T09:45:00Z'), line: 'INFO served request id=7' },
      { labels, at: Date.parse('2026-11-23T10:04:00Z'), line: 'ERROR OutOfMemoryError in ReportJob token=abcdef123456' },
    ]);
    try {
      const { dir, result } = await runBundle('collect-logs', {
        DEPLOYMENT_ID: 'deploy-42',
        SERVICE: 'payment-service',
        NAMESPACE: 'prod',
        VERSION: 'v1.1.0',
        DEPLOYED_AT: '2026-11-23T10:00:00Z',
        BASELINE_WINDOW_MINUTES: '30',
        CANARY_WINDOW_MINUTES: '10',
        LOKI_URL: loki.url,
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const logs = JSON.parse(await readFile(join(dir, 'logs.json'), 'utf8')) as { baseline: string[]; canary: string[] };
      expect(logs.baseline).toEqual(['2026-11-23T09:45:00.000Z INFO served request id=7']);
      expect(logs.canary).toEqual(['2026-11-23T10:04:00.000Z ERROR OutOfMemoryError in ReportJob token=[redacted]']);
      expect(outputsOf(result.stdout)).toMatchObject({ log_source: 'loki', baseline_lines: 1, canary_lines: 1, new_error_signatures: 1 });
      expect(loki.queries.map((q) => q.get('query'))).toEqual(['{namespace="prod", app="payment-service"}', '{namespace="prod", app="payment-service"}']);
    } finally {
      await loki.close();
    }
  }, 60_000);
});

describe('decide.cjs: the openai SDK, loaded only with a key', () => {
  it('with LLM_API_KEY the LLM answers through the real SDK; the llm_latency timer is written', async () => {
    const srv = await startOpenAiCompatibleServer({ content: answerJson('ROLLBACK', 0.9) });
    try {
      const scenario = await readFile(join(MOCK, 'memory-leak-payment.json'), 'utf8');
      const { dir, result } = await runBundle(
        'decide',
        { SCENARIO_FILE: 'scenario.json', LLM_API_KEY: 'sk-lazy-test-123456', LLM_BASE_URL: srv.baseURL, LLM_MODEL: 'test-model', LLM_MAX_RETRIES: '0' },
        { 'scenario.json': scenario },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(srv.requests).toHaveLength(1);
      expect(srv.requests[0]!.path).toBe('/v1/chat/completions');
      expect(srv.requests[0]!.headers.authorization).toBe('Bearer sk-lazy-test-123456');
      const record = JSON.parse(await readFile(join(dir, 'decision.json'), 'utf8'));
      expect(record.llm).toMatchObject({ status: 'answered', model: 'test-model', decision: 'ROLLBACK' });
      const metrics = kestraLines(result.stdout).flatMap((k) => (Array.isArray(k.metrics) ? k.metrics : []));
      expect(metrics.find((m) => m.name === 'llm_latency')).toMatchObject({ type: 'timer' });
      expect(result.stdout).not.toContain('sk-lazy-test-123456');
    } finally {
      await srv.close();
    }
  }, 60_000);

  it('an unreachable LLM endpoint: the SDK error is still classified (instanceof across the lazy load); the judge decides', async () => {
    const scenario = await readFile(join(MOCK, 'memory-leak-payment.json'), 'utf8');
    const url = `http://127.0.0.1:${await freePort()}/v1`;
    const { dir, result } = await runBundle('decide', { SCENARIO_FILE: 'scenario.json', LLM_API_KEY: 'sk-lazy-test-123456', LLM_BASE_URL: url, LLM_MAX_RETRIES: '0' }, { 'scenario.json': scenario });
    expect(result.code).toBe(0);
    const record = JSON.parse(await readFile(join(dir, 'decision.json'), 'utf8'));
    expect(record).toMatchObject({ decision: 'ROLLBACK', decided_by: 'judge', llm: { status: 'failed' } });
    expect(record.llm.reason).toContain('is unreachable: connection refused');
  }, 60_000);
});

describe('open-fix-pr.cjs: @octokit/rest, loaded only for a live run', () => {
  let gh: GithubApiDouble | undefined;
  let decision: string;
  beforeAll(async () => {
    const record = await decide(
      { deployment: plain.deployment, step_seconds: plain.step_seconds, metrics: plain.metrics, ...(plain.logs ? { logs: plain.logs } : {}) },
      { thresholds: DEFAULT_THRESHOLDS, logger: silentLogger() },
    );
    decision = `${JSON.stringify(record, null, 2)}\n`;
  });
  afterEach(async () => {
    await gh?.close();
    gh = undefined;
  });

  it('live (token, DRY_RUN=false): creates the PR through Octokit', async () => {
    gh = await startGithubApiDouble({ owner: 'acme', repo: 'gitops', token: TOKEN, defaultBranch: 'main' });
    const { result } = await runBundle(
      'open-fix-pr',
      { ...deploymentEnv(plain), DECISION_FILE: 'decision.json', GITHUB_REPOSITORY: 'acme/gitops', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url, DRY_RUN: 'false' },
      { 'decision.json': decision },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(outputsOf(result.stdout)).toEqual({ pr_status: 'created', pr_url: 'https://github.example/acme/gitops/pull/1', pr_number: 1, branch: 'watchdog/rollback-deploy-0001' });
    expect(result.stdout).not.toContain(TOKEN);
  }, 60_000);

  it('dry run (token but DRY_RUN default true): no request at all', async () => {
    gh = await startGithubApiDouble({ owner: 'acme', repo: 'gitops', token: TOKEN, defaultBranch: 'main' });
    const { result } = await runBundle(
      'open-fix-pr',
      { ...deploymentEnv(plain), DECISION_FILE: 'decision.json', GITHUB_REPOSITORY: 'acme/gitops', GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url, DRY_RUN: undefined },
      { 'decision.json': decision },
    );
    expect(result.code).toBe(0);
    expect(outputsOf(result.stdout)).toEqual({ pr_status: 'dry-run', pr_url: null, pr_number: null, branch: 'watchdog/rollback-deploy-0001' });
    expect(gh.calls()).toEqual([]);
  }, 60_000);

  it('live without GITHUB_REPOSITORY: the same one-line error githubTarget gives', async () => {
    const { result } = await runBundle(
      'open-fix-pr',
      { ...deploymentEnv(plain), DECISION_FILE: 'decision.json', GITHUB_REPOSITORY: undefined, GITHUB_TOKEN: TOKEN, DRY_RUN: 'false' },
      { 'decision.json': decision },
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('open-fix-pr failed: GITHUB_REPOSITORY is not set: give owner/repo for the fix pull request');
  }, 60_000);
});
