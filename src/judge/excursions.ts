// Detectors for what a shift of the median cannot see: a burst, a run of
// spikes, a level shift in part of the canary, a variance change (many points
// far out), and a step change at one sample. Pure: numbers in, evidence out.
//
// Why these statistics. The median test asks "did the typical value move?".
// Real incidents often leave the median alone: the canary leaves the baseline's
// envelope in a fifth of its points. So:
//   excursion — how far the k-th most extreme canary sample lies from the
//     baseline median, in robust standard deviations of the baseline. Under the
//     null the deviations are heavy-tailed noise: we model them as Student's t
//     with 4 degrees of freedom (tails like |x|⁻⁵, far heavier than a Gaussian
//     or Laplace; ν = 4 is the working default of robust t modelling, Lange,
//     Little & Taylor 1989), scaled so its robust σ matches the baseline's.
//     That σ is itself estimated from n baseline samples (a MAD has a relative
//     standard error of ~1.16/√n: 24% at n = 24), so the tail is averaged over
//     that uncertainty: a short baseline gives weaker evidence than a long one
//     with the same numbers. The k-th order statistic of m samples
//     exceeds z with probability P(Binomial(m, p(z)) ≥ k), p(z) the t tail:
//     an exact test on exceedance counts (k = 1 is a Bonferroni bound over the
//     m samples). Serial correlation clusters exceedances: counts are divided
//     by the variance inflation (1+ρ)/(1−ρ) of the baseline's lag-1
//     autocorrelation (fewer independent samples, fewer independent
//     exceedances). A significant baseline trend (Mann–Kendall) is
//     extrapolated and the weaker of the raw and detrended deviations is kept,
//     as the median test does. An excursion must also go beyond anything the
//     baseline itself did: a canary burst no larger than one the baseline
//     already showed is not new behaviour, whatever a noise model says.
//     Durations tested: the shortest that lasts `minSeconds`, and twice it
//     (a short burst, a longer partial shift).
//   jump — the largest change between consecutive samples (the last baseline
//     sample and the first canary sample included), in robust σ of the
//     baseline's own consecutive changes, with a t tail of 2 degrees of freedom
//     (infinite variance: differencing doubles every spike, into two large
//     consecutive changes, so changes are heavier-tailed than levels). A trend or
//     diurnal slope moves every step a little; an incident moves one step a lot.
// Duration: an excursion counts only when the samples beyond the envelope cover
// at least `minSeconds` (default 300 s, the `for: 5m` of common alerting
// practice): a one-minute blip or a two-minute warm-up is not a regression, a
// five-minute sample far out is. The jump detector, a single step by nature,
// runs only when one step is that long.
// Effect size: a deviation counts only beyond the metric's tolerance floor and
// `noiseSigmas` robust σ, as in the median test.
import { binomialAtLeast, studentTRobustSigma, studentTUpper } from './distributions.js';
import { ROBUST_SIGMA_SE, extent, median, robustSigma, type TrendFit } from './stats.js';
import type { Direction } from './types.js';

/** Degrees of freedom of the noise model of levels (excursion) and of changes (jump). */
export const NOISE_DF = { level: 4, change: 2 } as const;
const T_SIGMA = { level: studentTRobustSigma(NOISE_DF.level), change: studentTRobustSigma(NOISE_DF.change) };
/** Durations tested by the excursion detector: the shortest that lasts long enough, and twice it. */
const DURATIONS = [1, 2] as const;
/**
 * Probabilists' Gauss–Hermite rule, 5 points: E[f(Z)] for Z ~ N(0, 1), exact
 * for polynomials to degree 9; enough for a smooth tail averaged over ln σ̂.
 */
const GAUSS_HERMITE = [
  { x: -2.8569700138728056, w: 0.011257411327720691 },
  { x: -1.355626179974266, w: 0.22207592200561266 },
  { x: 0, w: 0.5333333333333333 },
  { x: 1.355626179974266, w: 0.22207592200561266 },
  { x: 2.8569700138728056, w: 0.011257411327720691 },
];

