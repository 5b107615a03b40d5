// What the judge knows about the well-known metric names of the scenario format.
// Anything else is a custom KPI: direction `either`, tolerances from its own noise.
import type { Direction } from './types.js';

export interface MetricProfile {
  direction: Direction;
  /** a shift smaller than this fraction of the baseline median is never meaningful */
  relativeTolerance: number;
  /** nor is one smaller than this, in the metric's own unit */
  absoluteTolerance: number;
  /**
   * Values the metric can physically take, inclusive. A sample outside is bad
   * data (a broken exporter or query), not a regression: the metric is not
   * decided on it. Custom KPIs have no known range.
   */
  validRange?: readonly [number, number];
}

// Why these numbers: they are the smallest changes an SRE would act on for a
// typical service, the same role as Kayenta's per-metric effect sizes. They are
// floors only; a noisy or drifting baseline raises the tolerance further.
const WELL_KNOWN: Record<string, MetricProfile> = {
  // percentage points; a percentage of all requests lies in [0, 100]
  error_rate: { direction: 'increase', relativeTolerance: 0.5, absoluteTolerance: 1, validRange: [0, 100] },
  // latencies and usage are never negative (memory and CPU may exceed 100% of a soft limit)
  latency_p95_ms: { direction: 'increase', relativeTolerance: 0.15, absoluteTolerance: 10, validRange: [0, Infinity] },
  latency_p99_ms: { direction: 'increase', relativeTolerance: 0.2, absoluteTolerance: 20, validRange: [0, Infinity] },
  memory_pct: { direction: 'increase', relativeTolerance: 0.1, absoluteTolerance: 5, validRange: [0, Infinity] },
  cpu_pct: { direction: 'increase', relativeTolerance: 0.25, absoluteTolerance: 10, validRange: [0, Infinity] },
  request_rate: { direction: 'decrease', relativeTolerance: 0.2, absoluteTolerance: 0, validRange: [0, Infinity] },
  restarts: { direction: 'increase', relativeTolerance: 0, absoluteTolerance: 1, validRange: [0, Infinity] },
};

// Unknown KPIs: a 1% floor only (a success rate falling from 99.9 to 98.5 matters);
// their own noise and drift set the real tolerance.
const CUSTOM_KPI: MetricProfile = { direction: 'either', relativeTolerance: 0.01, absoluteTolerance: 0 };

export function isWellKnown(name: string): boolean {
  return Object.hasOwn(WELL_KNOWN, name);
}

/** The profile for a metric, with the scenario's explicit direction taking precedence. */
export function profileFor(name: string, direction?: Direction): MetricProfile {
  const base = isWellKnown(name) ? WELL_KNOWN[name]! : CUSTOM_KPI;
  return direction ? { ...base, direction } : base;
}
