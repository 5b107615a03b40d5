// The demo service scraped by a real Prometheus (Debian package `prometheus`),
// read back with the project's own collector and default PromQL templates, and
// judged by the project's judge. One timeline, three versions:
//
//   v1.4.2 (good) ──BASELINE_S──▶ deploy v1.4.3 (good) ──CANARY_S──▶ deploy v2.0.0-bad ──CANARY_S──▶ collect
//
// good→good: baseline = the v1.4.2 seconds, canary = the v1.4.3 seconds  → CONTINUE
// good→bad:  baseline = the v1.4.3 seconds, canary = the v2.0.0-bad ones → ROLLBACK
//
// Seconds, not minutes: Prometheus scrapes every 1 s, the collector steps 1 s and
// the windows are fractions of a minute (collectMetrics takes its windows object
// directly; the environment's *_WINDOW_MINUTES only take whole minutes). About
// 32 s in all, 5-6 s of it Prometheus' service discovery before the first scrape.
// The bad version leaks fast here (180 %/min = 3 % of the memory limit per second)
// so the leak shows within an 8 s canary.
//
// What short windows do to the default templates: their rate ranges are at least
// 60 s (src/collect/promql.ts, rate_range), longer than this whole run. So
//  - ratios (error_rate, latency) in the canary still average in the seconds
//    before the deploy: the canary error rate climbs from ~0.3 % towards 8 %;
//  - absolute rates of series younger than 60 s (request_rate, cpu_pct) come out
//    too low, growing with the series' age (rate() divides by the whole range).
//    request_rate's low values also make the judge's tiny-traffic rule hold
//    error_rate back; 100 req/s here keeps that from mattering much.
// memory_pct is a gauge and shows the leak at once: it is what the ROLLBACK
// assertion names. restarts (increase over one 1 s step) has no data at this step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMetrics, createPrometheusClient, type CollectedMetrics, type Windows } from '../../src/collect/prometheus.js';
import { DEFAULT_TEMPLATES } from '../../src/collect/promql.js';
import { demoPrometheusConfig } from '../../src/demo/prometheus-config.js';
import { startDemoServer, type DemoServer } from '../../src/demo/server.js';
import { DEMO_DEFAULTS } from '../../src/demo/settings.js';
import { DEFAULT_THRESHOLDS, judge } from '../../src/judge/judge.js';
import type { JudgeResult } from '../../src/judge/types.js';
import { silentLogger } from '../../src/log.js';
import { startPrometheusWithConfig, type PrometheusServer } from '../support/prometheus-server.js';

const SERVICE = 'payment-service';
const NAMESPACE = 'default';
const BASELINE_S = 8;
const CANARY_S = 8;
const WINDOWS: Windows = { baselineMinutes: BASELINE_S / 60, canaryMinutes: CANARY_S / 60, stepSeconds: 1 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

async function deploy(demo: DemoServer, version: string): Promise<Date> {
  const at = new Date();
  const res = await fetch(`${demo.url}/deploy`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ version }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(((await res.json()) as { version: string }).version).toBe(version);
  return at;
}

/** Waits until Prometheus holds a scraped sample of the demo's request counter; returns when. */
async function firstScrape(prometheusUrl: string, timeoutMs = 15_000): Promise<number> {
  const query = encodeURIComponent(`http_requests_total{service="${SERVICE}",namespace="${NAMESPACE}"}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${query}`)).json()) as { data?: { result?: unknown[] } };
    if ((body.data?.result?.length ?? 0) > 0) return Date.now();
    if (Date.now() > deadline) throw new Error(`Prometheus scraped nothing from the demo service in ${timeoutMs} ms`);
    await sleep(200);
  }
}

