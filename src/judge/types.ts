// Types shared by the judge, the LLM path and everything that reports a decision.
// The judge is pure: these are plain data, safe to serialise as they are.
import type { LogAnalysis } from '../logs/types.js';

export type Direction = 'increase' | 'decrease' | 'either';
export type Decision = 'ROLLBACK' | 'CONTINUE';

/**
 * pass   - no meaningful change in the bad direction
 * high   - canary is meaningfully above baseline (or above a guard-rail) and that is bad
 * low    - canary is meaningfully below baseline and that is bad
 * nodata - too few samples to compare (no data is information, not a pass)
 */
export type VerdictKind = 'pass' | 'high' | 'low' | 'nodata';

export interface WindowStats {
  /** samples present (nulls excluded) */
  n: number;
  /** null samples */
  missing: number;
  median: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

export interface GuardrailCheck {
  /** the ceiling from config */
  limit: number;
  /** the canary value compared with it (median of the canary's second half) */
  value: number;
  breached: boolean;
}

export interface MetricVerdict {
  metric: string;
  verdict: VerdictKind;
  direction: Direction;
  unit?: string;
  baseline: WindowStats;
  canary: WindowStats;
  /** Hodges-Lehmann estimate of canary minus baseline (after trend adjustment when used) */
  shift: number | null;
  /** shift relative to the baseline median, when that median is not ~0 */
  relative_change: number | null;
  /** the smallest shift that counts as meaningful for this metric */
  tolerance: number | null;
  /** Mann-Whitney U p-value for the tested direction, Bonferroni-adjusted across windows and metrics */
  p_value: number | null;
  /** which canary window gave the strongest evidence */
  window: 'full' | 'late' | null;
  /** true when a significant baseline trend was extrapolated into the canary window */
  trend_adjusted: boolean;
  guardrail?: GuardrailCheck;
  /** probability-like strength of the evidence that this metric regressed, in [0, 1] */
  severity: number;
  /** one sentence with the numbers that led to the verdict */
  reason: string;
  /** true when the metric was not decided because its samples are physically impossible */
  bad_data?: boolean;
  /** the detector whose evidence decided a failing verdict (null when none fired) */
  detector?: DetectorName | null;
  /** every statistical detector run on this metric, with its adjusted p-value */
  detectors?: DetectorOutcome[];
}

/** The tests a metric is judged by; `guardrail` is a configured ceiling. */
export type DetectorName = 'median-shift' | 'excursion' | 'jump' | 'guardrail';

export interface DetectorOutcome {
  detector: DetectorName;
  /** family-wise adjusted p-value */
  p_value: number;
  fired: boolean;
}

export interface LogEvidence {
  verdict: 'pass' | 'high' | 'nodata';
  /** occurrences of error-level signatures that never appear in the baseline window */
  new_error_occurrences: number;
  new_error_signatures: number;
  severity: number;
  reason: string;
}

export interface JudgeResult {
  decision: Decision;
  confidence: number;
  /** the original design's 0-100 score, null when none of its inputs has canary data */
  health_score: number | null;
  verdicts: MetricVerdict[];
  logs: LogEvidence;
  /** metrics that could be compared / metrics present in the input */
  coverage: { compared: number; total: number };
  /** a short human explanation of the decision, naming the metrics that led to it */
  explanation: string;
}

/** Everything the judge reads. It never sees `expected`. */
export interface JudgeInput {
  step_seconds: number;
  metrics: Record<string, MetricSeries>;
  logs?: LogAnalysis;
}

export interface MetricSeries {
  baseline: Array<number | null>;
  canary: Array<number | null>;
  direction?: Direction;
  unit?: string;
}

export interface JudgeThresholds {
  /** family-wise significance level across all metrics */
  alpha: number;
  /** canary shift must exceed this many baseline robust standard deviations */
  noise_sigmas: number;
  /** fewest non-null samples per window for a statistical comparison */
  min_samples: number;
  /** absolute ceilings on the canary (second half median): exceeding one fails the metric with or without a baseline */
  guardrails: Record<string, number>;
  /** fewest failed requests in the canary before error_rate can fail (when request_rate is known) */
  min_error_events: number;
  /** occurrences of new error-level log signatures in the canary that count as evidence */
  log_new_errors_min: number;
  /** confidence below which a CONTINUE is reported as low-confidence */
  low_confidence: number;
  /** canary samples beyond the baseline's noise must cover this many seconds to count as an excursion */
  min_excursion_seconds: number;
}
