// The detectors beside the median test (excursions.ts), through the judge as
// the flow runs it: what they must see, what they must leave alone, and that
// their verdicts name the detector and its evidence.
import { describe, expect, it } from 'vitest';
import { compareMetric } from '../../src/judge/compare-metric.js';
import { excursionTest, jumpTest, tailOf, type DetectorContext } from '../../src/judge/excursions.js';
import { DEFAULT_THRESHOLDS, judge } from '../../src/judge/judge.js';
import { ROBUST_SIGMA_SE, median, robustSigma } from '../../src/judge/stats.js';
import type { MetricSeries } from '../../src/judge/types.js';
import { noisy, ramp } from '../support/series.js';

const decide = (metrics: Record<string, MetricSeries>, step_seconds: number) => judge({ step_seconds, metrics }, DEFAULT_THRESHOLDS);

/** `canary` with `values` written over it from `at` on. */
const withBurst = (canary: number[], at: number, values: number[]) => canary.map((v, i) => (i >= at && i < at + values.length ? values[i - at]! : v));

describe('excursion: runs of samples far beyond the baseline noise', () => {
  it('a burst of three 5-minute samples in a 12-sample canary: ROLLBACK by the excursion detector, with its evidence', () => {
    const canary = withBurst(noisy(12, 100, 5, 2), 3, [190, 210, 185]);
    const r = decide({ orders_per_min: { baseline: noisy(24, 100, 5, 1), canary } }, 300);
    const v = r.verdicts[0]!;
    expect(r.decision).toBe('ROLLBACK');
    expect(v.detector).toBe('excursion');
    expect(v.verdict).toBe('high');
    expect(v.reason).toMatch(/excursion: 3 of 12 canary samples \(samples 4–6; ~15 min\)/);
    expect(v.reason).toMatch(/worst 210 at canary sample 5/);
    expect(r.explanation).toMatch(/orders_per_min too high: regressed, excursion/);
    // the median barely moved: the median test alone would have passed it
    expect(v.detectors!.find((d) => d.detector === 'median-shift')!.fired).toBe(false);
  });

  it('a single one-minute spike, however tall, is a blip: CONTINUE', () => {
    const canary = withBurst(noisy(15, 130, 8, 4), 4, [650]);
    const r = decide({ latency_p95_ms: { baseline: noisy(30, 130, 8, 3), canary } }, 60);
    expect(r.decision).toBe('CONTINUE');
  });

  it('the same spike lasting a 5-minute sample counts (it lasts as long as an alert\'s `for: 5m`)', () => {
    const canary = withBurst(noisy(12, 130, 8, 4), 4, [650]);
    const r = decide({ latency_p95_ms: { baseline: noisy(24, 130, 8, 3), canary } }, 300);
    expect(r.decision).toBe('ROLLBACK');
    expect(['excursion', 'jump']).toContain(r.verdicts[0]!.detector);
  });

  it('a two-minute warm-up burst at one-minute steps: CONTINUE', () => {
    const canary = withBurst(noisy(15, 30, 3, 6), 0, [91, 66]);
    const r = decide({ cpu_pct: { baseline: noisy(30, 30, 3, 5), canary } }, 60);
    expect(r.decision).toBe('CONTINUE');
  });

  it('half the canary far out at one-minute steps (a partial level shift): ROLLBACK', () => {
    const canary = withBurst(noisy(20, 50, 2, 8), 12, [80, 82, 79, 81, 80, 83, 78, 80]);
    const r = decide({ queue_depth: { baseline: noisy(40, 50, 2, 7), canary } }, 60);
    expect(r.decision).toBe('ROLLBACK');
  });

  it('a spike in the good direction of a well-known metric is not a regression', () => {
    const canary = withBurst(noisy(12, 400, 10, 10), 2, [900, 950, 920]);
    const r = decide({ request_rate: { baseline: noisy(24, 400, 10, 9), canary } }, 300);
    expect(r.decision).toBe('CONTINUE');
  });

  it('a trend that merely continues across the deploy is not an excursion', () => {
    const all = ramp(36, 100, 460).map((v, i) => v + ((i * 7919) % 11) - 5);
    const r = decide({ backlog: { baseline: all.slice(0, 24), canary: all.slice(24) } }, 300);
    expect(r.decision).toBe('CONTINUE');
  });

  it('the p-value is adjusted over the metrics tested (one family-wise budget)', () => {
    const series: MetricSeries = { baseline: noisy(24, 100, 5, 1), canary: withBurst(noisy(12, 100, 5, 2), 3, [150, 155, 148]) };
    const options = { alpha: 0.05, noiseSigmas: 2.5, minSamples: 3, stepSeconds: 300, minExcursionSeconds: 300 };
    const one = compareMetric('kpi', series, { ...options, metricsTested: 1 });
    const four = compareMetric('kpi', series, { ...options, metricsTested: 4 });
    const p = (v: typeof one) => v.detectors!.find((d) => d.detector === 'excursion')!.p_value;
    expect(p(four)).toBeCloseTo(Math.min(1, 4 * p(one)), 12);
  });
});

