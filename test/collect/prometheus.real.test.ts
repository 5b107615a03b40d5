// collectMetrics against a real Prometheus (Debian package `prometheus`:
// /usr/bin/prometheus and /usr/bin/promtool) loaded with mock scenarios' series:
// the windows must come back exactly as the scenario has them, nulls included.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CollectError,
  collectMetrics,
  createPrometheusClient,
  metricsWithoutData,
  PrometheusUnreachableError,
} from '../../src/collect/prometheus.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import {
  alignedDeployedAt,
  freePort,
  scenarioWindows,
  startPrometheusWithScenarios,
  testTemplates,
  type PrometheusServer,
} from '../support/prometheus-server.js';
import { readFile } from 'node:fs/promises';
import { overrideVariable } from '../../src/collect/promql.js';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runTsx } from '../support/run-command.js';

const MOCK = join(REPO_ROOT, 'mock-data', 'scenarios');

describe('collectMetrics against a real Prometheus', () => {
  let server: PrometheusServer | undefined;
  let withNulls: Scenario;
  let plain: Scenario;
  let deployedAt: Date;

  beforeAll(async () => {
    withNulls = await loadScenarioFile(join(MOCK, 'healthy-scattered-nulls-warehouse.json'));
    plain = await loadScenarioFile(join(MOCK, 'memory-leak-payment.json'));
    expect(withNulls.step_seconds).toBe(plain.step_seconds);
    deployedAt = alignedDeployedAt(plain.step_seconds);
    server = await startPrometheusWithScenarios([
      { scenario: withNulls, deployedAt },
      { scenario: plain, deployedAt },
    ]);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const client = () => createPrometheusClient(server!.url, { timeoutMs: 5_000 });

  for (const name of ['healthy-scattered-nulls-warehouse', 'memory-leak-payment']) {
    it(`reproduces ${name}'s baseline and canary windows, nulls included`, async () => {
      const scenario = name === 'memory-leak-payment' ? plain : withNulls;
      const metrics = await collectMetrics(
        scenario.deployment,
        deployedAt,
        scenarioWindows(scenario),
        client(),
        testTemplates(Object.keys(scenario.metrics)),
      );
      expect(Object.keys(metrics).sort()).toEqual(Object.keys(scenario.metrics).sort());
      for (const [metric, series] of Object.entries(scenario.metrics)) {
        expect(metrics[metric]!.baseline, `${metric} baseline`).toEqual(series.baseline);
        expect(metrics[metric]!.canary, `${metric} canary`).toEqual(series.canary);
      }
      expect(metricsWithoutData(metrics)).toEqual([]);
    });
  }

  it('the scenario with nulls really has nulls (a gap is not filled by the lookback)', () => {
    const nulls = Object.values(withNulls.metrics).flatMap((m) => [...m.baseline, ...m.canary]).filter((v) => v === null);
    expect(nulls.length).toBeGreaterThan(10);
  });

  it('an unparsable template is a PromQL error naming the metric and Prometheus\' message', async () => {
    const err = await collectMetrics(plain.deployment, deployedAt, scenarioWindows(plain), client(), {
      ...testTemplates(['error_rate']),
      broken_kpi: 'sum(rate(watchdog_test_metric[1m]',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectError);
    expect((err as CollectError).metric).toBe('broken_kpi');
    expect((err as Error).message).toMatch(/metric "broken_kpi": PromQL error: .*parse error/);
  });

  it('a template that selects nothing is "no data": the metric with all-null windows, not an error', async () => {
    const windows = scenarioWindows(plain);
    const metrics = await collectMetrics(plain.deployment, deployedAt, windows, client(), {
      ...testTemplates(['memory_pct']),
      absent_kpi: 'watchdog_test_metric{metric="no_such_metric",service="{{service}}"}',
    });
    expect(metrics.absent_kpi!.baseline).toEqual(Array(plain.metrics.memory_pct!.baseline.length).fill(null));
    expect(metrics.absent_kpi!.canary).toEqual(Array(plain.metrics.memory_pct!.canary.length).fill(null));
    expect(metrics.memory_pct!.canary).toEqual(plain.metrics.memory_pct!.canary);
    expect(metricsWithoutData(metrics)).toEqual(['absent_kpi']);
  });

  it('a template returning several series is an error naming the metric and suggesting an aggregation', async () => {
    const err = await collectMetrics(plain.deployment, deployedAt, scenarioWindows(plain), client(), {
      everything: 'watchdog_test_metric{service="{{service}}"}',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CollectError);
    expect((err as Error).message).toMatch(/metric "everything": the query returned \d+ series/);
    expect((err as Error).message).toMatch(/aggregate in its template, e\.g\. sum\(\.\.\.\)/);
  });

  it('the collect-metrics task (SOURCE=prometheus) writes the scenario\'s metrics from Prometheus', async () => {
    const dir = await makeTempDir('collect-prom');
    try {
      const out = join(dir, 'scenario.json');
      const windows = scenarioWindows(plain);
      const overrides = Object.fromEntries(
        Object.entries(testTemplates(Object.keys(plain.metrics))).map(([metric, t]) => [overrideVariable(metric), t]),
      );
      const result = await runTsx(
        'tasks/collect-metrics.ts',
        [],
        commandEnv(join(dir, 'training'), {
          SOURCE: 'prometheus',
          SCENARIO: undefined,
          PROMQL_EXTRA: undefined,
          PROMETHEUS_URL: server!.url,
          BASELINE_WINDOW_MINUTES: String(windows.baselineMinutes),
          CANARY_WINDOW_MINUTES: String(windows.canaryMinutes),
          STEP_SECONDS: String(windows.stepSeconds),
          DEPLOYMENT_ID: plain.deployment.deployment_id,
          SERVICE: plain.deployment.service,
          NAMESPACE: plain.deployment.namespace,
          VERSION: plain.deployment.version,
          PREVIOUS_VERSION: undefined,
          DEPLOYED_AT: deployedAt.toISOString(),
          OUTPUT_FILE: out,
          LOG_LEVEL: 'warn',
          ...overrides,
        }),
        60_000,
      );
      expect(result.code, result.stderr).toBe(0);
      const written = ScenarioSchema.parse(JSON.parse(await readFile(out, 'utf8')));
      expect(written.id).toBe(plain.deployment.deployment_id);
      expect(written.step_seconds).toBe(plain.step_seconds);
      for (const [metric, series] of Object.entries(plain.metrics)) {
        expect(written.metrics[metric]!.baseline).toEqual(series.baseline);
        expect(written.metrics[metric]!.canary).toEqual(series.canary);
      }
    } finally {
      await removeTempDir(dir);
    }
  });

  it('an aggregating template over the same data works (one series)', async () => {
    const metrics = await collectMetrics(plain.deployment, deployedAt, scenarioWindows(plain), client(), {
      restarts_max: 'max(watchdog_test_metric{metric="restarts",service="{{service}}",namespace="{{namespace}}"})',
    });
    expect(metrics.restarts_max!.canary).toEqual(plain.metrics.restarts!.canary);
  });
});

describe('collectMetrics with Prometheus unreachable', () => {
  it('a closed port is an error naming the URL and saying it is unreachable', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const err = await collectMetrics(
      { service: 'payment-service', namespace: 'prod' },
      alignedDeployedAt(60),
      { baselineMinutes: 5, canaryMinutes: 5, stepSeconds: 60 },
      createPrometheusClient(url, { timeoutMs: 2_000 }),
      testTemplates(['error_rate']),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PrometheusUnreachableError);
    expect((err as Error).message).toContain(url);
    expect((err as Error).message).toMatch(/is unreachable/);
  });

  it('the task exits 1 with one line naming the unreachable URL', async () => {
    const dir = await makeTempDir('collect-down');
    try {
      const url = `http://127.0.0.1:${await freePort()}`;
      const result = await runTsx(
        'tasks/collect-metrics.ts',
        [],
        commandEnv(join(dir, 'training'), {
          SOURCE: undefined,
          PROMETHEUS_URL: url,
          DEPLOYMENT_ID: 'deploy-1',
          SERVICE: 'payment-service',
          VERSION: 'v1',
          DEPLOYED_AT: alignedDeployedAt(60).toISOString(),
          OUTPUT_FILE: join(dir, 'scenario.json'),
        }),
        60_000,
      );
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`collect-metrics failed: Prometheus at ${url} is unreachable`);
    } finally {
      await removeTempDir(dir);
    }
  });
});
