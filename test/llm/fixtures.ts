// Hand-built inputs for the LLM and decision tests: a JudgeResult, a
// LogAnalysis, a deployment, and metric windows whose verdict is obvious.
import type { JudgeInput, JudgeResult, MetricVerdict } from '../../src/judge/types.js';
import type { LogAnalysis } from '../../src/logs/types.js';
import type { Deployment } from '../../src/scenario/schema.js';

export const DEPLOYMENT: Deployment = {
  deployment_id: 'dep-42',
  service: 'checkout',
  namespace: 'shop',
  version: 'v2.4.0',
  previous_version: 'v2.3.9',
};

export function verdict(overrides: Partial<MetricVerdict> = {}): MetricVerdict {
  return {
    metric: 'error_rate',
    verdict: 'high',
    direction: 'increase',
    unit: '%',
    baseline: { n: 30, missing: 0, median: 1.02, mean: 1.01, min: 0.8, max: 1.2 },
    canary: { n: 15, missing: 0, median: 40.1, mean: 40, min: 38, max: 42 },
    shift: 39.08,
    relative_change: 38.3,
    tolerance: 1,
    p_value: 0.00000123,
    window: 'full',
    trend_adjusted: false,
    severity: 0.99,
    reason: 'error_rate rose from 1.02% to 40.1% (+39.08 pp, tolerance 1, p=1.2e-6)',
    ...overrides,
  };
}

export function judgeResult(overrides: Partial<JudgeResult> = {}): JudgeResult {
  return {
    decision: 'ROLLBACK',
    confidence: 0.97,
    health_score: 31,
    verdicts: [
      verdict(),
      verdict({
        metric: 'latency_p95_ms',
        verdict: 'pass',
        unit: 'ms',
        baseline: { n: 30, missing: 0, median: 120, mean: 121, min: 110, max: 130 },
        canary: { n: 15, missing: 0, median: 122, mean: 122, min: 112, max: 131 },
        shift: 2,
        relative_change: 0.0167,
        tolerance: 18,
        p_value: 0.41,
        severity: 0.1,
        reason: 'latency_p95_ms within tolerance (+2 ms, tolerance 18)',
      }),
    ],
    logs: { verdict: 'pass', new_error_occurrences: 0, new_error_signatures: 0, severity: 0, reason: 'no new error signatures' },
    coverage: { compared: 2, total: 2 },
    explanation: 'ROLLBACK: error_rate rose from 1.02% to 40.1%.',
    ...overrides,
  };
}

export function logAnalysis(canaryExamples: string[] = []): LogAnalysis {
  return {
    baseline_lines: 10,
    canary_lines: canaryExamples.length,
    baseline_error_lines: 0,
    canary_error_lines: canaryExamples.length,
    signatures: canaryExamples.map((example) => ({
      signature: example,
      level: 'error' as const,
      baseline_count: 0,
      canary_count: 1,
      example,
      is_new: true,
    })),
    signatures_dropped: 0,
  };
}

/** `n` values around `center`, deterministic small jitter. */
export function around(center: number, n: number, jitter: number): number[] {
  return Array.from({ length: n }, (_, i) => center + jitter * (((i * 7) % 5) - 2) / 2);
}

/** error_rate ~1% over 30 samples, then ~40% over 15: an obvious ROLLBACK. */
export const BAD_METRICS: JudgeInput['metrics'] = {
  error_rate: { baseline: around(1, 30, 0.2), canary: around(40, 15, 2), unit: '%' },
  latency_p95_ms: { baseline: around(120, 30, 4), canary: around(121, 15, 4), unit: 'ms' },
};

/** the same windows before and after: an obvious CONTINUE. */
export const GOOD_METRICS: JudgeInput['metrics'] = {
  error_rate: { baseline: around(1, 30, 0.2), canary: around(1, 15, 0.2), unit: '%' },
  latency_p95_ms: { baseline: around(120, 30, 4), canary: around(120, 15, 4), unit: 'ms' },
};

/** A well-formed LLM answer. */
export function answerJson(decision: 'ROLLBACK' | 'CONTINUE', confidence = 0.9, cause: string | null = 'bad config'): string {
  return JSON.stringify({
    decision,
    confidence,
    summary: `The model says ${decision}.`,
    reasoning: `Because the model looked at error_rate and decided ${decision}.`,
    suspected_cause: cause,
  });
}
