// One metric, baseline against canary. Pure: data in, verdict out.
//
// A metric fails only when both of these hold, in its bad direction:
//   1. significance: a Mann-Whitney U test (Kayenta's test) says the canary is
//      shifted, after a Bonferroni correction over windows and metrics;
//   2. effect size: the shift of the median exceeds a tolerance, the largest of
//      the metric's relative and absolute floors, `noise_sigmas` robust standard
//      deviations of the baseline (that σ taken one standard error high, as it is
//      estimated from the baseline's n samples), and the baseline's own drift between windows
//      of the same length (so slow wander is not mistaken for a change).
// Two canary windows are tested: the whole window and its second half (a
// regression that builds up late, such as a leak, hides in the whole-window
// median). When the baseline has a significant monotonic trend (Mann-Kendall),
// the comparison is repeated against the trend extrapolated into the canary and
// the weaker of the two results is kept: a trend that merely continues across
// the deploy is not a regression. One-minute series are serially correlated, so
// the test's variance is inflated by the baseline's lag-1 autocorrelation.
//
// Beside the median test, two detectors see what it misses (excursions.ts): an
// excursion of several canary samples far beyond the baseline's noise (a burst,
// a run of spikes, a partial level shift, a variance change) and a step change
// at one sample. The three share one family-wise error budget (weighted Bonferroni, BUDGET): each p-value is
// Bonferroni-adjusted over the detectors and the metrics (and the median test's
// also over its windows), so `alpha` bounds the chance that any of them fires
// on a healthy deployment. The verdict names the detector that fired.
import { excursionTest, jumpTest, type DetectorContext, type DetectorFinding } from './excursions.js';
import { profileFor } from './metric-catalog.js';
import { formatNumber, formatP } from './format.js';
import {
  ROBUST_SIGMA_SE,
  extent,
  lag1Autocorrelation,
  mannWhitney,
  median,
  mean,
  present,
  robustSigma,
  trend,
  varianceInflation,
  windowDrift,
  type Alternative,
} from './stats.js';
import type { DetectorName, DetectorOutcome, Direction, GuardrailCheck, MetricSeries, MetricVerdict, WindowStats } from './types.js';

export interface CompareOptions {
  alpha: number;
  noiseSigmas: number;
  minSamples: number;
  /** how many metrics are tested in this decision (Bonferroni across metrics) */
  metricsTested: number;
  /** absolute ceiling for the canary, when configured for this metric */
  guardrail?: number;
  /** set when the metric must not fail whatever its numbers, with the reason (e.g. too little traffic) */
  insufficientEvidence?: string;
  /**
   * Use the order of the samples (trend, autocorrelation, window drift). On by
   * default; off, the comparison depends only on the two windows' distributions.
   */
  temporal?: boolean;
  /** seconds between samples (default 60) */
  stepSeconds?: number;
  /** an excursion must last this long to count (default 300) */
  minExcursionSeconds?: number;
}

/**
 * Shares of the family-wise budget (weighted Bonferroni: they sum to 1). The
 * median test keeps the largest share: it is the one the mock regressions and
 * synthetic KPI shifts need; the two new detectors split the rest.
 */
export const BUDGET = { median: 0.5, excursion: 0.25, jump: 0.25 } as const;

/** A trend must be this significant (Mann-Kendall) before it is extrapolated. */
const TREND_P = 0.01;
/** ...and the baseline this long. */
const TREND_MIN_SAMPLES = 8;

interface WindowResult {
  window: 'full' | 'late';
  p: number;
  effect: number;
  shift: number;
  tolerance: number;
  trendAdjusted: boolean;
}

export function windowStats(series: ReadonlyArray<number | null>): WindowStats {
  const xs = present(series);
  if (xs.length === 0) return { n: 0, missing: series.length, median: null, mean: null, min: null, max: null };
  const { min, max } = extent(xs);
  return { n: xs.length, missing: series.length - xs.length, median: median(xs), mean: mean(xs), min, max };
}

