import { describe, expect, it } from 'vitest';
import { mannWhitney, median, robustSigma, trend, windowDrift } from '../../src/judge/stats.js';

describe('Mann-Whitney U', () => {
  // Reference values from scipy.stats.mannwhitneyu(y, x, method='asymptotic', use_continuity=True).
  const x = [1.1, 2.2, 3.1, 4.5, 5.0, 6.2, 7.7];
  const y = [3.3, 5.5, 6.6, 8.8, 9.1, 10.2];

  it('matches scipy without ties', () => {
    expect(mannWhitney(x, y, 'greater').u).toBe(35);
    expect(mannWhitney(x, y, 'greater').p).toBeCloseTo(0.026892, 5);
    expect(mannWhitney(x, y, 'less').p).toBeCloseTo(0.980841, 5);
    expect(mannWhitney(x, y, 'two-sided').p).toBeCloseTo(0.053784, 5);
  });

  it('matches scipy with ties (tie-corrected variance)', () => {
    const xt = [0, 0, 0, 1, 1, 2, 0, 0, 1, 0];
    const yt = [1, 1, 2, 2, 3, 1, 0, 2];
    expect(mannWhitney(xt, yt, 'greater').u).toBe(64);
    expect(mannWhitney(xt, yt, 'greater').p).toBeCloseTo(0.013686, 5);
    expect(mannWhitney(xt, yt, 'two-sided').p).toBeCloseTo(0.027372, 5);
  });

  it('gives p = 1 when every value is tied and for empty samples', () => {
    expect(mannWhitney([2, 2, 2], [2, 2, 2], 'two-sided').p).toBe(1);
    expect(mannWhitney([], [1, 2], 'greater').p).toBe(1);
  });
});

describe('robust statistics', () => {
  it('median and robust sigma ignore one outlier', () => {
    const xs = [10, 11, 9, 10, 10.5, 9.5, 1000];
    expect(median(xs)).toBe(10);
    expect(robustSigma(xs)).toBeLessThan(2);
  });

  it('robust sigma falls back when most samples are identical', () => {
    expect(robustSigma([0, 0, 0, 0, 0, 0, 1, 2])).toBeGreaterThan(0);
    expect(robustSigma([5, 5, 5])).toBe(0);
  });

  it('trend finds a clean slope and no trend in a constant series', () => {
    const t = Array.from({ length: 20 }, (_, i) => i);
    const fit = trend(t, t.map((i) => 3 + 2 * i));
    expect(fit.slope).toBeCloseTo(2, 10);
    expect(fit.intercept).toBeCloseTo(3, 10);
    expect(fit.p).toBeLessThan(1e-6);
    expect(trend(t, t.map(() => 4)).p).toBeCloseTo(1, 6);
  });

  it('window drift is zero for a flat series and large for a wandering one', () => {
    expect(windowDrift(Array(30).fill(1), 5)).toBe(0);
    const wander = [...Array(10).fill(0), ...Array(10).fill(10), ...Array(10).fill(0)];
    expect(windowDrift(wander, 5)).toBeGreaterThanOrEqual(10);
  });
});

describe('medianInPlace (quickselect)', () => {
  it('agrees with the sorting median on random arrays, odd and even, with ties', async () => {
    const { medianInPlace } = await import('../../src/judge/stats.js');
    let s = 7;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rand() * 60);
      const xs = Array.from({ length: n }, () => Math.floor(rand() * 10) / (1 + Math.floor(rand() * 3)));
      expect(medianInPlace(Float64Array.from(xs))).toBe(median(xs));
    }
  });
});
