// Geometry for the SVG charts. Pure: data in, coordinates and path strings out.
import type { DeploymentRow } from './deployment';

export interface Box {
  width: number;
  height: number;
  /** inner padding: left for the y axis labels, bottom for the x axis labels */
  pad: { top: number; right: number; bottom: number; left: number };
}

const round = (n: number) => Math.round(n * 10) / 10;

// ---- decisions over time ---------------------------------------------------

export interface DecisionBucket {
  start: number;
  end: number;
  rollback: number;
  continue: number;
  /** running, paused, failed: no decision (yet) */
  pending: number;
}

/** Splits [from, to] into `count` equal buckets and counts each row's decision by start date. */
export function bucketDecisions(rows: readonly DeploymentRow[], from: number, to: number, count: number): DecisionBucket[] {
  const n = Math.max(1, Math.floor(count));
  const span = Math.max(1, to - from);
  const buckets: DecisionBucket[] = Array.from({ length: n }, (_, i) => ({
    start: from + (span * i) / n,
    end: from + (span * (i + 1)) / n,
    rollback: 0,
    continue: 0,
    pending: 0,
  }));
  for (const row of rows) {
    if (!row.startDate) continue;
    const t = Date.parse(row.startDate);
    if (t < from || t > to) continue;
    const bucket = buckets[Math.min(n - 1, Math.floor(((t - from) / span) * n))]!;
    if (row.decision === 'ROLLBACK') bucket.rollback++;
    else if (row.decision === 'CONTINUE') bucket.continue++;
    else bucket.pending++;
  }
  return buckets;
}

/** The time span a chart of these rows covers: the filter's start (or the oldest row) to now. */
export function chartSpan(rows: readonly DeploymentRow[], rangeFrom: number | null, now: number): { from: number; to: number } {
  if (rangeFrom !== null) return { from: rangeFrom, to: now };
  const times = rows.map((r) => (r.startDate ? Date.parse(r.startDate) : NaN)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return { from: now - 3_600_000, to: now };
  const oldest = Math.min(...times);
  const newest = Math.max(now, ...times);
  // a little room on both sides so the oldest and newest bars are not cut
  const margin = Math.max(60_000, (newest - oldest) * 0.02);
  return { from: oldest - margin, to: newest + margin };
}

export interface BarRect {
  x: number;
  y: number;
  width: number;
  height: number;
  kind: 'rollback' | 'continue' | 'pending';
  count: number;
  bucket: DecisionBucket;
}

/** Stacked bars (continue at the bottom, then rollback, then pending). */
export function stackedBars(buckets: readonly DecisionBucket[], box: Box): { bars: BarRect[]; max: number } {
  const innerW = box.width - box.pad.left - box.pad.right;
  const innerH = box.height - box.pad.top - box.pad.bottom;
  const max = Math.max(1, ...buckets.map((b) => b.rollback + b.continue + b.pending));
  const slot = innerW / Math.max(1, buckets.length);
  const barW = Math.max(1, slot * 0.8);
  const bars: BarRect[] = [];
  buckets.forEach((bucket, i) => {
    let base = box.pad.top + innerH;
    for (const kind of ['continue', 'rollback', 'pending'] as const) {
      const count = bucket[kind];
      if (count === 0) continue;
      const h = (count / max) * innerH;
      base -= h;
      bars.push({ x: round(box.pad.left + i * slot + (slot - barW) / 2), y: round(base), width: round(barW), height: round(h), kind, count, bucket });
    }
  });
  return { bars, max };
}

// ---- one metric's baseline and canary series --------------------------------

export interface SeriesInput {
  baseline: ReadonlyArray<number | null>;
  canary: ReadonlyArray<number | null>;
  stepSeconds: number;
}

export interface SeriesGeometry {
  baselinePath: string;
  canaryPath: string;
  /** x of the deploy moment (t = 0: the first canary sample) */
  deployX: number;
  yMin: number;
  yMax: number;
  yTicks: Array<{ y: number; value: number }>;
  /** x axis ticks in minutes relative to the deploy */
  xTicks: Array<{ x: number; minutes: number }>;
  /** single isolated samples (between two gaps) are drawn as dots */
  dots: Array<{ x: number; y: number; series: 'baseline' | 'canary' }>;
  hasData: boolean;
}

/** Nice round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, target = 4): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const raw = (max - min) / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function seriesGeometry(input: SeriesInput, box: Box): SeriesGeometry {
  const step = input.stepSeconds > 0 ? input.stepSeconds : 60;
  const nb = input.baseline.length;
  const nc = input.canary.length;
  // baseline sample i is at t = -(nb - i) * step, canary sample j at t = j * step
  const tMin = -nb * step;
  const tMax = Math.max(step, (nc - 1) * step);
  const values = [...input.baseline, ...input.canary].filter((v): v is number => v !== null && Number.isFinite(v));
  const hasData = values.length > 0;
  let lo = hasData ? Math.min(...values) : 0;
  let hi = hasData ? Math.max(...values) : 1;
  if (lo === hi) {
    const d = Math.abs(lo) * 0.1 || 1;
    lo -= d;
    hi += d;
  }
  if (lo > 0 && lo < (hi - lo) * 0.5) lo = 0; // start at zero when it is close anyway
  const ticks = niceTicks(lo, hi);
  const yMin = Math.min(lo, ticks[0] ?? lo);
  const yMax = Math.max(hi, ticks[ticks.length - 1] ?? hi);
  const innerW = box.width - box.pad.left - box.pad.right;
  const innerH = box.height - box.pad.top - box.pad.bottom;
  const x = (t: number) => round(box.pad.left + ((t - tMin) / (tMax - tMin || 1)) * innerW);
  const y = (v: number) => round(box.pad.top + innerH - ((v - yMin) / (yMax - yMin || 1)) * innerH);

  const dots: SeriesGeometry['dots'] = [];
  const path = (samples: ReadonlyArray<number | null>, t0: number, series: 'baseline' | 'canary') => {
    let d = '';
    let pen = false;
    samples.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        pen = false;
        return;
      }
      const px = x(t0 + i * step);
      const py = y(v);
      d += `${pen ? 'L' : 'M'}${px} ${py} `;
      const prev = samples[i - 1];
      const next = samples[i + 1];
      if ((prev === null || prev === undefined) && (next === null || next === undefined)) dots.push({ x: px, y: py, series });
      pen = true;
    });
    return d.trim();
  };

  const minutesSpan = (tMax - tMin) / 60;
  const minuteStep = niceTicks(0, minutesSpan, 6)[1] ?? 1;
  const xTicks: SeriesGeometry['xTicks'] = [];
  for (let m = Math.ceil(tMin / 60 / minuteStep) * minuteStep; m * 60 <= tMax; m += minuteStep) {
    xTicks.push({ x: x(m * 60), minutes: Number(m.toPrecision(10)) });
  }

  return {
    baselinePath: path(input.baseline, tMin, 'baseline'),
    canaryPath: path(input.canary, 0, 'canary'),
    deployX: x(0),
    yMin,
    yMax,
    yTicks: ticks.map((value) => ({ value, y: y(value) })),
    xTicks,
    dots,
    hasData,
  };
}
