// Scenarios an experienced SRE would let continue (expected CONTINUE). Ids
// start with `healthy-`. Most are deliberately hard: something looks different
// after the deploy (noise, a single spike, warm-up, a daily trend, tiny
// traffic, missing data, scary-looking log words, an improvement), but nothing
// the deploy made worse.
import { mapCurve, sum, times, type Curve, type Gen } from './builders.js';
import type { ScenarioDef } from './types.js';

/**
 * Tiny traffic, simulated from request counts: `lambda` requests per sample on
 * average, failures only where `failures` says so. error_rate is null in a
 * sample with no requests (0/0 is not a rate).
 */
function tinyTraffic(g: Gen, stepSeconds: number, lambda: number, forced: Map<number, [number, number]>) {
  const requests = g.curve((t) => forced.get(t)?.[0] ?? g.poisson(lambda));
  const failures = g.curve((t) => forced.get(t)?.[1] ?? 0);
  const errorRate: Curve = requests.map((n, i) => (n === 0 ? Number.NaN : (100 * (failures[i] ?? 0)) / n));
  const requestRate: Curve = requests.map((n) => n / stepSeconds);
  return { requests, errorRate, requestRate };
}

export const HEALTHY: ScenarioDef[] = [
  {
    id: 'healthy-noisy-latency-catalog',
    description:
      'catalog-service v8.1.2: p95 latency is very noisy (log-normal around ~250 ms, single samples from ~150 to ' +
      '~450 ms) in both windows; same distribution after the deploy, other metrics stable.',
    expected: 'CONTINUE',
    categories: ['noisy-same-distribution'],
    deploy: 20,
    service: 'catalog-service',
    namespace: 'prod',
    version: 'v8.1.2',
    previousVersion: 'v8.1.1',
    windows: [60, 30],
    metrics: (g) => {
      const p95 = mapCurve(g.noise(1), g.baseline, (z) => 250 * Math.exp(0.22 * z));
      return {
        error_rate: g.pct(g.flat(0.6, 0.3)),
        latency_p95_ms: g.ms(p95),
        latency_p99_ms: g.ms(times(p95, sum(g.flat(1.8, 0.2)))),
        cpu_pct: g.pct(g.flat(45, 7)),
        memory_pct: g.pct(g.flat(63, 2)),
        request_rate: g.rps(g.flat(480, 45)),
      };
    },
  },
  {
    id: 'healthy-noisy-errors-email',
    description:
      'email-sender v1.22.0: the error rate is driven by recipient bounces and swings a lot (~2% ± 1.2, sometimes ' +
      'near 0, sometimes 4–5%) before and after the deploy; the distribution does not change.',
    expected: 'CONTINUE',
    categories: ['noisy-same-distribution'],
    deploy: 21,
    service: 'email-sender',
    namespace: 'prod',
    version: 'v1.22.0',
    previousVersion: 'v1.21.3',
    windows: [45, 20],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(2, 1.2)),
      latency_p95_ms: g.ms(g.flat(900, 180)),
      cpu_pct: g.pct(g.flat(22, 5)),
      request_rate: g.rps(g.flat(40, 8)),
    }),
  },
  {
    id: 'healthy-single-latency-spike-tax',
    description:
      'tax-service v2.3.4: one canary sample (the 5th minute) shows a latency spike to ~650 ms p95 caused by a ' +
      'slow upstream rate lookup; the other 14 canary samples match the baseline (~130 ms).',
    expected: 'CONTINUE',
    categories: ['single-spike'],
    deploy: 22,
    service: 'tax-service',
    namespace: 'prod',
    version: 'v2.3.4',
    previousVersion: 'v2.3.3',
    windows: [40, 15],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.3, 0.08)),
      latency_p95_ms: g.ms(sum(g.flat(130, 8), g.spike(4, 520))),
      latency_p99_ms: g.ms(sum(g.flat(240, 15), g.spike(4, 900))),
      cpu_pct: g.pct(g.flat(36, 3)),
      memory_pct: g.pct(g.flat(47, 1)),
      request_rate: g.rps(g.flat(350, 18)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 6, 'INFO', (r) => `POST /v1/tax/quote 200 ${r.int(30, 140)}ms country=${r.pick(['DE', 'FR', 'NL', 'US'])} lines=${r.int(1, 12)}`),
      l.at(-31, 'WARN', (r) => `rate provider slow ${r.int(500, 700)}ms provider=vatapi region=eu-west-1`),
      ...l.spread('canary', 4, 'INFO', (r) => `POST /v1/tax/quote 200 ${r.int(30, 140)}ms country=${r.pick(['DE', 'FR', 'NL', 'US'])} lines=${r.int(1, 12)}`),
      l.at(4, 'WARN', (r) => `rate provider slow ${r.int(1800, 2400)}ms provider=vatapi region=eu-west-1`),
    ],
  },
  {
    id: 'healthy-single-error-spike-notification',
    description:
      'notification-service v6.0.7: one canary minute has a 7.5% error rate (a push provider hiccup), the other ' +
      '19 minutes stay at the usual ~0.3%.',
    expected: 'CONTINUE',
    categories: ['single-spike'],
    deploy: 23,
    service: 'notification-service',
    namespace: 'prod',
    version: 'v6.0.7',
    previousVersion: 'v6.0.6',
    windows: [40, 20],
    metrics: (g) => ({
      error_rate: g.pct(sum(g.flat(0.3, 0.08), g.spike(9, 7.2))),
      latency_p95_ms: g.ms(g.flat(80, 6)),
      cpu_pct: g.pct(g.flat(30, 3)),
      memory_pct: g.pct(g.flat(38, 1)),
      request_rate: g.rps(g.flat(220, 12)),
    }),
  },
  {
    id: 'healthy-cpu-warmup-reporting',
    description:
      'reporting-service v3.7.0 (JVM): CPU bursts to ~90% and p95 to ~440 ms in the first canary minute and is ' +
      'still elevated in the second (JIT warm-up, cache fill), then everything matches the baseline.',
    expected: 'CONTINUE',
    categories: ['warmup-burst'],
    deploy: 24,
    service: 'reporting-service',
    namespace: 'prod',
    version: 'v3.7.0',
    previousVersion: 'v3.6.9',
    windows: [40, 15],
    metrics: (g) => ({
      cpu_pct: g.pct(sum(g.flat(30, 3), g.spike(0, 60), g.spike(1, 36))),
      latency_p95_ms: g.ms(sum(g.flat(180, 10), g.spike(0, 260), g.spike(1, 90))),
      latency_p99_ms: g.ms(sum(g.flat(320, 20), g.spike(0, 520), g.spike(1, 160))),
      // fresh pods start with a smaller heap, grown back within 3 minutes
      memory_pct: g.pct(sum(g.flat(55, 1), g.curve((t) => (t >= 0 && t < 3 ? -8 * (1 - t / 3) : 0)))),
      error_rate: g.pct(g.flat(0.4, 0.1)),
      request_rate: g.rps(g.flat(120, 8)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 7, 'INFO', (r) => `report generated report_id=rpt-${r.int(100000, 999999)} rows=${r.int(200, 90000)} in ${r.int(300, 4000)}ms`),
      l.at(0, 'INFO', 'Started ReportingApplication in 23.4 seconds (JVM running for 25.1)'),
      l.at(0, 'INFO', 'HikariPool-1 - Start completed.'),
      ...l.spread('canary', 5, 'INFO', (r) => `report generated report_id=rpt-${r.int(100000, 999999)} rows=${r.int(200, 90000)} in ${r.int(300, 4000)}ms`),
    ],
  },
  {
    id: 'healthy-diurnal-rising-feed',
    description:
      'home-feed v9.4.0 deployed during the morning ramp-up: request rate rises steadily from ~300 to ~720 req/s ' +
      'across both windows, and p95 latency and CPU follow the load on the same line. Canary is higher than the ' +
      'baseline only because the day moved on.',
    expected: 'CONTINUE',
    categories: ['diurnal-trend'],
    deploy: 25,
    service: 'home-feed',
    namespace: 'prod',
    version: 'v9.4.0',
    previousVersion: 'v9.3.8',
    windows: [60, 30],
    metrics: (g) => {
      const load = sum(g.trend(300, 720), g.noise(15));
      return {
        request_rate: g.rps(load),
        latency_p95_ms: g.ms(sum(times(load, 0.09), 110, g.noise(6))),
        cpu_pct: g.pct(sum(times(load, 0.06), 12, g.noise(2))),
        error_rate: g.pct(g.flat(0.35, 0.08)),
        memory_pct: g.pct(g.flat(58, 1.5)),
      };
    },
  },
  {
    id: 'healthy-diurnal-falling-stream',
    description:
      'stream-gateway v2.19.0 deployed in the evening, 5-minute samples: traffic follows the daily cycle down ' +
      'from ~1560 to ~900 req/s across both windows and latency and CPU fall with it. The lower canary request ' +
      'rate is the time of day, not the deploy.',
    expected: 'CONTINUE',
    categories: ['diurnal-trend'],
    deploy: 26,
    service: 'stream-gateway',
    namespace: 'prod',
    version: 'v2.19.0',
    previousVersion: 'v2.18.4',
    stepSeconds: 300,
    windows: [48, 24],
    metrics: (g) => {
      // a 24 h cycle is 288 five-minute samples; the windows sit on its falling side
      const load = sum(1100, g.diurnal(500, 288, 138), g.noise(20));
      return {
        request_rate: g.rps(load),
        latency_p95_ms: g.ms(sum(times(load, 0.05), 70, g.noise(4))),
        cpu_pct: g.pct(sum(times(load, 0.035), 10, g.noise(1.5))),
        error_rate: g.pct(g.flat(0.2, 0.05)),
        memory_pct: g.pct(g.flat(61, 1)),
      };
    },
  },
  {
    id: 'healthy-tiny-traffic-admin',
    description:
      'admin-console v1.6.1 gets ~0.08 req/s (a handful of requests a minute). In one canary minute there was ' +
      'exactly one request and it failed, so error_rate shows 100% for that sample; minutes without requests have ' +
      'no error rate (null). One failed request is not a regression.',
    expected: 'CONTINUE',
    categories: ['tiny-traffic'],
    deploy: 27,
    service: 'admin-console',
    namespace: 'prod',
    version: 'v1.6.1',
    previousVersion: 'v1.6.0',
    windows: [40, 15],
    metrics: (g) => {
      // minute 6 of the canary: one request, and it failed; a few minutes had no requests at all
      const forced = new Map<number, [number, number]>([
        [-31, [0, 0]],
        [-12, [0, 0]],
        [6, [1, 1]],
        [10, [0, 0]],
      ]);
      const { requests, errorRate, requestRate } = tinyTraffic(g, 60, 5, forced);
      return {
        error_rate: g.pct(errorRate),
        request_rate: g.rps(requestRate),
        latency_p95_ms: g.ms(requests.map((n) => (n === 0 ? Number.NaN : 220 + 60 * g.gauss()))),
        cpu_pct: g.pct(g.flat(3, 0.8)),
        memory_pct: g.pct(g.flat(31, 0.5)),
      };
    },
  },
  {
    id: 'healthy-tiny-traffic-partner-webhook',
    description:
      'partner-webhook-receiver v0.8.3 gets ~0.05–0.1 req/s. One canary minute had 2 requests and 1 failed ' +
      '(50%); the baseline had a similar blip (1 of 3, 33%). Single failures at this volume are noise.',
    expected: 'CONTINUE',
    categories: ['tiny-traffic'],
    deploy: 28,
    service: 'partner-webhook-receiver',
    namespace: 'prod',
    version: 'v0.8.3',
    previousVersion: 'v0.8.2',
    windows: [45, 12],
    metrics: (g) => {
      const forced = new Map<number, [number, number]>([
        [-20, [3, 1]],
        [3, [2, 1]],
      ]);
      const { errorRate, requestRate } = tinyTraffic(g, 60, 4, forced);
      return {
        error_rate: g.pct(errorRate),
        request_rate: g.rps(requestRate),
        cpu_pct: g.pct(g.flat(2, 0.5)),
        memory_pct: g.pct(g.flat(27, 0.5)),
      };
    },
    logs: (l) => [
      ...l.spread('baseline', 6, 'INFO', (r) => `POST /hooks/partner/${r.pick(['acme', 'globex', 'initech'])} 202 ${r.int(15, 80)}ms event_id=evt_${r.hex(10)}`),
      l.at(-20, 'ERROR', (r) => `POST /hooks/partner/globex 503 ${r.int(2000, 2100)}ms event_id=evt_${r.hex(10)} err="partner key lookup timed out"`),
      ...l.spread('canary', 3, 'INFO', (r) => `POST /hooks/partner/${r.pick(['acme', 'globex', 'initech'])} 202 ${r.int(15, 80)}ms event_id=evt_${r.hex(10)}`),
      l.at(3, 'ERROR', (r) => `POST /hooks/partner/acme 503 ${r.int(2000, 2100)}ms event_id=evt_${r.hex(10)} err="partner key lookup timed out"`),
    ],
  },
  {
    id: 'healthy-missing-metrics-feature-flags',
    description:
      'feature-flags v2.0.14 in a namespace without container metrics: only error_rate, latency_p95_ms and ' +
      'request_rate are present (no cpu, memory, p99 or restarts), all unchanged.',
    expected: 'CONTINUE',
    categories: ['missing-metric'],
    deploy: 29,
    service: 'feature-flags',
    namespace: 'prod',
    version: 'v2.0.14',
    previousVersion: 'v2.0.13',
    windows: [30, 10],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.1, 0.04)),
      latency_p95_ms: g.ms(g.flat(12, 1.5)),
      request_rate: g.rps(g.flat(1800, 70)),
    }),
  },
  {
    id: 'healthy-empty-canary-p99-audit',
    description:
      'audit-log v3.2.2: the latency_p99_ms histogram has not been scraped for the new pods yet, so its canary ' +
      'window is empty; every metric that has data is unchanged.',
    expected: 'CONTINUE',
    categories: ['empty-window'],
    deploy: 30,
    service: 'audit-log',
    namespace: 'prod',
    version: 'v3.2.2',
    previousVersion: 'v3.2.1',
    windows: [40, 15],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.05, 0.02)),
      latency_p95_ms: g.ms(g.flat(35, 3)),
      latency_p99_ms: g.ms(g.flat(70, 6), { window: 'baseline-only' }),
      cpu_pct: g.pct(g.flat(25, 2.5)),
      memory_pct: g.pct(g.flat(44, 1)),
      request_rate: g.rps(g.flat(520, 25)),
    }),
  },
  {
    id: 'healthy-empty-baseline-new-kpi-loyalty',
    description:
      'loyalty-service v1.9.0 introduces points_awarded_per_min, so that custom KPI has no baseline; it is steady ' +
      'in the canary and all the usual metrics are unchanged.',
    expected: 'CONTINUE',
    categories: ['empty-window'],
    deploy: 31,
    service: 'loyalty-service',
    namespace: 'prod',
    version: 'v1.9.0',
    previousVersion: 'v1.8.6',
    windows: [40, 20],
    metrics: (g) => ({
      points_awarded_per_min: g.metric(g.flat(220, 25), { window: 'canary-only' }),
      error_rate: g.pct(g.flat(0.3, 0.08)),
      latency_p95_ms: g.ms(g.flat(95, 6)),
      cpu_pct: g.pct(g.flat(28, 3)),
      request_rate: g.rps(g.flat(140, 8)),
    }),
  },
  {
    id: 'healthy-no-baseline-error-rate-low',
    description:
      'tenant-config v0.14.0 renamed its error metric, so error_rate has an empty baseline; the canary error rate ' +
      'is a normal ~0.3% and every other metric is unchanged. Missing history alone is no reason to roll back.',
    expected: 'CONTINUE',
    categories: ['empty-window'],
    deploy: 32,
    service: 'tenant-config',
    namespace: 'staging',
    version: 'v0.14.0',
    previousVersion: 'v0.13.2',
    windows: [30, 15],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.3, 0.1), { window: 'canary-only' }),
      latency_p95_ms: g.ms(g.flat(40, 3)),
      cpu_pct: g.pct(g.flat(15, 2)),
      memory_pct: g.pct(g.flat(33, 1)),
      request_rate: g.rps(g.flat(60, 5)),
    }),
  },
  {
    id: 'healthy-scattered-nulls-warehouse',
    description:
      'warehouse-sync v4.4.2: ~15% of samples are missing in every metric (a flaky exporter) plus a 4-minute ' +
      'scrape gap in the canary; the values that are there match the baseline.',
    expected: 'CONTINUE',
    categories: ['scattered-nulls'],
    deploy: 33,
    salt: 3, // the default stream blanked 13 of 20 canary p95 samples by chance
    service: 'warehouse-sync',
    namespace: 'prod',
    version: 'v4.4.2',
    previousVersion: 'v4.4.1',
    windows: [50, 20],
    metrics: (g) => ({
      error_rate: g.pct(g.withNulls(g.flat(0.6, 0.12), 0.15)),
      latency_p95_ms: g.ms(g.gap(g.withNulls(g.flat(260, 15), 0.15), 8, 4)),
      latency_p99_ms: g.ms(g.withNulls(g.flat(480, 30), 0.15)),
      cpu_pct: g.pct(g.withNulls(g.flat(41, 3), 0.15)),
      memory_pct: g.pct(g.withNulls(g.flat(66, 1.5), 0.15)),
      request_rate: g.rps(g.gap(g.withNulls(g.flat(95, 5), 0.15), 8, 4)),
    }),
  },
  {
    id: 'healthy-info-error-logs-ingest',
    description:
      'analytics-ingest v5.6.0: metrics unchanged; the canary logs mention "error" many times, but only in ' +
      'harmless INFO lines (error_count=0, retry policy errors=0, error budget remaining).',
    expected: 'CONTINUE',
    categories: ['harmless-error-logs'],
    deploy: 34,
    service: 'analytics-ingest',
    namespace: 'prod',
    version: 'v5.6.0',
    previousVersion: 'v5.5.9',
    windows: [40, 15],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.1, 0.03)),
      latency_p95_ms: g.ms(g.flat(45, 4)),
      cpu_pct: g.pct(g.flat(62, 4)),
      memory_pct: g.pct(g.flat(70, 1.5)),
      request_rate: g.rps(g.flat(2300, 90)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 8, 'INFO', (r) => `batch done batch_id=b-${r.int(100000, 999999)} records=${r.int(4000, 5000)} duration_ms=${r.int(600, 1100)}`),
      ...l.spread('canary', 6, 'INFO', (r) =>
        `batch done batch_id=b-${r.int(100000, 999999)} records=${r.int(4000, 5000)} error_count=0 duration_ms=${r.int(600, 1100)}`,
      ),
      l.at(0, 'INFO', 'retry policy: errors=0 max_retries=5 backoff=exponential'),
      l.at(0, 'INFO', 'config loaded: on_error=retry dead_letter_topic=ingest-dlq'),
      l.at(7, 'INFO', (r) => `errors_total=0 since start uptime=${r.int(420, 480)}s`),
      l.at(12, 'INFO', 'error budget remaining 99.4% (window 30d)'),
    ],
  },
  {
    id: 'healthy-latency-improvement-quote',
    description:
      'quote-service v2.11.0 adds a query cache: p95 latency drops from ~320 to ~185 ms, p99 from ~610 to ~340 ms ' +
      'and CPU falls slightly. A change for the better.',
    expected: 'CONTINUE',
    categories: ['improvement'],
    deploy: 35,
    service: 'quote-service',
    namespace: 'prod',
    version: 'v2.11.0',
    previousVersion: 'v2.10.3',
    windows: [40, 20],
    metrics: (g) => ({
      latency_p95_ms: g.ms(g.step(320, 185, 15, 10)),
      latency_p99_ms: g.ms(g.step(610, 340, 30, 20)),
      cpu_pct: g.pct(g.step(48, 41, 3)),
      error_rate: g.pct(g.flat(0.3, 0.08)),
      memory_pct: g.pct(g.step(54, 56, 1)),
      request_rate: g.rps(g.flat(260, 12)),
    }),
  },
  {
    id: 'healthy-error-improvement-refund',
    description:
      'refund-service v1.30.1 fixes a currency-case bug: the error rate falls from ~2.6% to ~0.3% and the ' +
      'currency-mismatch errors disappear from the logs.',
    expected: 'CONTINUE',
    categories: ['improvement'],
    deploy: 36,
    service: 'refund-service',
    namespace: 'prod',
    version: 'v1.30.1',
    previousVersion: 'v1.30.0',
    windows: [36, 18],
    metrics: (g) => ({
      error_rate: g.pct(g.step(2.6, 0.3, 0.4, 0.1)),
      latency_p95_ms: g.ms(g.flat(210, 12)),
      cpu_pct: g.pct(g.flat(20, 2)),
      request_rate: g.rps(g.flat(60, 5)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 7, 'INFO', (r) => `refund issued refund_id=rf_${r.hex(10)} amount=${r.float(3, 250, 2)} currency=EUR in ${r.int(80, 260)}ms`),
      ...l.spread('baseline', 6, 'ERROR', (r) => `refund failed refund_id=rf_${r.hex(10)} err="currency mismatch EUR != eur"`),
      ...l.spread('canary', 7, 'INFO', (r) => `refund issued refund_id=rf_${r.hex(10)} amount=${r.float(3, 250, 2)} currency=EUR in ${r.int(80, 260)}ms`),
      l.at(2, 'INFO', (r) => `refund retried successfully refund_id=rf_${r.hex(10)} previous_error=currency_mismatch`),
    ],
  },
  {
    id: 'healthy-ar1-wander-risk',
    description:
      'risk-scorer v0.42.0: latency, CPU, memory and traffic wander slowly (strongly autocorrelated AR(1) noise) ' +
      'before and after the deploy; any drift across the deploy is the same wander, not a step.',
    expected: 'CONTINUE',
    categories: ['ar1-wander'],
    deploy: 37,
    service: 'risk-scorer',
    namespace: 'prod',
    version: 'v0.42.0',
    previousVersion: 'v0.41.5',
    windows: [60, 30],
    metrics: (g) => ({
      latency_p95_ms: g.ms(sum(260, g.ar1(25, 0.97), g.noise(5))),
      cpu_pct: g.pct(sum(52, g.ar1(6, 0.96), g.noise(1.5))),
      memory_pct: g.pct(sum(64, g.ar1(3, 0.98), g.noise(0.3))),
      error_rate: g.pct(sum(0.5, g.ar1(0.15, 0.9))),
      request_rate: g.rps(sum(330, g.ar1(30, 0.95), g.noise(5))),
    }),
  },
  {
    id: 'healthy-many-custom-kpis-marketplace',
    description:
      'marketplace-api v11.0.3 exports nine custom KPIs (orders, cart abandonment, cache hit ratio, pool use, GC ' +
      'pauses, consumer lag, zero-result searches, sessions, payment auth success); all are noisy and none changed.',
    expected: 'CONTINUE',
    categories: ['many-custom-kpis-unchanged'],
    deploy: 38,
    salt: 1, // the default stream drew a -10% orders_per_min drift by chance
    service: 'marketplace-api',
    namespace: 'prod',
    version: 'v11.0.3',
    previousVersion: 'v11.0.2',
    windows: [45, 20],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.4, 0.1)),
      orders_per_min: g.metric(g.flat(85, 9)),
      cart_abandon_pct: g.metric(g.flat(68, 3), { unit: '%', max: 100 }),
      cache_hit_ratio: g.metric(g.flat(0.93, 0.012), { max: 1, direction: 'decrease' }),
      db_pool_in_use: g.count(g.flat(22, 4)),
      gc_pause_ms: g.metric(g.flat(18, 5), { unit: 'ms' }),
      kafka_consumer_lag: g.count(g.flat(140, 60), { direction: 'increase' }),
      search_zero_result_pct: g.metric(g.flat(4.1, 0.6), { unit: '%', max: 100 }),
      active_sessions: g.count(g.flat(5200, 260)),
      payment_auth_success_pct: g.metric(g.flat(97.8, 0.5), { unit: '%', max: 100 }),
    }),
  },
  {
    id: 'healthy-short-canary-image-resizer',
    description:
      'image-resizer v3.0.9 in staging with only 5 canary samples (30 s apart): everything within the baseline ' +
      'range.',
    expected: 'CONTINUE',
    categories: ['short-canary'],
    deploy: 39,
    service: 'image-resizer',
    namespace: 'staging',
    version: 'v3.0.9',
    previousVersion: 'v3.0.8',
    stepSeconds: 30,
    windows: [20, 5],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.5, 0.15)),
      latency_p95_ms: g.ms(g.flat(340, 25)),
      cpu_pct: g.pct(g.flat(58, 5)),
      memory_pct: g.pct(g.flat(47, 1.5)),
      request_rate: g.rps(g.flat(22, 2.5)),
    }),
  },
  {
    id: 'healthy-memory-sawtooth-session',
    description:
      'session-store v2.5.5: memory follows a garbage-collection saw tooth between ~55% and ~78% with a 12-minute ' +
      'period; the fresh canary pods restart the tooth at its low point and climb exactly as before.',
    expected: 'CONTINUE',
    categories: ['sawtooth'],
    deploy: 40,
    service: 'session-store',
    namespace: 'prod',
    version: 'v2.5.5',
    previousVersion: 'v2.5.4',
    windows: [48, 16],
    metrics: (g) => ({
      memory_pct: g.pct(sum(g.sawtooth(55, 78, 12), g.noise(0.8))),
      cpu_pct: g.pct(g.flat(24, 3)),
      latency_p95_ms: g.ms(g.flat(8, 1)),
      error_rate: g.pct(g.flat(0.02, 0.01)),
      request_rate: g.rps(g.flat(4200, 150)),
    }),
  },
  {
    id: 'healthy-occasional-restart-pdf',
    description:
      'pdf-renderer v1.12.0: one container restart in the canary (spot node pre-empted), just like the single ' +
      'restart in the baseline; errors, latency and memory steady.',
    expected: 'CONTINUE',
    categories: ['isolated-restart'],
    deploy: 41,
    service: 'pdf-renderer',
    namespace: 'prod',
    version: 'v1.12.0',
    previousVersion: 'v1.11.8',
    windows: [40, 20],
    metrics: (g) => ({
      restarts: g.count(sum(g.spike(-22, 1), g.spike(11, 1))),
      error_rate: g.pct(g.flat(0.8, 0.2)),
      latency_p95_ms: g.ms(g.flat(1500, 150)),
      memory_pct: g.pct(g.flat(72, 3)),
      cpu_pct: g.pct(g.flat(65, 8)),
      request_rate: g.rps(g.flat(12, 2)),
    }),
  },
  {
    id: 'healthy-cpu-slight-increase-ranking',
    description:
      'ranking-service v5.8.0 adds one feature to the model: CPU goes up ~10% (~40% → ~44% of the limit), ' +
      'well inside headroom; latency, errors and traffic unchanged.',
    expected: 'CONTINUE',
    categories: ['small-shift'],
    deploy: 42,
    service: 'ranking-service',
    namespace: 'prod',
    version: 'v5.8.0',
    previousVersion: 'v5.7.2',
    windows: [40, 20],
    metrics: (g) => ({
      cpu_pct: g.pct(g.step(40, 44, 3)),
      latency_p95_ms: g.ms(g.flat(75, 5)),
      error_rate: g.pct(g.flat(0.15, 0.05)),
      memory_pct: g.pct(g.flat(61, 1)),
      request_rate: g.rps(g.flat(880, 40)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 5, 'INFO', (r) => `ranked query_id=q-${r.hex(8)} candidates=${r.int(200, 500)} in ${r.int(20, 70)}ms model=ltr-v57`),
      l.at(0, 'INFO', 'loaded model ltr-v58 features=143 (added: seller_rating_30d)'),
      ...l.spread('canary', 5, 'INFO', (r) => `ranked query_id=q-${r.hex(8)} candidates=${r.int(200, 500)} in ${r.int(20, 70)}ms model=ltr-v58`),
    ],
  },
  {
    id: 'healthy-steady-warn-logs-mail',
    description:
      'mail-gateway v0.19.4: both windows contain the same WARN lines at the same rate (a deprecated config key, ' +
      'greylisting retries); metrics are unchanged.',
    expected: 'CONTINUE',
    categories: ['steady-warn-logs'],
    deploy: 43,
    service: 'mail-gateway',
    namespace: 'prod',
    version: 'v0.19.4',
    previousVersion: 'v0.19.3',
    windows: [30, 15],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.9, 0.25)),
      latency_p95_ms: g.ms(g.flat(650, 60)),
      cpu_pct: g.pct(g.flat(18, 2)),
      memory_pct: g.pct(g.flat(36, 1)),
      request_rate: g.rps(g.flat(30, 3)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 8, 'INFO', (r) => `delivered msg_id=<${r.hex(16)}@mail.example.com> to mx${r.int(1, 4)}.example.net in ${r.int(200, 900)}ms`),
      ...l.spread('baseline', 6, 'WARN', (r) =>
        `retrying SMTP delivery attempt=2 msg_id=<${r.hex(16)}@mail.example.com> reason="451 4.7.1 greylisted, try again in ${r.int(60, 300)}s"`,
      ),
      l.at(-25, 'WARN', 'deprecated config key smtp.tls_mode, use smtp.tls'),
      l.at(-10, 'WARN', 'deprecated config key smtp.tls_mode, use smtp.tls'),
      ...l.spread('canary', 4, 'INFO', (r) => `delivered msg_id=<${r.hex(16)}@mail.example.com> to mx${r.int(1, 4)}.example.net in ${r.int(200, 900)}ms`),
      ...l.spread('canary', 3, 'WARN', (r) =>
        `retrying SMTP delivery attempt=2 msg_id=<${r.hex(16)}@mail.example.com> reason="451 4.7.1 greylisted, try again in ${r.int(60, 300)}s"`,
      ),
      l.at(0, 'WARN', 'deprecated config key smtp.tls_mode, use smtp.tls'),
    ],
  },
  {
    id: 'healthy-traffic-small-dip-suggest',
    description:
      'search-suggest v1.3.7: request rate ~6% lower in the canary (~1250 → ~1175 req/s, within its usual ' +
      'swing), errors and latency unchanged. Not a traffic drop worth a rollback.',
    expected: 'CONTINUE',
    categories: ['small-shift'],
    deploy: 44,
    service: 'search-suggest',
    namespace: 'prod',
    version: 'v1.3.7',
    previousVersion: 'v1.3.6',
    windows: [40, 20],
    metrics: (g) => ({
      request_rate: g.rps(g.step(1250, 1175, 45)),
      latency_p95_ms: g.ms(g.flat(28, 2)),
      error_rate: g.pct(g.flat(0.05, 0.02)),
      cpu_pct: g.pct(g.step(38, 36, 2.5)),
      memory_pct: g.pct(g.flat(41, 1)),
    }),
  },
];
