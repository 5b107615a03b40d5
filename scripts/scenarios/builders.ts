// Building blocks for the scenario generator: a seeded PRNG, a normal sampler,
// and small curve builders that the scenario table (./definitions.ts) composes.
//
// A *curve* is one plain number array covering the whole timeline of one
// scenario: the baseline samples first, then the canary samples. Index
// `baseline` is the first sample after the deployment. `NaN` marks a missing
// sample and becomes `null` in the JSON. Builders take times `t` relative to
// the deployment: t = -baseline … -1 is the baseline window, t = 0 … canary-1
// is the canary window.
//
// Nothing in here knows about any decision algorithm: the curves are built
// from how the scenario is described, and `expected` follows from that.
import type { z } from 'zod';
import type { MetricSeriesSchema } from '../../src/scenario/schema.js';
import { hashString, mulberry32 as sharedMulberry32 } from '../../src/util/random.js';

export type Rng = () => number;
export type Curve = number[];
export type MetricSeries = z.input<typeof MetricSeriesSchema>;
export type Direction = 'increase' | 'decrease' | 'either';

/** mulberry32 (src/util/random.ts): a tiny 32-bit seeded PRNG, uniform in [0, 1). Good enough for mock data. */
export const mulberry32: (seed: number) => Rng = sharedMulberry32;

/** FNV-1a, 32 bit (src/util/random.ts): turns a scenario id into a seed so each scenario has its own stream. */
export { hashString };

/** Standard normal samples by the Box–Muller transform (the spare value is kept for the next call). */
export function normalSampler(rng: Rng): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u1 = 1 - rng(); // (0, 1]: log(0) is never taken
    const u2 = rng();
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  };
}

/** Rounds to at most 4 significant digits and at most 3 decimals, so files stay small. */
export function tidy(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  const v = Number(Number(x.toPrecision(4)).toFixed(3));
  return Object.is(v, -0) ? 0 : v;
}

/** Element-wise sum of curves (and constants). */
export function sum(...parts: Array<Curve | number>): Curve {
  const len = Math.max(...parts.map((p) => (typeof p === 'number' ? 0 : p.length)));
  return Array.from({ length: len }, (_, i) =>
    parts.reduce<number>((acc, p) => acc + (typeof p === 'number' ? p : (p[i] ?? 0)), 0),
  );
}

/** Element-wise product of a curve with a constant or another curve. */
export function times(c: Curve, k: number | Curve): Curve {
  return c.map((v, i) => v * (typeof k === 'number' ? k : (k[i] ?? 1)));
}

/** Applies `f(value, t)` to every sample (t relative to the deployment). */
export function mapCurve(c: Curve, baseline: number, f: (v: number, t: number) => number): Curve {
  return c.map((v, i) => f(v, i - baseline));
}

export interface MetricOptions {
  unit?: string;
  direction?: Direction;
  /** clamp (default 0: no negative rates, latencies or percentages) */
  min?: number;
  max?: number;
  /** round to whole numbers (counts) */
  integer?: boolean;
  /** emit only one window; the other one is an empty array */
  window?: 'both' | 'baseline-only' | 'canary-only';
}

export const PCT: MetricOptions = { unit: '%', min: 0, max: 100 };
export const MS: MetricOptions = { unit: 'ms' };
export const RPS: MetricOptions = { unit: 'req/s' };
export const COUNT: MetricOptions = { integer: true };

/**
 * The generator for one scenario: window sizes plus the scenario's own random
 * stream. Every builder returns a full-timeline curve.
 */
export class Gen {
  readonly gauss: () => number;

  constructor(
    readonly baseline: number,
    readonly canary: number,
    readonly rng: Rng,
  ) {
    this.gauss = normalSampler(rng);
  }

  get length(): number {
    return this.baseline + this.canary;
  }

  /** A curve from `f(t)`, t relative to the deployment, evaluated oldest first. */
  curve(f: (t: number) => number): Curve {
    return Array.from({ length: this.length }, (_, i) => f(i - this.baseline));
  }

