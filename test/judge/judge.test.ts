import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, judge } from '../../src/judge/judge.js';
import type { JudgeInput, MetricSeries } from '../../src/judge/types.js';
import { noisy, ramp, rng, normal } from '../support/series.js';

const decide = (metrics: Record<string, MetricSeries>, step_seconds = 60) => judge({ step_seconds, metrics }, DEFAULT_THRESHOLDS);
const verdictOf = (r: ReturnType<typeof decide>, metric: string) => r.verdicts.find((v) => v.metric === metric)!;

describe('judge: regressions roll back', () => {
  it('memory leak with a 35% error rate: ROLLBACK, both metrics high, confident', () => {
    const r = decide({
      error_rate: { baseline: noisy(30, 0.8, 0.2, 1), canary: noisy(15, 35, 3, 2) },
      memory_pct: { baseline: noisy(30, 60, 1, 3), canary: ramp(15, 62, 92) },
      latency_p95_ms: { baseline: noisy(30, 220, 15, 4), canary: noisy(15, 225, 15, 5) },
    });
    expect(r.decision).toBe('ROLLBACK');
    expect(r.confidence).toBeGreaterThan(0.9);
    expect(verdictOf(r, 'error_rate').verdict).toBe('high');
    expect(verdictOf(r, 'memory_pct').verdict).toBe('high');
    expect(verdictOf(r, 'latency_p95_ms').verdict).toBe('pass');
    expect(r.explanation).toMatch(/error_rate/);
    expect(r.health_score).not.toBeNull();
    expect(r.health_score!).toBeLessThan(40);
  });

  it('a latency regression of +60% is high with the numbers in its reason', () => {
    const r = decide({ latency_p95_ms: { baseline: noisy(30, 200, 15, 7), canary: noisy(15, 320, 15, 8) } });
    const v = verdictOf(r, 'latency_p95_ms');
    expect(r.decision).toBe('ROLLBACK');
    expect(v.verdict).toBe('high');
    expect(v.shift!).toBeGreaterThan(100);
    expect(v.p_value!).toBeLessThan(0.001);
    expect(v.reason).toMatch(/vs baseline/);
  });

  it('a traffic drop fails request_rate as low (its bad direction is decrease)', () => {
    const r = decide({ request_rate: { baseline: noisy(30, 120, 6, 9), canary: noisy(15, 40, 5, 10) } });
    expect(verdictOf(r, 'request_rate').verdict).toBe('low');
    expect(r.decision).toBe('ROLLBACK');
  });

  it('a degradation only in the second half of the canary window is caught by the late window', () => {
    const canary = [...noisy(10, 200, 10, 11), ...noisy(10, 420, 10, 12)];
    const r = decide({ latency_p95_ms: { baseline: noisy(40, 200, 10, 13), canary } });
    const v = verdictOf(r, 'latency_p95_ms');
    expect(v.verdict).toBe('high');
    expect(v.window).toBe('late');
  });

  it('a custom KPI (direction either) that drops sharply fails as low', () => {
    const r = decide({ checkout_conversion_pct: { baseline: noisy(30, 3.2, 0.1, 14), canary: noisy(15, 2.1, 0.1, 15) } });
    expect(verdictOf(r, 'checkout_conversion_pct').direction).toBe('either');
    expect(verdictOf(r, 'checkout_conversion_pct').verdict).toBe('low');
  });

  it('an error-rate guard-rail fails even with no baseline at all', () => {
    const r = decide({ error_rate: { baseline: [], canary: noisy(10, 60, 5, 16) } });
    const v = verdictOf(r, 'error_rate');
    expect(v.verdict).toBe('high');
    expect(v.guardrail?.breached).toBe(true);
    expect(r.decision).toBe('ROLLBACK');
  });

  it('a crash loop (restarts every step) fails restarts', () => {
    const r = decide({ restarts: { baseline: Array(30).fill(0), canary: [0, 1, 1, 2, 1, 1, 2, 1, 1, 1] } });
    expect(verdictOf(r, 'restarts').verdict).toBe('high');
  });
});