describe('excursion: what the baseline itself already did', () => {
  it('a canary burst no larger than one the baseline showed is not new behaviour: CONTINUE', () => {
    const baseline = withBurst(noisy(24, 100, 5, 1), 10, [190, 205]);
    const canary = withBurst(noisy(12, 100, 5, 2), 3, [185, 200]);
    const r = decide({ orders_per_min: { baseline, canary } }, 300);
    expect(r.decision).toBe('CONTINUE');
    expect(r.verdicts[0]!.detectors!.find((d) => d.detector === 'excursion')).toBeUndefined();
  });

  it('the same burst beyond the largest the baseline showed is: ROLLBACK, and the evidence names that largest', () => {
    const baseline = withBurst(noisy(24, 100, 5, 1), 10, [130]);
    const canary = withBurst(noisy(12, 100, 5, 2), 3, [185, 200]);
    const r = decide({ orders_per_min: { baseline, canary } }, 300);
    expect(r.decision).toBe('ROLLBACK');
    expect(r.verdicts[0]!.detector).toBe('excursion');
    expect(r.verdicts[0]!.reason).toMatch(/2 of 12 canary samples \(samples 4, 5; ~10 min\) lie beyond anything the baseline did \(its largest deviation: [\d.]+ robust σ/);
  });

  it('the tail accounts for a σ estimated from few samples: the same distance is weaker evidence on a shorter baseline', () => {
    const short = tailOf(8, 'either', 'level', 12);
    const long = tailOf(8, 'either', 'level', 1200);
    expect(short).toBeGreaterThan(long);
    // and the long-baseline tail approaches the t(4) tail with a known σ (no uncertainty left)
    expect(long / tailOf(8, 'either', 'level', 1e12)).toBeLessThan(1.05);
  });
});

describe('excursion on a baseline with no noise at all', () => {
  const zeros = (n: number) => Array.from({ length: n }, () => 0);
  it('one sample off a flat baseline is not enough evidence by order alone (p = 2·12/36)', () => {
    const r = decide({ key_hold: { baseline: zeros(24), canary: withBurst(zeros(12), 11, [2.44]) } }, 300);
    expect(r.decision).toBe('CONTINUE');
  });

  it('five samples off it are (Rosenbaum: 2·C(12,5)/C(36,5) ≈ 0.004), said in words', () => {
    const r = decide({ key_hold: { baseline: zeros(24), canary: withBurst(zeros(12), 3, [2, 3, 2, 4, 3]) } }, 300);
    expect(r.decision).toBe('ROLLBACK');
    expect(r.verdicts[0]!.reason).toMatch(/leave a baseline that never moved from 0/);
  });
});

describe('a baseline mostly made of gaps', () => {
  it('cannot fail a metric statistically, and says why', () => {
    const baseline = noisy(24, 150, 10, 11).map((v, i) => (i % 3 === 0 ? v : null));
    const r = decide({ travel_time: { baseline, canary: noisy(12, 340, 10, 12) } }, 300);
    expect(r.decision).toBe('CONTINUE');
    expect(r.verdicts[0]!.reason).toMatch(/cannot fail: only 8 of 24 baseline samples present/);
  });

  it('a configured ceiling still fails it', () => {
    const baseline = noisy(24, 1, 0.2, 13).map((v, i) => (i % 3 === 0 ? v : null));
    const r = decide({ error_rate: { baseline, canary: noisy(12, 30, 2, 14) } }, 300);
    expect(r.decision).toBe('ROLLBACK');
    expect(r.verdicts[0]!.detector).toBe('guardrail');
  });
});

describe('jump: a step change at one sample', () => {
  const context = (baseline: number[], canary: number[]): DetectorContext => ({
    baseline: { t: baseline.map((_, i) => i), v: baseline },
    canary: { t: canary.map((_, i) => baseline.length + i), v: canary },
    direction: 'either',
    floor: 0,
    noiseSigmas: 2.5,
    trend: null,
    trendHorizon: 48,
    inflation: 1,
    minRunSamples: 1,
    stepSeconds: 3600,
  });

  it('sees a jump across the deployment, not the level, and says where', () => {
    const baseline = ramp(24, 10, 33).map((v, i) => v + (i % 2 ? 0.3 : -0.3));
    const canary = [80, 35, 36, 37, 38];
    const f = jumpTest(context(baseline, canary), { t: 23, v: baseline[23]! })!;
    expect(f).not.toBeNull();
    expect(f.p).toBeLessThan(0.01);
    expect(f.sign).toBe(1);
    expect(f.evidence((x) => x.toFixed(1))).toMatch(/from the last baseline sample to the first canary sample/);
  });

  it('stays silent on a steady slope and when one step is shorter than the excursion minimum', () => {
    const baseline = ramp(24, 10, 33).map((v, i) => v + (i % 2 ? 0.3 : -0.3));
    const canary = ramp(6, 34, 39);
    expect(jumpTest(context(baseline, canary), { t: 23, v: baseline[23]! })).toBeNull();
    expect(jumpTest({ ...context(baseline, [80, 35]), minRunSamples: 5 }, undefined)).toBeNull();
  });

  it('excursionTest gives the same answer for the same input (deterministic)', () => {
    const ctx = context(noisy(24, 5, 1, 20), withBurst(noisy(12, 5, 1, 21), 2, [15, 16, 14]));
    const a = excursionTest(ctx)!;
    const b = excursionTest(ctx)!;
    expect(a.p).toBe(b.p);
    expect(a.evidence(String)).toBe(b.evidence(String));
  });
});

describe('median test: the tolerance allows for a σ estimated from few samples', () => {
  const options = { alpha: 0.05, noiseSigmas: 2.5, minSamples: 3, metricsTested: 1, temporal: false, stepSeconds: 60, minExcursionSeconds: 300 };
  /** a baseline of n samples and a canary of its first m shifted by `sigmas` robust σ of that baseline */
  const shifted = (n: number, m: number, sigmas: number): MetricSeries => {
    const baseline = noisy(n, 100, 5, 11);
    const s = robustSigma(baseline);
    // m (odd) samples spread evenly around median + sigmas·σ: that is their median exactly
    const center = median(baseline) + sigmas * s;
    return { baseline, canary: Array.from({ length: m }, (_, i) => center + (0.2 * s * (i - (m - 1) / 2)) / m) };
  };

  it('reports σ taken one standard error high: tolerance = 2.5 · σ · (1 + 1.1664/√n)', () => {
    const baseline = noisy(16, 100, 5, 11);
    const v = compareMetric('kpi', { baseline, canary: noisy(15, 100, 5, 12) }, options);
    expect(v.tolerance).toBeCloseTo(2.5 * robustSigma(baseline) * (1 + ROBUST_SIGMA_SE / 4), 9);
  });

  it('a shift of 3 σ clears the tolerance of a 400-sample baseline but not of a 9-sample one', () => {
    const long = compareMetric('kpi', shifted(400, 61, 3), options);
    const short = compareMetric('kpi', shifted(9, 61, 3), options);
    expect(long.verdict).toBe('high');
    expect(long.detector).toBe('median-shift');
    // 3 σ < 2.5 · (1 + 1.1664/3) σ ≈ 3.47 σ: within what an uncertain σ allows
    expect(short.detector).not.toBe('median-shift');
  });
});