export interface Samples {
  /** time index of each sample (baseline from 0, canary after the baseline) */
  t: number[];
  v: number[];
}

export interface DetectorContext {
  baseline: Samples;
  canary: Samples;
  direction: Direction;
  /** the smallest deviation that can matter for this metric (its floors), in its unit */
  floor: number;
  noiseSigmas: number;
  /** a significant baseline trend to extrapolate, or null */
  trend: TrendFit | null;
  /** index beyond which the trend is not extrapolated further */
  trendHorizon: number;
  /** the baseline's variance inflation (1+ρ)/(1−ρ) */
  inflation: number;
  /** samples that must lie beyond the envelope for an excursion to count */
  minRunSamples: number;
  /** the sampling step of the windows as compared, seconds */
  stepSeconds: number;
}

export interface DetectorFinding {
  detector: 'excursion' | 'jump';
  /** p-value before the family-wise correction across detectors and metrics */
  p: number;
  /** deviation measured / tolerance; ≥ 1 means beyond the tolerance */
  effect: number;
  /** +1 when the evidence is above the baseline, −1 below */
  sign: 1 | -1;
  /** the evidence in words an SRE reads (numbers in the metric's unit, before any rescaling) */
  evidence: (format: (x: number) => string) => string;
}

function badDeviation(x: number, center: number, direction: Direction): number {
  if (direction === 'increase') return x - center;
  if (direction === 'decrease') return center - x;
  return Math.abs(x - center);
}

const sides = (direction: Direction) => (direction === 'either' ? 2 : 1);

/**
 * Tail probability of one sample lying `z` robust σ out (in the bad direction)
 * under the noise model, when that σ was estimated from `n` samples.
 */
export function tailOf(z: number, direction: Direction, kind: keyof typeof NOISE_DF, n: number): number {
  const df = NOISE_DF[kind];
  const spread = ROBUST_SIGMA_SE / Math.sqrt(Math.max(1, n));
  let p = 0;
  for (const { x, w } of GAUSS_HERMITE) p += w * studentTUpper(z * Math.exp(x * spread) * T_SIGMA[kind], df);
  return Math.min(1, sides(direction) * p);
}

/** Canary deviations in robust σ of the baseline; with a trend, the weaker of raw and detrended. */
function deviationsInSigmas(ctx: DetectorContext): { z: number[]; sigma: number; center: number } {
  const { baseline, canary, direction, trend } = ctx;
  const center = median(baseline.v);
  const sigma = robustSigma(baseline.v);
  const scale = sigma > 0 ? sigma : Math.max(ctx.floor, Number.MIN_VALUE);
  let z = canary.v.map((x) => badDeviation(x, center, direction) / scale);
  if (trend) {
    const at = (t: number) => trend.slope * Math.min(t, ctx.trendHorizon);
    const bd = baseline.v.map((v, i) => v - at(baseline.t[i]!));
    const cd = canary.v.map((v, i) => v - at(canary.t[i]!));
    const dCenter = median(bd);
    const dSigma = robustSigma(bd);
    const dScale = dSigma > 0 ? dSigma : scale;
    // Each in its own σ; the weaker is kept (a trend that merely continues is not an excursion).
    z = z.map((raw, i) => Math.min(raw, badDeviation(cd[i]!, dCenter, direction) / dScale));
  }
  return { z, sigma: scale, center };
}

