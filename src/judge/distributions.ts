// Tail probabilities the detectors need: Student's t and the binomial. Pure
// numerics (Numerical Recipes' continued fraction for the incomplete beta),
// accurate to ~1e-10 (Lanczos ln Γ) over the ranges used, never NaN for finite input.

/** ln Γ(x) for x > 0 (Lanczos, g = 5). */
export function logGamma(x: number): number {
  const c = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const t = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let series = 1.000000000190015;
  for (const ci of c) series += ci / ++y;
  return -t + Math.log((2.5066282746310005 * series) / x);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), for a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (!(x > 0)) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for Student's t with `nu` degrees of freedom. */
export function studentTUpper(t: number, nu: number): number {
  if (Number.isNaN(t)) return 1;
  if (t < 0) return 1 - studentTUpper(-t, nu);
  if (t === Infinity) return 0;
  return 0.5 * incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), with real n ≥ k > 0 allowed (an effective
 * sample size): I_p(k, n − k + 1).
 */
export function binomialAtLeast(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n || p <= 0) return 0;
  if (p >= 1) return 1;
  return incompleteBeta(p, k, n - k + 1);
}

/** The robust σ (1.4826·MAD) of a standard Student t: MAD solves P(|T| > MAD) = 1/2. */
export function studentTRobustSigma(nu: number): number {
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (2 * studentTUpper(mid, nu) > 0.5) lo = mid;
    else hi = mid;
  }
  return 1.4826 * lo;
}