  /** White Gaussian noise with standard deviation `sd`. */
  noise(sd: number): Curve {
    return this.curve(() => sd * this.gauss());
  }

  /** A stable level plus white noise: the same distribution before and after. */
  flat(level: number, sd = 0): Curve {
    return this.curve(() => level + sd * this.gauss());
  }

  /**
   * A level shift at the deployment: `before` in the baseline, `after` in the
   * canary, with white noise `sd` (`sdAfter` in the canary, default the same).
   */
  step(before: number, after: number, sd = 0, sdAfter = sd): Curve {
    return this.curve((t) => (t < 0 ? before + sd * this.gauss() : after + sdAfter * this.gauss()));
  }

  /**
   * A canary-only linear change: `from` until canary sample `start`, then a
   * straight line reaching `to` at canary sample `end` (default: the last one),
   * and `to` after that. The baseline stays at `from`.
   */
  ramp(from: number, to: number, start = 0, end = this.canary - 1): Curve {
    return this.curve((t) => {
      if (t < start) return from;
      if (t >= end) return to;
      return from + ((to - from) * (t - start)) / Math.max(1, end - start);
    });
  }

  /** A straight line across the whole timeline, first baseline sample to last canary sample. */
  trend(from: number, to: number): Curve {
    const n = Math.max(1, this.length - 1);
    return this.curve((t) => from + ((to - from) * (t + this.baseline)) / n);
  }

  /**
   * A daily cycle around zero: `amplitude * sin(2π (t + phase) / period)`,
   * period and phase in samples. Continues smoothly across the deployment.
   */
  diurnal(amplitude: number, periodSamples: number, phaseSamples = 0): Curve {
    return this.curve((t) => amplitude * Math.sin((2 * Math.PI * (t + phaseSamples)) / periodSamples));
  }

  /**
   * Zero-mean AR(1) noise, x[t] = phi x[t-1] + e[t], scaled so its stationary
   * standard deviation is `sd`. High phi (0.9–0.98) gives a slow wander that
   * looks like a trend over a short window but has nothing to do with a deploy.
   */
  ar1(sd: number, phi = 0.9): Curve {
    const innovation = sd * Math.sqrt(1 - phi * phi);
    let x = sd * this.gauss(); // start from the stationary distribution
    return this.curve(() => {
      const v = x;
      x = phi * x + innovation * this.gauss();
      return v;
    });
  }

  /** Zero everywhere except `height` at time `at` (and the `width - 1` samples after it). */
  spike(at: number, height: number, width = 1): Curve {
    return this.curve((t) => (t >= at && t < at + width ? height : 0));
  }

  /** A saw tooth between `low` and `high` (e.g. a garbage-collected heap), period in samples. */
  sawtooth(low: number, high: number, periodSamples: number, phaseSamples = 0): Curve {
    return this.curve((t) => {
      const pos = (((t + phaseSamples) % periodSamples) + periodSamples) % periodSamples;
      return low + ((high - low) * pos) / periodSamples;
    });
  }

  /** 1 with probability `p` per sample in the times accepted by `when` (default: all), else 0. */
  bernoulli(p: number, when: (t: number) => boolean = () => true): Curve {
    return this.curve((t) => (when(t) && this.rng() < p ? 1 : 0));
  }

  /** A Poisson-distributed count (Knuth's method; fine for small lambda). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.rng();
    while (p > limit) {
      k++;
      p *= this.rng();
    }
    return k;
  }

  /** Marks samples missing with probability `p`, optionally only where `when(t)` holds. */
  withNulls(c: Curve, p: number, when: (t: number) => boolean = () => true): Curve {
    return c.map((v, i) => (when(i - this.baseline) && this.rng() < p ? Number.NaN : v));
  }

  /** Marks the samples at the given times missing (e.g. a scrape gap). */
  gap(c: Curve, from: number, count: number): Curve {
    return mapCurve(c, this.baseline, (v, t) => (t >= from && t < from + count ? Number.NaN : v));
  }