/** Longest window the judge decides; a longer one is refused with this reason. */
export const MAX_WINDOW_SAMPLES = 1_000_000;
/**
 * Windows are compared on at most this many points: a longer baseline keeps its
 * most recent part (at least 8 canary lengths), and when a window is still
 * longer both are reduced to block means of the same number of samples. Keeps
 * every comparison O(n) in the raw length (the rank, trend and drift
 * statistics then run on bounded inputs).
 */
export const MAX_POINTS = 1024;
/** Above this magnitude the arithmetic (sums, differences) could overflow: values are rescaled. */
const HUGE = 1e150;

/** Baseline and canary as they are compared, with a note on how they were reduced. */
function reduceWindows(series: MetricSeries): { baseline: Array<number | null>; canary: Array<number | null>; note: string; block: number } {
  let baseline = series.baseline;
  let canary = series.canary;
  const notes: string[] = [];
  if (baseline.length > MAX_POINTS) {
    const keep = Math.max(MAX_POINTS, 8 * canary.length);
    if (baseline.length > keep) {
      notes.push(`the most recent ${keep} of ${baseline.length} baseline samples`);
      baseline = baseline.slice(baseline.length - keep);
    }
  }
  const longest = Math.max(baseline.length, canary.length);
  let block = 1;
  if (longest > MAX_POINTS) {
    block = Math.ceil(longest / MAX_POINTS);
    baseline = blockMeans(baseline, block);
    canary = blockMeans(canary, block);
    notes.push(`means of ${block}-sample blocks`);
  }
  return { baseline, canary, block, note: notes.length ? ` (compared on ${notes.join(', ')})` : '' };
}

function blockMeans(series: ReadonlyArray<number | null>, block: number): Array<number | null> {
  const out: Array<number | null> = [];
  for (let start = 0; start < series.length; start += block) {
    let sum = 0;
    let n = 0;
    const end = Math.min(series.length, start + block);
    for (let i = start; i < end; i++) {
      const v = series[i];
      if (typeof v === 'number' && Number.isFinite(v)) {
        sum += v / block; // shares, not the raw sum: no overflow near ±1e308
        n++;
      }
    }
    out.push(n ? (sum * block) / n : null);
  }
  return out;
}

/** Samples outside the metric's physical range, with a sentence for the reason; undefined when all are valid. */
function impossibleValues(series: MetricSeries, range: readonly [number, number] | undefined, unit: string | undefined): string | undefined {
  if (!range) return undefined;
  const [lo, hi] = range;
  let count = 0;
  let total = 0;
  let example = 0;
  for (const w of [series.baseline, series.canary]) {
    for (const v of w) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      total++;
      if (v < lo || v > hi) {
        if (count === 0) example = v;
        count++;
      }
    }
  }
  if (count === 0) return undefined;
  const u = unit ? ` ${unit}` : '';
  const bounds = hi === Infinity ? `>= ${formatNumber(lo)}` : `in [${formatNumber(lo)}, ${formatNumber(hi)}]`;
  return `bad data: ${count} of ${total} samples are physically impossible (e.g. ${formatNumber(example)}${u}; this metric must be ${bounds}); not decided on them — check the exporter or query`;
}

function alternativeFor(direction: Direction): Alternative {
  return direction === 'increase' ? 'greater' : direction === 'decrease' ? 'less' : 'two-sided';
}

/** The part of a shift that points in the metric's bad direction (0 when it points the good way). */
function badPart(shift: number, direction: Direction): number {
  if (direction === 'increase') return Math.max(0, shift);
  if (direction === 'decrease') return Math.max(0, -shift);
  return Math.abs(shift);
}

/** e³/(1+e³): 0.5 at the tolerance, ~0.9 at twice it; times the confidence the shift is real. */
function severityOf(pAdjusted: number, effect: number): number {
  const e3 = effect ** 3;
  return (1 - pAdjusted) * (Number.isFinite(e3) ? e3 / (1 + e3) : 1);
}

