import { describe, expect, it } from 'vitest';
import { binomialAtLeast, incompleteBeta, studentTRobustSigma, studentTUpper } from '../../src/judge/distributions.js';

/** Closed form for two degrees of freedom: P(T > t) = ½ (1 − t / √(2 + t²)). */
const t2Upper = (t: number) => 0.5 * (1 - t / Math.sqrt(2 + t * t));

function binomialTailBySum(k: number, n: number, p: number): number {
  let choose = 1;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) choose = (choose * (n - i + 1)) / i;
    if (i >= k) total += choose * p ** i * (1 - p) ** (n - i);
  }
  return total;
}

describe('Student t tails', () => {
  it('match the closed forms for 1 (Cauchy) and 2 degrees of freedom', () => {
    expect(studentTUpper(0, 2)).toBeCloseTo(0.5, 12);
    expect(studentTUpper(1, 1)).toBeCloseTo(0.25, 10);
    for (const t of [0.5, 1, 2.92, 10, 1e3]) expect(studentTUpper(t, 2)).toBeCloseTo(t2Upper(t), 10);
    expect(studentTUpper(-1, 2)).toBeCloseTo(1 - t2Upper(1), 10);
  });

  it('approach the normal tail for many degrees of freedom', () => {
    expect(studentTUpper(1.96, 1e6)).toBeCloseTo(0.025, 4);
  });

  it('are finite and in [0, 1] at the extremes', () => {
    for (const t of [1e308, -1e308, Infinity, -Infinity, Number.NaN]) {
      const p = studentTUpper(t, 2);
      expect(Number.isFinite(p)).toBe(true);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
  });

  it('robust σ of t₂ is 1.4826 · √(2/3) (its MAD solves P(|T| > x) = ½)', () => {
    expect(studentTRobustSigma(2)).toBeCloseTo(1.4826 * Math.sqrt(2 / 3), 6);
  });
});

describe('binomial tail', () => {
  it('equals the sum of the probability mass for integer n', () => {
    for (const [k, n, p] of [[1, 12, 0.01], [3, 12, 0.05], [7, 20, 0.3], [12, 12, 0.9]] as const) {
      expect(binomialAtLeast(k, n, p)).toBeCloseTo(binomialTailBySum(k, n, p), 10);
    }
  });

  it('edges: k ≤ 0 is certain, k > n and p = 0 impossible', () => {
    expect(binomialAtLeast(0, 5, 0.1)).toBe(1);
    expect(binomialAtLeast(6, 5, 0.1)).toBe(0);
    expect(binomialAtLeast(2, 5, 0)).toBe(0);
    expect(binomialAtLeast(2, 5, 1)).toBe(1);
  });

  it('the incomplete beta is monotone in x', () => {
    let last = 0;
    for (let x = 0; x <= 1; x += 0.05) {
      const v = incompleteBeta(x, 2.5, 3.5);
      expect(v).toBeGreaterThanOrEqual(last - 1e-12);
      last = v;
    }
  });
});