export function excursionTest(ctx: DetectorContext): DetectorFinding | null {
  const m = ctx.canary.v.length;
  const first = Math.max(1, ctx.minRunSamples);
  if (m < first || ctx.baseline.v.length < 3) return null;
  if (!(robustSigma(ctx.baseline.v) > 0)) return constantBaselineTest(ctx);
  const { z, sigma, center } = deviationsInSigmas(ctx);
  const order = z.map((zi, i) => ({ z: zi, i })).sort((a, b) => b.z - a.z);
  const tolerance = Math.max(ctx.floor, ctx.noiseSigmas * sigma);
  const mEff = Math.max(1, m / ctx.inflation);
  // The baseline's own largest deviation, in the same σ: a canary excursion must go beyond it.
  let baselineWorst = 0;
  for (const x of ctx.baseline.v) baselineWorst = Math.max(baselineWorst, badDeviation(x, center, ctx.direction) / sigma);
  let best: { p: number; k: number; z: number } | null = null;
  let tested = 0;
  for (const k of DURATIONS.map((d) => d * first).filter((k) => k <= m)) {
    tested++;
    const zk = order[k - 1]!.z;
    if (!(zk * sigma > tolerance) || !(zk > baselineWorst)) continue;
    const p0 = tailOf(zk, ctx.direction, 'level', ctx.baseline.v.length);
    const p = k === 1 ? Math.min(1, m * p0) : binomialAtLeast(Math.max(1, k / ctx.inflation), Math.max(mEff, 1), p0);
    if (!best || p < best.p) best = { p, k, z: zk };
  }
  if (!best) return null;
  const { k, z: zk } = best;
  const beyond = zk * sigma;
  // Every canary sample beyond the baseline's largest deviation and the tolerance, for the evidence.
  const outside = order.filter((o) => o.z * sigma > tolerance && o.z > baselineWorst);
  const samples = outside.map((o) => o.i).sort((a, b) => a - b);
  const worst = order[0]!;
  const minutes = (outside.length * ctx.stepSeconds) / 60;
  const side = ctx.direction === 'increase' ? 'above' : ctx.direction === 'decrease' ? 'below' : 'away from';
  const worstValue = ctx.canary.v[worst.i]!;
  const rank = k === 1 ? 'the most extreme' : `the ${ordinal(k)} most extreme`;
  return {
    detector: 'excursion',
    p: Math.min(1, best.p * tested),
    effect: beyond / tolerance,
    sign: ctx.direction === 'increase' ? 1 : ctx.direction === 'decrease' ? -1 : worstValue >= center ? 1 : -1,
    evidence: (f) =>
      `${outside.length} of ${m} canary samples (${describeSamples(samples)}; ~${f(minutes)} min) ${outside.length === 1 ? 'lies' : 'lie'} beyond anything the baseline did ` +
      `(its largest deviation: ${f(baselineWorst)} robust σ of ${f(sigma)}); ${rank} lies ${f(beyond)} or more ${side} ` +
      `the baseline median ${f(center)} (${f(zk)} robust σ; worst ${f(worstValue)} at canary sample ${worst.i + 1})`,
  };
}

function ordinal(k: number): string {
  const tens = k % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][k % 10] ?? 'th';
  return `${k}${suffix}`;
}

/**
 * A baseline with no spread at all gives no noise scale to measure distance
 * in: then only order counts. k canary samples beyond every baseline sample
 * have probability C(m, k) / C(n + m, k) when nothing changed (all n + m
 * samples exchangeable): Rosenbaum's exceedance test, free of any noise model.
 */