function present(xs: Array<number | null>): number[] {
  return xs.filter((x): x is number => x !== null);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function verdictsOf(result: JudgeResult): Record<string, string> {
  return Object.fromEntries(result.verdicts.map((v) => [v.metric, `${v.verdict}: ${v.reason}`]));
}

describe('demo service with the real Prometheus binary: collectMetrics (default templates) and judge', () => {
  let demo: DemoServer | undefined;
  let prometheus: PrometheusServer | undefined;
  let goodToGood: CollectedMetrics;
  let goodToBad: CollectedMetrics;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const t0 = Date.now();
    demo = await startDemoServer(
      { ...DEMO_DEFAULTS, host: '127.0.0.1', port: 0, service: SERVICE, namespace: NAMESPACE, requestsPerSecond: 100, leakPercentPerMinute: 180, seed: 7 },
      { logger: silentLogger(), tickMs: 100 },
    );
    prometheus = await startPrometheusWithConfig(demoPrometheusConfig({ target: `127.0.0.1:${demo.port}`, scrapeIntervalSeconds: 1 }));
    timings.prometheus_ready_s = (Date.now() - t0) / 1000;
    const scrapedAt = await firstScrape(prometheus.url);
    timings.first_scrape_s = (scrapedAt - t0) / 1000;
    expect(demo.simulator.current.version).toBe('v1.4.2');

    // The baseline's first instant must follow the first scrape.
    await sleep(Math.ceil((scrapedAt + BASELINE_S * 1000) / 1000) * 1000 - Date.now() + 50);
    const goodPod = demo.simulator.current.pod;
    const goodAt = await deploy(demo, 'v1.4.3');
    expect(demo.simulator.current.pod).not.toBe(goodPod);
    await sleep(goodAt.getTime() + CANARY_S * 1000 - Date.now() + 1000);
    const badAt = await deploy(demo, 'v2.0.0-bad');
    expect(demo.simulator.current.behaviour.kind).toBe('bad');
    // The last canary instant, plus a scrape.
    await sleep(Math.ceil(badAt.getTime() / 1000) * 1000 + CANARY_S * 1000 - Date.now() + 300);
    timings.timeline_s = (Date.now() - t0) / 1000;

    const client = createPrometheusClient(prometheus.url, { timeoutMs: 5_000 });
    const deployment = { service: SERVICE, namespace: NAMESPACE };
    [goodToGood, goodToBad] = await Promise.all([
      collectMetrics(deployment, goodAt, WINDOWS, client, { ...DEFAULT_TEMPLATES }),
      collectMetrics(deployment, badAt, WINDOWS, client, { ...DEFAULT_TEMPLATES }),
    ]);
    timings.total_s = (Date.now() - t0) / 1000;
    console.info(`demo/real-prometheus timings: ${JSON.stringify(timings)}`);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await demo?.stop();
  });

  it('every default-template metric the demo feeds has data in both windows', () => {
    for (const metrics of [goodToGood, goodToBad]) {
      expect(Object.keys(metrics).sort()).toEqual(Object.keys(DEFAULT_TEMPLATES).sort());
      for (const name of ['error_rate', 'latency_p95_ms', 'latency_p99_ms', 'memory_pct', 'cpu_pct', 'request_rate']) {
        const m = metrics[name]!;
        expect(m.baseline, name).toHaveLength(BASELINE_S);
        expect(m.canary, name).toHaveLength(CANARY_S);
        expect(present(m.baseline).length, `${name} baseline: ${JSON.stringify(m.baseline)}`).toBeGreaterThanOrEqual(BASELINE_S - 2);
        expect(present(m.canary).length, `${name} canary: ${JSON.stringify(m.canary)}`).toBeGreaterThanOrEqual(CANARY_S - 2);
      }
    }
  });

  it('after the bad deploy the canary error_rate and memory_pct are above the baseline', () => {
    for (const name of ['error_rate', 'memory_pct', 'latency_p95_ms']) {
      const m = goodToBad[name]!;
      const detail = `${name}: baseline ${JSON.stringify(m.baseline)} canary ${JSON.stringify(m.canary)}`;
      expect(median(present(m.canary)), detail).toBeGreaterThan(median(present(m.baseline)));
      expect(Math.max(...present(m.canary)), detail).toBeGreaterThan(Math.max(...present(m.baseline)));
    }
    // The leak: memory climbs through the canary (3 % of the limit per second here).
    const memory = present(goodToBad.memory_pct!.canary);
    expect(memory.at(-1)! - memory[0]!, JSON.stringify(memory)).toBeGreaterThan(15);
  });

  it('the judge says ROLLBACK for the bad version, naming memory_pct', () => {
    const result = judge({ step_seconds: 1, metrics: goodToBad }, DEFAULT_THRESHOLDS);
    expect(result.decision, JSON.stringify(verdictsOf(result), null, 1)).toBe('ROLLBACK');
    expect(result.verdicts.find((v) => v.metric === 'memory_pct')!.verdict, result.explanation).toBe('high');
    expect(result.explanation).toContain('memory_pct');
  });

  it('the judge says CONTINUE for a good-to-good deploy', () => {
    const result = judge({ step_seconds: 1, metrics: goodToGood }, DEFAULT_THRESHOLDS);
    expect(result.decision, JSON.stringify(verdictsOf(result), null, 1)).toBe('CONTINUE');
    expect(result.coverage.compared).toBeGreaterThanOrEqual(6);
  });
});
