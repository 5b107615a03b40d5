// A real deployment through the local Kestra: the demo service (prom-client) scraped by
// the real Prometheus binary, a bad version deployed to it, and the CD system's webhook
// naming the deployment (no demo scenario): collect_metrics queries that Prometheus with
// the default PromQL templates, collect_logs finds no cluster (the flow goes on, WARNING),
// the judge says ROLLBACK, the rollback runs dry.
// About two and a half minutes: the flow's windows are whole minutes (1 + 1 here).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPrometheusConfig } from '../../src/demo/prometheus-config.js';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { DEMO_DEFAULTS } from '../../src/demo/settings.js';
import { silentLogger } from '../../src/log.js';
import { startLocalKestra, type LocalKestra } from '../support/local-kestra.js';
import { startPrometheusWithConfig, type PrometheusServer } from '../support/prometheus-server.js';

const SERVICE = 'payment-service';
const NAMESPACE = 'default';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

let demo: DemoServer;
let prometheus: PrometheusServer;
let kestra: LocalKestra;
let deployedAt: Date;

async function firstScrape(url: string): Promise<number> {
  const query = encodeURIComponent(`http_requests_total{service="${SERVICE}",namespace="${NAMESPACE}"}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const body = (await (await fetch(`${url}/api/v1/query?query=${query}`)).json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return Date.now();
    if (Date.now() > deadline) throw new Error('Prometheus scraped nothing from the demo service in 30 s');
    await sleep(250);
  }
}

beforeAll(async () => {
  demo = await startDemoServer(
    { ...DEMO_DEFAULTS, host: '127.0.0.1', port: 0, service: SERVICE, namespace: NAMESPACE, requestsPerSecond: 100, leakPercentPerMinute: 60, seed: 11 },
    { logger: silentLogger(), tickMs: 100 },
  );
  prometheus = await startPrometheusWithConfig(demoPrometheusConfig({ target: `127.0.0.1:${demo.port}`, scrapeIntervalSeconds: 1 }));
  // The engine starts while Prometheus fills the baseline minute.
  const [started, scrapedAt] = await Promise.all([
    startLocalKestra('prometheus', { PROMETHEUS_URL: prometheus.url, BASELINE_WINDOW_MINUTES: '1', CANARY_WINDOW_MINUTES: '1', STEP_SECONDS: '2' }),
    firstScrape(prometheus.url),
  ]);
  kestra = started;
  await sleep(scrapedAt + 62_000 - Date.now());
  deployedAt = new Date();
  const res = await fetch(`${demo.url}/deploy`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: 'v2.0.0-bad' }) });
  expect(res.status).toBe(200);
  await sleep(deployedAt.getTime() + 62_000 - Date.now());
}, 300_000);

afterAll(async () => {
  await kestra?.stop();
  await prometheus?.stop();
  await demo?.stop();
});

describe('a deployment judged from the real Prometheus, through Kestra', () => {
  it('the bad version is rolled back (dry run), memory named in the evidence', async () => {
    const { status, execution } = await kestra.webhook({
      deployment_id: `prom-${process.pid}`,
      service: SERVICE,
      namespace: NAMESPACE,
      version: 'v2.0.0-bad',
      previous_version: 'v1.4.2',
      deployed_at: deployedAt.toISOString(),
    });
    expect(status).toBe(200);
    const done = await kestra.waitFor(execution.id);
    const outputs = await kestra.client.getExecutionOutputs(execution.id);
    const errors = await kestra.client.getLogs(execution.id, 'ERROR');
    // WARNING, not FAILED: there is no cluster to read pod logs from, and the flow says so
    // (collect_logs may fail) while the judge decides on the metrics.
    expect(done.state.current, JSON.stringify(errors.map((l) => l.message))).toBe('WARNING');
    expect(errors.some((l) => l.taskId === 'collect_logs' && /kubectl/.test(l.message ?? ''))).toBe(true);
    expect(errors.every((l) => !/dynamic import callback/.test(l.message ?? ''))).toBe(true);
    expect(outputs).toMatchObject({ decision: 'ROLLBACK', rollback_status: 'dry-run', service: SERVICE, version: 'v2.0.0-bad' });
    expect(String(outputs.summary)).toContain('memory_pct');
    // it came from Prometheus, and kubectl logs were asked for (nothing to read here: no cluster)
    expect((done.taskRunList ?? []).map((t) => t.taskId)).toEqual(expect.arrayContaining(['collect_metrics', 'collect_logs', 'decide']));
  }, 120_000);
});