describe('judge: hard healthy cases continue', () => {
  it('noisy metrics with the same distribution', () => {
    const r = decide({
      latency_p95_ms: { baseline: noisy(40, 300, 90, 20), canary: noisy(20, 300, 90, 21) },
      error_rate: { baseline: noisy(40, 2, 1, 22), canary: noisy(20, 2, 1, 23) },
      cpu_pct: { baseline: noisy(40, 45, 12, 24), canary: noisy(20, 45, 12, 25) },
    });
    expect(r.decision).toBe('CONTINUE');
  });

  it('one spike sample in the canary', () => {
    const canary = noisy(15, 200, 10, 26);
    canary[7] = 2500;
    const r = decide({ latency_p95_ms: { baseline: noisy(30, 200, 10, 27), canary } });
    expect(r.decision).toBe('CONTINUE');
  });

  it('a warm-up CPU burst in the first two canary samples', () => {
    const canary = noisy(15, 40, 4, 28);
    canary[0] = 95;
    canary[1] = 88;
    const r = decide({ cpu_pct: { baseline: noisy(30, 40, 4, 29), canary } });
    expect(r.decision).toBe('CONTINUE');
  });

  it('a diurnal trend that continues smoothly across the deploy', () => {
    const r = rng(30);
    const rate = Array.from({ length: 60 }, (_, i) => 100 + 1.5 * i + 3 * normal(r));
    const latency = Array.from({ length: 60 }, (_, i) => 180 + 0.8 * i + 5 * normal(r));
    const out = decide({
      request_rate: { baseline: rate.slice(0, 40), canary: rate.slice(40) },
      latency_p95_ms: { baseline: latency.slice(0, 40), canary: latency.slice(40) },
    });
    expect(out.decision).toBe('CONTINUE');
  });

  it('a falling diurnal trend in request_rate is not a traffic drop', () => {
    const r = rng(31);
    const rate = Array.from({ length: 60 }, (_, i) => 300 - 2.5 * i + 4 * normal(r));
    const out = decide({ request_rate: { baseline: rate.slice(0, 40), canary: rate.slice(40) } });
    expect(verdictOf(out, 'request_rate').verdict).toBe('pass');
    expect(verdictOf(out, 'request_rate').trend_adjusted).toBe(true);
  });

  it('tiny traffic where one failed request is a 50% error rate', () => {
    const errors = Array(15).fill(0);
    errors[6] = 50;
    errors[11] = 100;
    const r = decide({
      request_rate: { baseline: noisy(30, 0.05, 0.01, 32), canary: noisy(15, 0.05, 0.01, 33) },
      error_rate: { baseline: Array(30).fill(0), canary: errors },
    });
    expect(r.decision).toBe('CONTINUE');
    expect(verdictOf(r, 'error_rate').reason).toMatch(/failed requests/);
  });

  it('missing metrics, empty windows and null samples give nodata, not a crash or a pass', () => {
    const withNulls = noisy(30, 200, 10, 34).map((v, i) => (i % 4 === 0 ? null : v));
    const r = decide({
      latency_p95_ms: { baseline: withNulls, canary: noisy(15, 202, 10, 35).map((v, i) => (i % 5 === 0 ? null : v)) },
      memory_pct: { baseline: noisy(30, 50, 1, 36), canary: [] },
      cpu_pct: { baseline: [], canary: [null, null] },
    });
    expect(r.decision).toBe('CONTINUE');
    expect(verdictOf(r, 'memory_pct').verdict).toBe('nodata');
    expect(verdictOf(r, 'cpu_pct').verdict).toBe('nodata');
    expect(verdictOf(r, 'latency_p95_ms').verdict).toBe('pass');
    expect(r.coverage).toEqual({ compared: 1, total: 3 });
    expect(r.explanation).toMatch(/No data for memory_pct, cpu_pct/);
  });

  it('too little data overall: CONTINUE with low confidence, and it says so', () => {
    const r = decide({ error_rate: { baseline: [1], canary: [1.2] }, latency_p95_ms: { baseline: [], canary: [] } });
    expect(r.decision).toBe('CONTINUE');
    expect(r.confidence).toBeLessThanOrEqual(0.2);
    expect(r.explanation).toMatch(/too little data/i);
    expect(decide({}).confidence).toBeLessThanOrEqual(0.2);
  });

  it('an improvement (latency drops) passes and says it moved the good way', () => {
    const r = decide({ latency_p95_ms: { baseline: noisy(30, 400, 20, 37), canary: noisy(15, 250, 20, 38) } });
    expect(r.decision).toBe('CONTINUE');
    expect(verdictOf(r, 'latency_p95_ms').reason).toMatch(/good direction/);
  });

  it('slowly wandering (AR(1), ρ = 0.9) metrics with no change roll back at most 5% of the time', () => {
    // One-minute KPIs are serially correlated; an i.i.d. rank test would roll
    // back a large share of these. Measured over 200 seeded series.
    let rollbacks = 0;
    for (let seed = 0; seed < 200; seed++) {
      const r = rng(seed);
      let level = 0;
      const series = Array.from({ length: 60 }, () => {
        level = 0.9 * level + normal(r);
        return 500 + 8 * level;
      });
      if (decide({ queue_depth: { baseline: series.slice(0, 45), canary: series.slice(45) } }).decision === 'ROLLBACK') rollbacks++;
    }
    expect(rollbacks / 200).toBeLessThanOrEqual(0.05);
  });
});