interface Points {
  t: number[];
  v: number[];
}

function points(series: ReadonlyArray<number | null>, offset: number): Points {
  const t: number[] = [];
  const v: number[] = [];
  series.forEach((x, i) => {
    if (typeof x === 'number' && Number.isFinite(x)) {
      t.push(offset + i);
      v.push(x);
    }
  });
  return { t, v };
}

/** What a window comparison needs of the baseline, computed once per baseline variant. */
interface BaselineView {
  values: number[];
  median: number;
  /** floor and noise part of the tolerance */
  tolerance: number;
  temporal: boolean;
}

function baselineView(values: number[], floor: number, noiseSigmas: number, temporal: boolean): BaselineView {
  // σ one standard error high: a σ estimated from few samples may be too small, and a
  // shift that clears `noiseSigmas` of it only by luck of the estimate is no evidence.
  const sigma = robustSigma(values) * (1 + ROBUST_SIGMA_SE / Math.sqrt(values.length));
  return { values, median: median(values), tolerance: Math.max(floor, noiseSigmas * sigma), temporal };
}

function testWindow(
  base: BaselineView,
  canary: number[],
  direction: Direction,
  inflation: number,
): { p: number; shift: number; tolerance: number; effect: number } {
  const { p } = mannWhitney(base.values, canary, alternativeFor(direction), inflation);
  const shift = median(canary) - base.median;
  const drift = base.temporal ? windowDrift(base.values, canary.length) : 0;
  const tolerance = Math.max(base.tolerance, drift);
  return { p, shift, tolerance, effect: badPart(shift, direction) / tolerance };
}

export function compareMetric(name: string, series: MetricSeries, options: CompareOptions): MetricVerdict {
  const profile = profileFor(name, series.direction);
  const unit = series.unit;
  const longest = Math.max(series.baseline.length, series.canary.length);
  const refuse = (reason: string, badData: boolean): MetricVerdict => ({
    metric: name,
    direction: profile.direction,
    ...(unit ? { unit } : {}),
    baseline: windowStats(series.baseline),
    canary: windowStats(series.canary),
    verdict: 'nodata',
    shift: null,
    relative_change: null,
    tolerance: null,
    p_value: null,
    window: null,
    trend_adjusted: false,
    severity: 0,
    ...(badData ? { bad_data: true } : {}),
    reason,
  });
  if (longest > MAX_WINDOW_SAMPLES) {
    return refuse(
      `refused: a window of ${longest} samples is longer than the ${MAX_WINDOW_SAMPLES} the judge decides; query a coarser step`,
      false,
    );
  }
  const bad = impossibleValues(series, profile.validRange, unit);
  if (bad) return refuse(bad, true);

  const reduced = reduceWindows(series);
  // Rescale values whose arithmetic could overflow (the decision is scale-free
  // for such metrics; the reported numbers are scaled back).
  let maxAbs = 0;
  for (const w of [reduced.baseline, reduced.canary]) {
    for (const v of w) if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  }
  const scale = maxAbs > HUGE ? 2 ** Math.min(1023, Math.ceil(Math.log2(maxAbs))) : 1; // a power of two: exact, and finite
  const scaled = (w: Array<number | null>): Array<number | null> =>
    scale === 1 ? w : w.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v / scale : null));
  const core = compareCore(
    name,
    { ...series, baseline: scaled(reduced.baseline), canary: scaled(reduced.canary) },
    {
      ...options,
      stepSeconds: (options.stepSeconds ?? 60) * reduced.block,
      ...(scale !== 1 && options.guardrail !== undefined ? { guardrail: options.guardrail / scale } : {}),
    },
    scale,
    reduced.note,
  );
  const back = (x: number | null): number | null => (x === null || scale === 1 ? x : x * scale);
  return {
    ...core,
    baseline: windowStats(series.baseline),
    canary: windowStats(series.canary),
    shift: back(core.shift),
    tolerance: back(core.tolerance),
    ...(core.guardrail
      ? { guardrail: { ...core.guardrail, limit: back(core.guardrail.limit)!, value: back(core.guardrail.value)! } }
      : {}),
  };
}

