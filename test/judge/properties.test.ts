// Property tests of the judge (fast-check; seeded so a failure replays).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, judge } from '../../src/judge/judge.js';
import type { JudgeResult, MetricSeries, VerdictKind } from '../../src/judge/types.js';

const FC = { seed: 20261123, numRuns: 200 };
const NAMES = ['error_rate', 'latency_p95_ms', 'memory_pct', 'cpu_pct', 'request_rate', 'restarts', 'custom_kpi'] as const;

const sample = fc.oneof(
  { weight: 9, arbitrary: fc.double({ min: 0, max: 1000, noNaN: true, noDefaultInfinity: true }) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const series: fc.Arbitrary<MetricSeries> = fc.record({
  baseline: fc.array(sample, { minLength: 0, maxLength: 40 }),
  canary: fc.array(sample, { minLength: 0, maxLength: 20 }),
});
/** Series around a level with noise, so comparisons are often borderline (the interesting case). */
const levelled: fc.Arbitrary<MetricSeries> = fc
  .record({
    level: fc.double({ min: 1, max: 500, noNaN: true }),
    noise: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
    shift: fc.double({ min: -0.8, max: 2, noNaN: true }),
    nb: fc.integer({ min: 3, max: 40 }),
    nc: fc.integer({ min: 3, max: 20 }),
    seed: fc.integer(),
  })
  .map(({ level, noise, shift, nb, nc, seed }) => {
    let s = seed >>> 0;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2;
    const around = (mu: number, n: number) => Array.from({ length: n }, () => mu * (1 + noise * rand()));
    return { baseline: around(level, nb), canary: around(level * (1 + shift), nc) };
  });
const metrics = fc.dictionary(fc.constantFrom(...NAMES), fc.oneof(series, levelled), { minKeys: 1, maxKeys: 5 });

const shuffled = <T>(xs: T[], seed: number): T[] => {
  const out = [...xs];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

const view = (r: JudgeResult) => ({
  decision: r.decision,
  confidence: r.confidence,
  verdicts: r.verdicts.map((v) => [v.metric, v.verdict, v.p_value, v.shift, v.tolerance]),
});

describe('judge properties', () => {
  it('shuffling the baseline changes nothing in the distribution-only comparison', () => {
    // The rank test, the medians and the tolerances read the baseline as a
    // distribution. (The default judge also reads its order — trend,
    // autocorrelation — so one-minute KPI series are not mistaken for i.i.d.)
    fc.assert(
      fc.property(metrics, fc.integer(), (m, seed) => {
        const shuffledBaselines = Object.fromEntries(
          Object.entries(m).map(([k, s]) => [k, { ...s, baseline: shuffled(s.baseline, seed) }]),
        );
        const a = judge({ step_seconds: 60, metrics: m }, DEFAULT_THRESHOLDS, { temporal: false });
        const b = judge({ step_seconds: 60, metrics: shuffledBaselines }, DEFAULT_THRESHOLDS, { temporal: false });
        expect(view(b)).toEqual(view(a));
      }),
      FC,
    );
  });

  it('a canary identical to its baseline never rolls back', () => {
    fc.assert(
      fc.property(metrics, (m) => {
        const same = Object.fromEntries(Object.entries(m).map(([k, s]) => [k, { ...s, canary: [...s.baseline] }]));
        const r = judge({ step_seconds: 60, metrics: same });
        expect(r.decision).toBe('CONTINUE');
        for (const v of r.verdicts) expect(['pass', 'nodata']).toContain(v.verdict);
      }),
      FC,
    );
  });

  it('a strictly worse canary never lowers the severity', () => {
    const rank: Record<VerdictKind, number> = { nodata: 0, pass: 1, low: 2, high: 2 };
    const directional = fc.constantFrom('error_rate', 'latency_p95_ms', 'memory_pct', 'cpu_pct', 'request_rate', 'restarts');
    fc.assert(
      fc.property(
        fc.dictionary(directional, fc.oneof(series, levelled), { minKeys: 1, maxKeys: 4 }),
        fc.double({ min: 0.01, max: 500, noNaN: true }),
        (m, delta) => {
          // worse = further in each metric's bad direction (request_rate: lower),
          // kept inside the physical range (a negative rate or an error rate above
          // 100% is bad data, not a worse canary)
          const worse = Object.fromEntries(
            Object.entries(m).map(([k, s]) => [
              k,
              { ...s, canary: s.canary.map((v) => (v === null ? null : k === 'request_rate' ? Math.max(0, v - delta) : k === 'error_rate' ? Math.min(100, Math.max(v, v + delta)) : v + delta)) },
            ]),
          );
          const before = judge({ step_seconds: 60, metrics: m });
          const after = judge({ step_seconds: 60, metrics: worse });
          if (before.decision === 'ROLLBACK') expect(after.decision).toBe('ROLLBACK');
          for (const v of before.verdicts) {
            const w = after.verdicts.find((x) => x.metric === v.metric)!;
            expect(w.severity).toBeGreaterThanOrEqual(v.severity - 1e-12);
            expect(rank[w.verdict]).toBeGreaterThanOrEqual(rank[v.verdict]);
          }
        },
      ),
      FC,
    );
  });

  it('any well-formed input gives a decision and a confidence in [0, 1], never a throw', () => {
    fc.assert(
      fc.property(metrics, fc.integer({ min: 1, max: 3600 }), (m, step) => {
        const r = judge({ step_seconds: step, metrics: m });
        expect(['ROLLBACK', 'CONTINUE']).toContain(r.decision);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        expect(r.explanation.length).toBeGreaterThan(0);
      }),
      FC,
    );
  });
});