describe('judge: confidence and output', () => {
  it('a clean CONTINUE with full data is confident; a sparse one is less so', () => {
    const full = decide({ latency_p95_ms: { baseline: noisy(30, 200, 10, 40), canary: noisy(15, 200, 10, 41) } });
    const sparse = decide({ latency_p95_ms: { baseline: noisy(4, 200, 10, 42), canary: noisy(3, 200, 10, 43) } });
    expect(full.confidence).toBeGreaterThan(0.8);
    expect(sparse.confidence).toBeLessThan(full.confidence);
  });

  it('confidence is always within [0, 1] and decisions are ROLLBACK or CONTINUE', () => {
    for (let seed = 0; seed < 50; seed++) {
      const r = decide({
        m: { baseline: noisy(20, 10, 3, seed), canary: noisy(10, 10 + (seed % 7), 3, seed + 1000) },
      });
      expect(r.confidence).toBeGreaterThanOrEqual(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(['ROLLBACK', 'CONTINUE']).toContain(r.decision);
    }
  });

  it('new error signatures in the logs lower a CONTINUE confidence and raise a ROLLBACK one', () => {
    const metrics = { latency_p95_ms: { baseline: noisy(30, 200, 10, 44), canary: noisy(15, 200, 10, 45) } };
    const logs: JudgeInput['logs'] = {
      baseline_lines: 100,
      canary_lines: 100,
      baseline_error_lines: 0,
      canary_error_lines: 40,
      signatures: [
        { signature: 'db timeout after <n>ms', level: 'error', baseline_count: 0, canary_count: 40, example: '', is_new: true },
      ],
      signatures_dropped: 0,
    };
    const quiet = judge({ step_seconds: 60, metrics }, DEFAULT_THRESHOLDS);
    const loud = judge({ step_seconds: 60, metrics, logs }, DEFAULT_THRESHOLDS);
    expect(loud.logs.verdict).toBe('high');
    expect(loud.decision).toBe('CONTINUE'); // logs corroborate; they never decide alone
    expect(loud.confidence).toBeLessThan(quiet.confidence);
    expect(loud.explanation).toMatch(/logs show trouble/);
  });

  it('the health score follows the original formula, clamped', () => {
    const r = decide({
      error_rate: { baseline: [1, 1, 1], canary: [10, 10, 10] },
      memory_pct: { baseline: [70, 70, 70], canary: [90, 90, 90] },
      latency_p95_ms: { baseline: [500, 500, 500], canary: [1500, 1500, 1500] },
    });
    // 100 − 10·2 − (90−70)·0.5 − (1500−500)·0.01 = 60
    expect(r.health_score).toBe(60);
    expect(decide({ error_rate: { baseline: [0], canary: [0] } }).health_score).toBe(100);
    expect(decide({ cpu_pct: { baseline: [1, 2, 3], canary: [1, 2, 3] } }).health_score).toBeNull();
  });
});