function compareCore(
  name: string,
  series: MetricSeries,
  options: CompareOptions,
  scale: number,
  note: string,
): MetricVerdict {
  const profile = profileFor(name, series.direction);
  const direction = profile.direction;
  const baseline = windowStats(series.baseline);
  const canary = windowStats(series.canary);
  const b = points(series.baseline, 0);
  const c = points(series.canary, series.baseline.length);
  const unit = series.unit;
  const common = { metric: name, direction, ...(unit ? { unit } : {}), baseline, canary };

  const guardrail = checkGuardrail(b.v, c.v, options);
  const temporal = options.temporal ?? true;

  if (b.v.length < options.minSamples || c.v.length < options.minSamples) {
    const have = `${b.v.length} baseline and ${c.v.length} canary samples (need ${options.minSamples} in each)`;
    if (guardrail?.breached) {
      return {
        ...common,
        verdict: 'high',
        shift: null,
        relative_change: null,
        tolerance: null,
        p_value: null,
        window: 'late',
        trend_adjusted: false,
        guardrail,
        detector: 'guardrail',
        severity: guardrailSeverity(guardrail),
        reason: `${guardrailSentence(guardrail, unit, scale)}; too few samples for a comparison: ${have}`,
      };
    }
    return {
      ...common,
      verdict: 'nodata',
      shift: null,
      relative_change: null,
      tolerance: null,
      p_value: null,
      window: null,
      trend_adjusted: false,
      ...(guardrail ? { guardrail } : {}),
      severity: 0,
      reason: `no data to compare: ${have}`,
    };
  }

  const baseMedian = baseline.median!;
  const floor = Math.max(
    profile.relativeTolerance * Math.abs(baseMedian),
    profile.absoluteTolerance / scale,
    1e-9 * Math.max(1, Math.abs(baseMedian)),
  );

  // A significant baseline trend is extrapolated, at most one baseline length ahead.
  const fit = temporal && b.v.length >= TREND_MIN_SAMPLES ? trend(b.t, b.v, TREND_P) : null;
  const useTrend = fit !== null && fit.p < TREND_P && fit.slope !== 0;
  const horizon = series.baseline.length * 2;
  const detrend = (p: Points): number[] =>
    p.v.map((v, i) => v - fit!.slope * Math.min(p.t[i]!, horizon));
  const bDetrended = useTrend ? detrend(b) : null;
  const cDetrended = useTrend ? detrend(c) : null;

  // Serial correlation, measured on the baseline (detrended when a trend is used).
  const rho = temporal ? lag1Autocorrelation(b.t, useTrend ? bDetrended! : b.v) : 0;
  const inflation = varianceInflation(rho);

  const windows: Array<{ window: 'full' | 'late'; from: number }> = [{ window: 'full', from: 0 }];
  if (c.v.length >= 2 * options.minSamples) windows.push({ window: 'late', from: Math.floor(c.v.length / 2) });
  const metrics = Math.max(1, options.metricsTested);
  const comparisons = (windows.length * metrics) / BUDGET.median;

  const rawBase = baselineView(b.v, floor, options.noiseSigmas, temporal);
  const adjBase = useTrend ? baselineView(bDetrended!, floor, options.noiseSigmas, temporal) : null;
  const results: WindowResult[] = windows.map(({ window, from }) => {
    const raw = testWindow(rawBase, c.v.slice(from), direction, inflation);
    if (!useTrend) return { window, ...raw, trendAdjusted: false };
    const adj = testWindow(adjBase!, cDetrended!.slice(from), direction, inflation);
    // Keep the weaker evidence; shifts in opposite directions cancel.
    const opposite = Math.sign(raw.shift) !== Math.sign(adj.shift);
    const weaker = adj.effect < raw.effect ? adj : raw;
    return {
      window,
      p: Math.max(raw.p, adj.p),
      shift: weaker.shift,
      tolerance: weaker.tolerance,
      effect: opposite ? 0 : weaker.effect,
      trendAdjusted: weaker === adj,
    };
  });

  const scored = results.map((r) => {
    const pAdjusted = Math.min(1, r.p * comparisons);
    const fails = pAdjusted <= options.alpha && r.effect >= 1;
    return { ...r, pAdjusted, fails, severity: severityOf(pAdjusted, r.effect) };
  });
  const failing = scored.filter((r) => r.fails);
  const best = (failing.length ? failing : scored).reduce((a, r) => (r.severity > a.severity ? r : a));

  const step = options.stepSeconds ?? 60;
  const context: DetectorContext = {
    baseline: b,
    canary: c,
    direction,
    floor: Math.max(floor, profile.relativeTolerance * Math.abs(baseMedian)),
    noiseSigmas: options.noiseSigmas,
    trend: useTrend ? fit : null,
    trendHorizon: horizon,
    inflation,
    minRunSamples: Math.max(1, Math.ceil((options.minExcursionSeconds ?? 300) / step)),
    stepSeconds: step,
  };
  const lastBaseline = b.t.length ? { t: b.t[b.t.length - 1]!, v: b.v[b.v.length - 1]! } : undefined;
  const findings = [excursionTest(context), temporal ? jumpTest(context, lastBaseline) : null]
    .filter((f): f is DetectorFinding => f !== null)
    .map((f) => {
      const pAdjusted = Math.min(1, (f.p * metrics) / BUDGET[f.detector]);
      return { ...f, pAdjusted, fails: pAdjusted <= options.alpha && f.effect >= 1, severity: severityOf(pAdjusted, f.effect) };
    });
  const firing = findings.filter((f) => f.fails).sort((x, y) => y.severity - x.severity);
  const fmt = (x: number) => formatNumber(x * scale);
  const detectors: DetectorOutcome[] = [
    { detector: 'median-shift', p_value: best.pAdjusted, fired: best.fails },
    ...findings.map((f) => ({ detector: f.detector as DetectorName, p_value: f.pAdjusted, fired: f.fails })),
  ];
  const nearestSeverity = Math.max(best.severity, ...findings.map((f) => f.severity));

  const relative = Math.abs(baseMedian) > 1e-9 ? best.shift / Math.abs(baseMedian) : null;
  const decisive = best.fails ? undefined : firing[0];
  const stats = {
    shift: best.shift,
    relative_change: relative,
    tolerance: best.tolerance,
    p_value: decisive ? decisive.pAdjusted : best.pAdjusted,
    window: best.window,
    trend_adjusted: best.trendAdjusted,
    ...(guardrail ? { guardrail } : {}),
    detector: (best.fails ? 'median-shift' : decisive ? decisive.detector : null) as DetectorName | null,
    detectors,
  };
  const numbers = describeShift(best, baseMedian, canaryMedianOf(c.v, best.window), unit, scale) + note;
  const excursionWords = (f: (typeof findings)[number]) =>
    `${f.detector === 'jump' ? 'step change' : 'excursion'}: ${f.evidence(fmt)}, p=${formatP(f.pAdjusted)}`;

  // A baseline mostly made of gaps does not establish what normal is: the
  // statistical detectors may not fail the metric on it (a ceiling still can).
  const sparse =
    b.v.length * 2 < series.baseline.length
      ? `only ${b.v.length} of ${series.baseline.length} baseline samples present (fewer than half: the baseline does not establish normal)`
      : undefined;
  const cannotFail = options.insufficientEvidence ?? (guardrail?.breached ? undefined : sparse);
  if (cannotFail) {
    return {
      ...common,
      ...stats,
      verdict: 'pass',
      detector: null,
      severity: Math.min(nearestSeverity, 0.25),
      reason: `cannot fail: ${cannotFail}; ${numbers}`,
    };
  }
  if (guardrail?.breached) {
    return {
      ...common,
      ...stats,
      verdict: 'high',
      detector: 'guardrail',
      severity: Math.max(guardrailSeverity(guardrail), best.fails ? best.severity : 0, decisive ? decisive.severity : 0),
      reason: `${guardrailSentence(guardrail, unit, scale)}; ${numbers}`,
    };
  }
  if (best.fails) {
    return {
      ...common,
      ...stats,
      verdict: best.shift > 0 ? 'high' : 'low',
      severity: best.severity,
      reason: `regressed: ${numbers}`,
    };
  }
  if (decisive) {
    return {
      ...common,
      ...stats,
      verdict: decisive.sign > 0 ? 'high' : 'low',
      severity: decisive.severity,
      reason: `regressed, ${excursionWords(decisive)}; ${numbers}`,
    };
  }
  const good = badPart(best.shift, direction) === 0 && Math.abs(best.shift) >= best.tolerance;
  return {
    ...common,
    ...stats,
    verdict: 'pass',
    severity: nearestSeverity,
    reason: good ? `changed in the good direction: ${numbers}` : `no meaningful change: ${numbers}`,
  };
}

