// The original design's 0-100 health score, reported beside the verdict. It is a
// summary for humans, not an input to the decision.
import { mean, present } from './stats.js';
import type { MetricSeries } from './types.js';

/**
 * 100 − error_rate·2 − (memory_pct − 70)·0.5 − (latency_p95_ms − 500)·0.01,
 * clamped to [0, 100], over the canary window's means. A term whose metric has
 * no canary data is left out; with none of the three, the score is null.
 */
export function healthScore(metrics: Record<string, MetricSeries>): number | null {
  const canaryMean = (name: string): number | null => {
    const s = metrics[name];
    if (!s) return null;
    const xs = present(s.canary);
    return xs.length ? mean(xs) : null;
  };
  const errorRate = canaryMean('error_rate');
  const memory = canaryMean('memory_pct');
  const latency = canaryMean('latency_p95_ms');
  if (errorRate === null && memory === null && latency === null) return null;
  let score = 100;
  if (errorRate !== null) score -= errorRate * 2;
  if (memory !== null) score -= (memory - 70) * 0.5;
  if (latency !== null) score -= (latency - 500) * 0.01;
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}
