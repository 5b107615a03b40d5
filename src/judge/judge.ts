// The algorithmic judge: every metric compared on its own (compare-metric.ts),
// then one decision. Pure and synchronous; it works with or without the LLM.
//
// Decision: ROLLBACK when any metric regressed (significant and beyond its
// tolerance, or above a configured ceiling), as a Kayenta analysis with every
// metric critical would. Otherwise CONTINUE.
// Confidence, in [0, 1]:
//   ROLLBACK: noisy-OR of the failing metrics' severities (several independent
//             regressions are more certain than one), raised by new log errors;
//   CONTINUE: 1 − the largest severity among the metrics that passed (how close
//             the nearest one came), scaled down by missing metrics, short
//             windows and new log errors. No comparable data at all gives a
//             CONTINUE of at most 0.2 that says so.
import { compareMetric } from './compare-metric.js';
import { formatNumber } from './format.js';
import { healthScore } from './health-score.js';
import { logEvidence } from './log-evidence.js';
import { mean, median, present } from './stats.js';
import { DEFAULT_THRESHOLDS } from './thresholds.js';
import type { JudgeInput, JudgeResult, JudgeThresholds, LogEvidence, MetricVerdict } from './types.js';

export { DEFAULT_THRESHOLDS };

/** With no comparable metric at all, a CONTINUE can be no more certain than this. */
const NO_DATA_CONFIDENCE = 0.2;
/** A CONTINUE with physically impossible samples in some metric can be no more certain than this. */
const BAD_DATA_CONFIDENCE = 0.2;
/** Nothing a statistic says is certain. */
const MAX_CONFIDENCE = 0.99;
/** Samples per window at which a comparison counts as fully informative. */
const FULL_WINDOW = 10;

export interface JudgeOptions {
  /** use the samples' order (trend, autocorrelation, drift); default true. See compare-metric.ts. */
  temporal?: boolean;
}

export function judge(
  input: JudgeInput,
  thresholds: JudgeThresholds = DEFAULT_THRESHOLDS,
  options: JudgeOptions = {},
): JudgeResult {
  const names = Object.keys(input.metrics);
  const comparable = names.filter((name) => {
    const s = input.metrics[name]!;
    return present(s.baseline).length >= thresholds.min_samples && present(s.canary).length >= thresholds.min_samples;
  });
  const lowTraffic = errorRateLacksEvidence(input, thresholds.min_error_events);

  const verdicts: MetricVerdict[] = names.map((name) =>
    compareMetric(name, input.metrics[name]!, {
      alpha: thresholds.alpha,
      noiseSigmas: thresholds.noise_sigmas,
      minSamples: thresholds.min_samples,
      metricsTested: comparable.length,
      stepSeconds: input.step_seconds,
      minExcursionSeconds: thresholds.min_excursion_seconds,
      ...(options.temporal === false ? { temporal: false } : {}),
      ...(thresholds.guardrails[name] !== undefined ? { guardrail: thresholds.guardrails[name] } : {}),
      ...(name === 'error_rate' && lowTraffic ? { insufficientEvidence: lowTraffic } : {}),
    }),
  );
  const logs = logEvidence(input.logs, thresholds.log_new_errors_min);
  const failing = verdicts.filter((v) => v.verdict === 'high' || v.verdict === 'low');
  const compared = verdicts.filter((v) => v.verdict !== 'nodata');
  const coverage = { compared: compared.length, total: names.length };
  const health_score = healthScore(input.metrics);

  if (failing.length > 0) {
    let doubt = failing.reduce((d, v) => d * (1 - v.severity), 1);
    if (logs.verdict === 'high') doubt *= 1 - 0.5 * logs.severity;
    const confidence = round(Math.min(MAX_CONFIDENCE, Math.max(0.5, 1 - doubt)));
    return {
      decision: 'ROLLBACK',
      confidence,
      health_score,
      verdicts,
      logs,
      coverage,
      explanation: explainRollback(failing, logs, verdicts),
    };
  }

  const nearest = compared.reduce((m, v) => Math.max(m, v.severity), 0);
  const coverageFactor = names.length ? 0.4 + (0.6 * compared.length) / names.length : 0;
  const sufficiency = compared.length
    ? mean(compared.map((v) => Math.min(1, Math.sqrt(Math.min(v.baseline.n, v.canary.n) / FULL_WINDOW))))
    : 0;
  let confidence = (1 - nearest) * coverageFactor * (0.5 + 0.5 * sufficiency);
  if (logs.verdict === 'high') confidence *= 1 - 0.5 * logs.severity;
  if (compared.length === 0) confidence = Math.min(confidence, NO_DATA_CONFIDENCE);
  if (verdicts.some((v) => v.bad_data)) confidence = Math.min(confidence, BAD_DATA_CONFIDENCE);
  confidence = round(Math.min(MAX_CONFIDENCE, confidence));
  return {
    decision: 'CONTINUE',
    confidence,
    health_score,
    verdicts,
    logs,
    coverage,
    explanation: explainContinue(verdicts, logs, confidence, thresholds.low_confidence),
  };
}

