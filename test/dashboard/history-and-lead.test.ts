// A service's history figures, and the one short summary a deployment page leads with.
import { describe, expect, it } from 'vitest';
import { toDeploymentRow } from '../../dashboard/lib/deployment';
import { judgeHeadline, leadSummary } from '../../dashboard/lib/headline';
import { DecisionFileSchema, ExecutionSchema } from '../../dashboard/lib/kestra-schema';
import { serviceHistory } from '../../dashboard/lib/service-history';

const row = (id: string, service: string, decision: string, seconds: number) =>
  toDeploymentRow(
    ExecutionSchema.parse({
      id,
      state: { current: 'SUCCESS', startDate: '2025-06-01T11:00:00Z', endDate: new Date(Date.parse('2025-06-01T11:00:00Z') + seconds * 1000).toISOString() },
      labels: [{ key: 'service', value: service }, { key: 'decision', value: decision }],
    }),
  );

describe("a service's history", () => {
  it('counts its deployments, rollback rate, median time to decision and the metrics that failed most', () => {
    const rows = [row('a', 'orders', 'ROLLBACK', 4), row('b', 'orders', 'CONTINUE', 6), row('c', 'orders', 'ROLLBACK', 10), row('x', 'other', 'ROLLBACK', 1)];
    const digests = new Map([
      ['a', { failing: ['error_rate', 'p95_latency_ms'], compared: ['error_rate', 'p95_latency_ms', 'cpu'] }],
      ['b', { failing: [], compared: ['error_rate', 'p95_latency_ms', 'cpu'] }],
      ['c', { failing: ['error_rate'], compared: ['error_rate', 'cpu'] }],
      ['x', { failing: ['cpu'], compared: ['cpu'] }],
    ]);
    const h = serviceHistory('orders', rows, digests);
    expect(h.rows.map((r) => r.executionId)).toEqual(['a', 'b', 'c']);
    expect(h.summary).toMatchObject({ deployments: 3, rollbacks: 2, medianDecisionMs: 6000 });
    expect(h.summary.rollbackRate).toBeCloseTo(2 / 3);
    expect(h.failingMetrics).toEqual([
      { metric: 'error_rate', failures: 2, compared: 3 },
      { metric: 'p95_latency_ms', failures: 1, compared: 2 },
    ]);
    expect(h.decisionsRead).toBe(3);
  });
});

describe('the deployment page says it once', () => {
  const verdict = (metric: string, v: string, change: number, severity: number) => ({ metric, verdict: v, relative_change: change, severity, reason: `${metric} reason` });
  it("leads with the judge's one-line headline when the LLM did not answer", () => {
    const d = DecisionFileSchema.parse({
      decision: 'ROLLBACK',
      confidence: 0.95,
      summary: 'ROLLBACK because 2 metric(s) regressed. a very long explanation…',
      judge: { verdicts: [verdict('error_rate', 'high', 17, 9), verdict('cpu', 'pass', 0.01, 0), verdict('memory_pct', 'high', 0.45, 5)], explanation: 'long', logs: { verdict: 'high', reason: 'r' } },
      llm: { status: 'disabled' },
    });
    expect(leadSummary(d, { summary: null })).toEqual({ source: 'judge', text: 'ROLLBACK: 2 of 3 metrics regressed — error_rate too high (+1700%), memory_pct too high (+45.0%); new errors in the logs.' });
    const c = DecisionFileSchema.parse({ decision: 'CONTINUE', confidence: 0.3, judge: { verdicts: [verdict('cpu', 'pass', 0, 0)] } });
    expect(judgeHeadline(c)).toBe('CONTINUE: none of the 1 metrics compared regressed beyond its tolerance (low confidence).');
  });

  it("leads with the LLM's summary when it answered, and says so when there is no decision yet", () => {
    const d = DecisionFileSchema.parse({ decision: 'ROLLBACK', summary: 'The new version leaks memory.', llm: { status: 'answered', model: 'm' } });
    expect(leadSummary(d, { summary: null })).toEqual({ source: 'llm', text: 'The new version leaks memory.' });
    expect(leadSummary(null, { summary: null })).toEqual({ source: 'none', text: 'No decision yet.' });
  });
});