function constantBaselineTest(ctx: DetectorContext): DetectorFinding | null {
  const n = ctx.baseline.v.length;
  const m = ctx.canary.v.length;
  const center = median(ctx.baseline.v);
  const beyond = ctx.canary.v.map((x, i) => ({ x, i, d: badDeviation(x, center, ctx.direction) })).filter((o) => o.d > ctx.floor);
  const k = beyond.length;
  if (k < Math.max(1, ctx.minRunSamples)) return null;
  let p = sides(ctx.direction);
  for (let i = 0; i < k; i++) p *= (m - i) / (n + m - i);
  const worst = beyond.reduce((a, o) => (o.d > a.d ? o : a));
  const minutes = (k * ctx.stepSeconds) / 60;
  return {
    detector: 'excursion',
    p: Math.min(1, p),
    effect: ctx.floor > 0 ? worst.d / ctx.floor : Infinity,
    sign: ctx.direction === 'decrease' ? -1 : ctx.direction === 'increase' ? 1 : worst.x >= center ? 1 : -1,
    evidence: (f) =>
      `${k} of ${m} canary samples (${describeSamples(beyond.map((o) => o.i))}; ~${f(minutes)} min) leave a baseline that never moved from ${f(center)} ` +
      `(worst ${f(worst.x)} at canary sample ${worst.i + 1}; order alone, as the baseline has no noise to measure against)`,
  };
}

export function jumpTest(ctx: DetectorContext, lastBaseline: { t: number; v: number } | undefined): DetectorFinding | null {
  if (ctx.minRunSamples > 1) return null;
  /** consecutive changes, or (landing) the value each change arrives at */
  const steps = (s: Samples, landing = false): number[] => {
    const out: number[] = [];
    for (let i = 1; i < s.v.length; i++) if (s.t[i]! - s.t[i - 1]! === 1) out.push(landing ? s.v[i]! : s.v[i]! - s.v[i - 1]!);
    return out;
  };
  const baseSteps = steps(ctx.baseline);
  if (baseSteps.length < 3) return null;
  const canaryWithLast: Samples = lastBaseline
    ? { t: [lastBaseline.t, ...ctx.canary.t], v: [lastBaseline.v, ...ctx.canary.v] }
    : ctx.canary;
  const canarySteps = steps(canaryWithLast);
  if (canarySteps.length === 0) return null;
  const sigma = robustSigma(baseSteps);
  if (!(sigma > 0)) return null;
  const tolerance = Math.max(ctx.floor, ctx.noiseSigmas * sigma);
  const signed = (d: number) => (ctx.direction === 'increase' ? d : ctx.direction === 'decrease' ? -d : Math.abs(d));
  // A step counts only when it lands beyond anything the baseline did, in the bad
  // direction: a step back from a spike towards normal is no regression.
  const { min, max } = extent(ctx.baseline.v);
  const landsBeyond = (x: number) =>
    ctx.direction === 'increase' ? x > max : ctx.direction === 'decrease' ? x < min : x > max || x < min;
  const landing = steps(canaryWithLast, true);
  let worst = 0;
  let at = -1;
  canarySteps.forEach((d, i) => {
    if (signed(d) > worst && landsBeyond(landing[i]!)) {
      worst = signed(d);
      at = i;
    }
  });
  if (at < 0 || !(worst > tolerance)) return null;
  const z = worst / sigma;
  const p = Math.min(1, canarySteps.length * tailOf(z, ctx.direction, 'change', baseSteps.length));
  const stepIndex = lastBaseline ? at : at + 1; // 0 = from the last baseline sample to the first canary sample
  const where = stepIndex === 0 ? 'from the last baseline sample to the first canary sample' : `into canary sample ${stepIndex + 1}`;
  return {
    detector: 'jump',
    p,
    effect: worst / tolerance,
    sign: canarySteps[at]! >= 0 ? 1 : -1,
    evidence: (f) =>
      `a step of ${f(worst)} ${where} (${f(z)} robust σ of the baseline's sample-to-sample changes, ${f(sigma)})`,
  };
}

/** "3, 4, 9" or "3–7" for a contiguous run (1-based canary sample numbers). */
function describeSamples(indices: number[]): string {
  const ones = indices.map((i) => i + 1);
  const contiguous = ones.every((v, i) => i === 0 || v === ones[i - 1]! + 1);
  if (ones.length > 2 && contiguous) return `samples ${ones[0]}–${ones[ones.length - 1]}`;
  return `sample${ones.length > 1 ? 's' : ''} ${ones.join(', ')}`;
}