/**
 * Tiny traffic makes error_rate meaningless: one failed request out of three is
 * 33%. When request_rate is known, error_rate may only fail once the canary saw
 * at least `minEvents` failed requests. Returns the reason when it did not.
 */
function errorRateLacksEvidence(input: JudgeInput, minEvents: number): string | undefined {
  const errors = input.metrics.error_rate;
  const rate = input.metrics.request_rate;
  if (!errors || !rate) return undefined;
  const errorPct = present(errors.canary);
  const rps = present(rate.canary);
  if (errorPct.length === 0 || rps.length === 0) return undefined;
  const failed = (mean(errorPct) / 100) * median(rps) * errorPct.length * input.step_seconds;
  if (failed >= minEvents) return undefined;
  return `only ~${formatNumber(failed)} failed requests in the canary window at ${formatNumber(median(rps))} requests/s (fewer than ${minEvents})`;
}

function explainRollback(failing: MetricVerdict[], logs: LogEvidence, verdicts: MetricVerdict[]): string {
  const worst = [...failing].sort((a, b) => b.severity - a.severity);
  const shown = worst.slice(0, 3).map((v) => `${v.metric} ${v.verdict === 'low' ? 'too low' : 'too high'}: ${v.reason}`);
  const more = worst.length > 3 ? ` (and ${worst.length - 3} more metric(s))` : '';
  const logNote = logs.verdict === 'high' ? ` Logs: ${logs.reason}.` : '';
  const bad = badDataNote(verdicts);
  return `ROLLBACK because ${failing.length} metric(s) regressed. ${shown.join('. ')}${more}.${logNote}${bad ? ` ${bad}` : ''}`;
}

function explainContinue(verdicts: MetricVerdict[], logs: LogEvidence, confidence: number, low: number): string {
  const compared = verdicts.filter((v) => v.verdict !== 'nodata');
  const missing = verdicts.filter((v) => v.verdict === 'nodata').map((v) => v.metric);
  const parts: string[] = [];
  if (compared.length === 0) {
    parts.push(
      verdicts.length === 0
        ? 'CONTINUE with low confidence: no metrics at all, so nothing shows a regression — and nothing shows health either.'
        : `CONTINUE with low confidence: too little data to compare any metric (${missing.join(', ')}).`,
    );
  } else {
    const nearest = [...compared].sort((a, b) => b.severity - a.severity)[0]!;
    parts.push(
      `CONTINUE: ${compared.length} of ${verdicts.length} metric(s) compared, none regressed beyond its tolerance; closest: ${nearest.metric} (${nearest.reason}).`,
    );
    if (missing.length) parts.push(`No data for ${missing.join(', ')}.`);
    if (confidence < low) parts.push('Confidence is low: treat this as "no evidence of harm", not as "healthy".');
  }
  if (logs.verdict === 'high') parts.push(`But the logs show trouble: ${logs.reason}.`);
  const bad = badDataNote(verdicts);
  if (bad) parts.push(bad);
  return parts.join(' ');
}

/** The metrics left undecided because of physically impossible samples, or '' when none. */
function badDataNote(verdicts: MetricVerdict[]): string {
  const bad = verdicts.filter((v) => v.bad_data);
  if (bad.length === 0) return '';
  return `Bad data, not decided: ${bad.map((v) => `${v.metric} (${v.reason})`).join('; ')}.`;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
