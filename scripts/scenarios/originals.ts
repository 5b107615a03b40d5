// The three scenarios the project started with. Other code and docs refer to
// them by id, so keep the ids and the headline numbers.
import { sum, type LogEntry } from './builders.js';
import type { ScenarioDef } from './types.js';

export const ORIGINALS: ScenarioDef[] = [
  {
    id: 'memory-leak-payment',
    description:
      'payment-service v2.4.1 leaks memory: memory climbs from ~58% to ~93% of the limit during the canary, ' +
      'GC pauses push p95 latency from ~240 ms past 1 s and about 35% of payments fail. Clear ROLLBACK.',
    expected: 'ROLLBACK',
    categories: ['original'],
    deploy: 1,
    service: 'payment-service',
    namespace: 'prod',
    version: 'v2.4.1',
    previousVersion: 'v2.4.0',
    windows: [40, 20],
    metrics: (g) => ({
      // ~29% at the deploy, rising to ~41%: the canary mean is ~35%
      error_rate: g.pct(sum(g.step(0.6, 29, 0.15, 2), g.ramp(0, 12))),
      // GC pauses: p95 jumps to ~320 ms and keeps climbing to ~1.4 s
      latency_p95_ms: g.ms(sum(g.step(240, 320, 15, 40), g.ramp(0, 1100))),
      latency_p99_ms: g.ms(sum(g.step(420, 600, 30, 80), g.ramp(0, 2000))),
      memory_pct: g.pct(sum(g.ramp(58, 93), g.step(0, 0, 1.2, 0.8))),
      cpu_pct: g.pct(sum(g.ramp(38, 68), g.noise(3))),
      request_rate: g.rps(g.flat(420, 18)),
      restarts: g.count(g.flat(0)),
    }),
    logs: (l) => {
      const lines: LogEntry[] = [
        ...l.spread('baseline', 9, 'INFO', (r) =>
          `POST /v1/payments 201 ${r.int(80, 260)}ms payment_id=pay_${r.hex(10)} amount=${r.float(5, 400, 2)} EUR`,
        ),
        ...l.spread('baseline', 2, 'INFO', (r) => `settled batch batch_id=stl-${r.int(40000, 49999)} payments=${r.int(300, 900)} in ${r.int(900, 2400)}ms`),
        l.at(-17, 'WARN', (r) => `card network latency high provider=adyen p95=${r.int(610, 780)}ms`),
        ...l.spread('canary', 4, 'INFO', (r) =>
          `POST /v1/payments 201 ${r.int(300, 1400)}ms payment_id=pay_${r.hex(10)} amount=${r.float(5, 400, 2)} EUR`,
        ),
        ...l.spread('canary', 8, 'ERROR', (r) =>
          `POST /v1/payments 503 payment_id=pay_${r.hex(10)} err="upstream timeout after 3000ms" attempt=${r.int(1, 3)}`,
        ),
        ...l.spread('canary', 3, 'ERROR', (r) => `GC pause ${r.int(1200, 2600)}ms old_gen=${r.int(1700, 1950)}MB`, [0.4, 1]),
      ];
      // heap warnings that follow the memory curve
      for (const t of [3, 7, 11, 15, 18]) {
        const pct = Math.round(60 + (t * 33) / 19);
        lines.push(l.at(t, 'WARN', `heap usage ${pct}% used=${Math.round((pct * 2048) / 100)}MB limit=2048MB`));
      }
      return lines;
    },
  },
  {
    id: 'healthy-hotfix',
    description:
      'checkout-service hotfix v3.1.5 (coupon rounding fix): error rate stays at ~0.8%, latency, memory, CPU and ' +
      'traffic unchanged. Nothing to see: CONTINUE.',
    expected: 'CONTINUE',
    categories: ['original'],
    deploy: 2,
    salt: 3, // the default stream drew a +10% CPU drift by chance
    service: 'checkout-service',
    namespace: 'prod',
    version: 'v3.1.5',
    previousVersion: 'v3.1.4',
    windows: [30, 15],
    metrics: (g) => ({
      error_rate: g.pct(g.flat(0.8, 0.12)),
      latency_p95_ms: g.ms(g.flat(185, 10)),
      latency_p99_ms: g.ms(g.flat(340, 25)),
      memory_pct: g.pct(g.flat(52, 1.5)),
      cpu_pct: g.pct(g.flat(34, 3)),
      request_rate: g.rps(g.flat(310, 15)),
      restarts: g.count(g.flat(0)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 8, 'INFO', (r) => `POST /v2/checkout 200 ${r.int(90, 240)}ms cart_id=c-${r.hex(8)} items=${r.int(1, 9)}`),
      l.at(-12, 'WARN', (r) => `coupon lookup slow ${r.int(380, 460)}ms coupon=SPRING-${r.int(10, 99)}`),
      ...l.spread('baseline', 2, 'ERROR', (r) => `POST /v2/checkout 502 cart_id=c-${r.hex(8)} err="card declined by issuer"`),
      ...l.spread('canary', 5, 'INFO', (r) => `POST /v2/checkout 200 ${r.int(90, 240)}ms cart_id=c-${r.hex(8)} items=${r.int(1, 9)}`),
      l.at(0, 'INFO', 'starting checkout-service v3.1.5 (coupon rounding fix)'),
      l.at(9, 'WARN', (r) => `coupon lookup slow ${r.int(380, 460)}ms coupon=WINTER-${r.int(10, 99)}`),
      l.at(6, 'ERROR', (r) => `POST /v2/checkout 502 cart_id=c-${r.hex(8)} err="card declined by issuer"`),
    ],
  },
  {
    id: 'db-trouble-user-service',
    description:
      'user-service v1.8.0 runs a query without an index: database calls time out after 5 s, ~45% of requests ' +
      'fail, p95 sits at the 5 s timeout and the canary logs are full of db timeouts. Clear ROLLBACK.',
    expected: 'ROLLBACK',
    categories: ['original'],
    deploy: 3,
    service: 'user-service',
    namespace: 'prod',
    version: 'v1.8.0',
    previousVersion: 'v1.7.3',
    windows: [30, 15],
    metrics: (g) => ({
      error_rate: g.pct(sum(g.step(0.5, 46, 0.1, 3.5), g.spike(0, -12))),
      latency_p95_ms: g.ms(g.step(95, 5010, 8, 12)),
      latency_p99_ms: g.ms(g.step(160, 5060, 15, 20)),
      memory_pct: g.pct(g.step(48, 55, 1, 1.5)),
      cpu_pct: g.pct(g.step(30, 22, 2.5, 2.5)),
      request_rate: g.rps(g.step(180, 176, 9, 10)),
      restarts: g.count(g.flat(0)),
    }),
    logs: (l) => [
      ...l.spread('baseline', 9, 'INFO', (r) => `GET /v1/users/${r.int(100000, 999999)} 200 ${r.int(8, 90)}ms request_id=${r.hex(12)}`),
      ...l.spread('baseline', 2, 'INFO', (r) => `db pool stats active=${r.int(5, 12)} idle=${r.int(38, 45)} waiting=0`),
      l.at(-8, 'WARN', (r) => `slow query took ${r.int(700, 950)}ms table=sessions request_id=${r.hex(12)}`),
      ...l.spread('canary', 3, 'INFO', (r) => `GET /v1/users/${r.int(100000, 999999)} 200 ${r.int(200, 4000)}ms request_id=${r.hex(12)}`),
      ...l.spread('canary', 9, 'ERROR', (r) =>
        `db timeout after 5000ms query=SELECT id, email, status FROM users WHERE lower(email) = $1 conn=pg-pool-${r.int(1, 50)} request_id=${r.hex(12)}`,
      ),
      ...l.spread('canary', 3, 'WARN', (r) => `db pool exhausted active=50 idle=0 waiting=${r.int(60, 240)}`),
      ...l.spread('canary', 4, 'ERROR', (r) =>
        `GET /v1/users/by-email 500 ${r.int(5001, 5012)}ms err="db timeout" request_id=${r.hex(12)}`,
      ),
    ],
  },
];