function canaryMedianOf(canary: number[], window: 'full' | 'late'): number {
  return median(window === 'late' ? canary.slice(Math.floor(canary.length / 2)) : canary);
}

function describeShift(
  r: { shift: number; tolerance: number; pAdjusted: number; window: 'full' | 'late'; trendAdjusted: boolean },
  baseMedian: number,
  canaryMedian: number,
  unit: string | undefined,
  scale = 1,
): string {
  const u = unit ? ` ${unit}` : '';
  const f = (x: number) => formatNumber(x * scale);
  const where = r.window === 'late' ? 'second-half canary median' : 'canary median';
  const sign = r.shift >= 0 ? '+' : '';
  const trendNote = r.trendAdjusted ? ', after removing the baseline trend' : '';
  return (
    `${where} ${f(canaryMedian)}${u} vs baseline ${f(baseMedian)}${u} ` +
    `(shift ${sign}${f(r.shift)}, tolerance ${f(r.tolerance)}, p=${formatP(r.pAdjusted)}${trendNote})`
  );
}

/**
 * The canary's second half (a sustained breach, not a spike or the warm-up)
 * against the configured ceiling. A ceiling the baseline already broke is not
 * the deploy's doing and rolling back would not fix it: then only the
 * statistical comparison speaks.
 */
function checkGuardrail(baseline: number[], canary: number[], options: CompareOptions): GuardrailCheck | undefined {
  if (options.guardrail === undefined || canary.length < 2) return undefined;
  const limit = options.guardrail;
  const value = median(canary.slice(Math.floor(canary.length / 2)));
  const baselineAbove = baseline.length >= options.minSamples && median(baseline) > limit;
  return { limit, value, breached: value > limit && !baselineAbove && !options.insufficientEvidence };
}

function guardrailSeverity(g: GuardrailCheck): number {
  // A configured ceiling is policy: breaching it is decisive; by how much only adds certainty.
  const ratio = g.limit > 0 ? g.value / g.limit : 2;
  return Math.max(0.8, Math.min(0.99, 0.5 + 0.5 * Math.tanh(4 * (ratio - 1)) + 0.3));
}

function guardrailSentence(g: GuardrailCheck, unit: string | undefined, scale = 1): string {
  const u = unit ? ` ${unit}` : '';
  return `above its ceiling: second-half canary median ${formatNumber(g.value * scale)}${u} > ${formatNumber(g.limit * scale)}${u}`;
}