  /** Turns a curve into the `{ baseline, canary }` series of the scenario format. */
  metric(c: Curve, opts: MetricOptions = {}): MetricSeries {
    const min = opts.min ?? 0;
    const max = opts.max ?? Number.POSITIVE_INFINITY;
    const out = c.map((v): number | null => {
      if (Number.isNaN(v)) return null;
      const clamped = Math.min(max, Math.max(min, v));
      return opts.integer ? Math.round(clamped) : tidy(clamped);
    });
    const window = opts.window ?? 'both';
    const series: MetricSeries = {
      baseline: window === 'canary-only' ? [] : out.slice(0, this.baseline),
      canary: window === 'baseline-only' ? [] : out.slice(this.baseline),
    };
    if (opts.direction) series.direction = opts.direction;
    if (opts.unit) series.unit = opts.unit;
    return series;
  }

  /** Shorthands for the well-known metrics. */
  pct(c: Curve, extra: MetricOptions = {}): MetricSeries {
    return this.metric(c, { ...PCT, ...extra });
  }
  ms(c: Curve, extra: MetricOptions = {}): MetricSeries {
    return this.metric(c, { ...MS, ...extra });
  }
  rps(c: Curve, extra: MetricOptions = {}): MetricSeries {
    return this.metric(c, { ...RPS, ...extra });
  }
  count(c: Curve, extra: MetricOptions = {}): MetricSeries {
    return this.metric(c, { ...COUNT, ...extra });
  }
}

// ---------------------------------------------------------------------------
// Logs

export type Level = 'INFO' | 'WARN' | 'ERROR';
export type Window = 'baseline' | 'canary';

export interface LogEntry {
  window: Window;
  ms: number;
  text: string;
}

/** Random helpers handed to log message templates. */
export interface Pick {
  int(lo: number, hi: number): number;
  hex(len: number): string;
  pick<T>(items: readonly T[]): T;
  float(lo: number, hi: number, decimals?: number): string;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Log lines with timestamps inside the right window. */
export class LogGen {
  readonly r: Pick;

  constructor(
    readonly deployMs: number,
    readonly stepSeconds: number,
    readonly baseline: number,
    readonly canary: number,
    readonly rng: Rng,
  ) {
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    this.r = {
      int,
      hex: (len) => Array.from({ length: len }, () => '0123456789abcdef'[int(0, 15)]).join(''),
      pick: (items) => {
        const item = items[int(0, items.length - 1)];
        if (item === undefined) throw new Error('pick from an empty list');
        return item;
      },
      float: (lo, hi, decimals = 1) => (lo + rng() * (hi - lo)).toFixed(decimals),
    };
  }

  /** Milliseconds of time `t` (in samples, relative to the deployment; may be fractional). */
  time(t: number): number {
    return this.deployMs + Math.round(t * this.stepSeconds) * 1000;
  }

  /** One line at sample `t` (negative: baseline) plus a few random seconds. */
  at(t: number, level: Level, message: string | ((r: Pick) => string)): LogEntry {
    const ms = this.time(t + this.rng() * 0.9);
    const text = typeof message === 'string' ? message : message(this.r);
    return { window: t < 0 ? 'baseline' : 'canary', ms, text: `${isoSeconds(ms)} ${level} ${text}` };
  }

  /**
   * `count` lines at random times in a window; `range` narrows it to a
   * fraction of the window ([0.75, 1] = its last quarter).
   */
  spread(
    window: Window,
    count: number,
    level: Level,
    message: (r: Pick) => string,
    range: [number, number] = [0, 1],
  ): LogEntry[] {
    const [lo, hi] = range;
    const len = window === 'baseline' ? this.baseline : this.canary;
    const start = window === 'baseline' ? -this.baseline : 0;
    return Array.from({ length: count }, () => {
      const t = start + len * (lo + this.rng() * (hi - lo));
      return this.at(Math.min(Math.floor(t), start + len - 1), level, message);
    });
  }
}
