// The dashboard's pure view-model functions: rows from Kestra executions,
// filters, summary figures and chart geometry.
import { describe, expect, it } from 'vitest';
import { bucketDecisions, chartSpan, niceTicks, seriesGeometry, stackedBars } from '../../dashboard/lib/chart';
import { ConfigError, kestraUiUrl, loadConfig } from '../../dashboard/lib/config';
import { metricCharts } from '../../dashboard/lib/detail-view';
import { parseDurationMs, safeHttpUrl, toDeploymentRow, toDetailRow, type DeploymentRow } from '../../dashboard/lib/deployment';
import { applyFilters, filtersToQuery, parseFilters, serviceOptions } from '../../dashboard/lib/filters';
import { formatChange, formatDuration, formatPValue, formatTime } from '../../dashboard/lib/format';
import { DecisionFileSchema, ExecutionSchema, FlowOutputsSchema, ScenarioFileSchema } from '../../dashboard/lib/kestra-schema';
import { buildListView } from '../../dashboard/lib/list-view';
import { summarize } from '../../dashboard/lib/summary';

const NOW = Date.parse('2025-06-01T12:00:00Z');

const labels = (l: Record<string, string>) => Object.entries(l).map(([key, value]) => ({ key, value }));
const DECIDED_LABELS = { service: 'payment-service', version: 'v2', deployment_id: 'd-1', decision: 'ROLLBACK', confidence: '0.9', decided_by: 'judge' };

/** An execution as Kestra 2.0 sends it: labels, no outputs. */
function execution(over: Record<string, unknown> = {}) {
  return ExecutionSchema.parse({
    id: 'ex1',
    namespace: 'ai.devops.commander',
    flowId: 'devops-loop',
    state: { current: 'SUCCESS', startDate: '2025-06-01T11:00:00Z', endDate: '2025-06-01T11:00:05.500Z', duration: 'PT5.5S', histories: [] },
    labels: labels(DECIDED_LABELS),
    ...over,
  });
}
/** What /outputs/executions/{id} answers, validated as kestra.ts does. */
const outputs = (o: Record<string, unknown>) => FlowOutputsSchema.parse(o);

function row(over: Partial<DeploymentRow>): DeploymentRow {
  return { ...toDeploymentRow(execution()), ...over };
}

describe('dashboard view model: executions to rows', () => {
  it('a list row reads the decision from the labels and the time to decision from the execution dates', () => {
    const r = toDeploymentRow(execution());
    expect(r).toMatchObject({ service: 'payment-service', version: 'v2', deploymentId: 'd-1', decision: 'ROLLBACK', confidence: 0.9, decidedBy: 'judge', phase: 'decided', durationMs: 5500 });
    // what no label carries stays empty in the list
    expect(r).toMatchObject({ healthScore: null, summary: null, decisionFile: null, prUrl: null });
  });

  it('ignores outputs an execution might still carry (Kestra 1.x): the list is labels only', () => {
    const old = execution({ labels: labels({ service: 'svc' }), outputs: { decision: 'ROLLBACK', confidence: 0.9 } });
    expect('outputs' in old).toBe(false);
    expect(toDeploymentRow(old)).toMatchObject({ service: 'svc', decision: null, confidence: null });
  });

  it('shows undecided executions: labelled by metrics collection only, or not labelled at all', () => {
    const metricsOnly = labels({ service: 'label-svc', version: 'v0', deployment_id: 'd-2' });
    const failed = toDeploymentRow(execution({ labels: metricsOnly, state: { current: 'FAILED', startDate: '2025-06-01T11:00:00Z' } }));
    expect(failed).toMatchObject({ service: 'label-svc', version: 'v0', decision: null, confidence: null, decidedBy: null, phase: 'failed', durationMs: null });
    expect(toDeploymentRow(execution({ labels: metricsOnly, state: { current: 'PAUSED' } })).phase).toBe('awaiting_approval');
    expect(toDeploymentRow(execution({ labels: metricsOnly, state: { current: 'RUNNING' } })).phase).toBe('running');
    expect(toDeploymentRow(execution({ labels: metricsOnly })).phase).toBe('ended_without_decision');
    expect(toDeploymentRow(execution({ labels: null, state: { current: 'RUNNING' } }))).toMatchObject({ service: null, decision: null, phase: 'running' });
  });

  it('tolerates labels of unexpected values field by field', () => {
    const r = toDeploymentRow(execution({ labels: labels({ service: 'svc', decision: 'MAYBE', confidence: 'high', decided_by: '' }) }));
    expect(r).toMatchObject({ service: 'svc', decision: null, confidence: null, decidedBy: null });
    expect(toDeploymentRow(execution({ labels: labels({ confidence: '7' }) })).confidence).toBeNull();
    expect(toDeploymentRow(execution({ labels: labels({ confidence: '0.07' }) })).confidence).toBe(0.07);
    // Kestra's own labels sit next to the flow's
    const system = labels({ 'system.correlationId': 'ex1', app: 'deploy-watchdog', ...DECIDED_LABELS });
    expect(toDeploymentRow(execution({ labels: system })).decision).toBe('ROLLBACK');
  });

  it('a detail row reads the flow outputs first, the labels where an output is missing', () => {
    const full = toDetailRow(
      execution({ labels: labels({ service: 'label-svc', version: 'v0' }) }),
      outputs({ service: 'payment-service', version: 'v2', previous_version: 'v1', decision: 'CONTINUE', confidence: 0.8, decided_by: 'judge+llm', health_score: 40, decision_file: 'kestra:///d.json' }),
    );
    expect(full).toMatchObject({ service: 'payment-service', version: 'v2', previousVersion: 'v1', decision: 'CONTINUE', confidence: 0.8, decidedBy: 'judge+llm', healthScore: 40, decisionFile: 'kestra:///d.json', phase: 'decided' });
    // a failed execution with some outputs absent
    const partial = toDetailRow(execution({ state: { current: 'FAILED', startDate: '2025-06-01T11:00:00Z' } }), outputs({ summary: 'half way' }));
    expect(partial).toMatchObject({ service: 'payment-service', decision: 'ROLLBACK', confidence: 0.9, summary: 'half way', decisionFile: null, phase: 'decided' });
    // no outputs yet (404): as the list row
    expect(toDetailRow(execution(), null)).toEqual(toDeploymentRow(execution()));
    expect(toDetailRow(execution({ state: { current: 'PAUSED' } }), outputs({ rollback_status: 'awaiting_approval' })).phase).toBe('awaiting_approval');
    expect(toDetailRow(execution({ state: { current: 'SUCCESS' } }), outputs({ rollback_status: 'awaiting_approval' })).phase).toBe('awaiting_approval');
  });

  it('tolerates outputs of the wrong type field by field', () => {
    const r = toDetailRow(execution({ labels: labels({ service: 'label-svc' }) }), outputs({ service: 42, decision: 'MAYBE', confidence: 'high', health_score: null, version: 'v3' }));
    expect(r).toMatchObject({ service: 'label-svc', decision: null, confidence: null, healthScore: null, version: 'v3' });
  });

  it('reads numbers the flow outputs as text (health_score is a STRING output)', () => {
    const bare = execution({ labels: [] });
    expect(toDetailRow(bare, outputs({ confidence: '0.75', health_score: '23.6' }))).toMatchObject({ confidence: 0.75, healthScore: 23.6 });
    expect(toDetailRow(bare, outputs({ health_score: '' })).healthScore).toBeNull();
    expect(toDetailRow(bare, outputs({ health_score: 'n/a', confidence: 7 }))).toMatchObject({ healthScore: null, confidence: null });
  });

  it('only keeps http(s) PR links', () => {
    expect(safeHttpUrl('https://github.com/a/b/pull/1')).toBe('https://github.com/a/b/pull/1');
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('')).toBeNull();
    expect(toDetailRow(execution(), outputs({ pr_url: 'javascript:alert(1)' })).prUrl).toBeNull();
  });

  it('parses ISO-8601 durations', () => {
    expect(parseDurationMs('PT5.5S')).toBe(5500);
    expect(parseDurationMs('PT1M2S')).toBe(62_000);
    expect(parseDurationMs('P1DT1H')).toBe(90_000_000);
    expect(parseDurationMs(3)).toBe(3000);
    expect(parseDurationMs('soon')).toBeNull();
    expect(parseDurationMs('PT')).toBeNull();
  });
});

describe('dashboard view model: filters', () => {
  it('parses search params, rejecting unknown values', () => {
    expect(parseFilters({ service: 'payment-service', decision: 'ROLLBACK', range: '24h' })).toEqual({ service: 'payment-service', decision: 'ROLLBACK', range: '24h' });
    expect(parseFilters({ service: '<script>', decision: 'nope', range: 'forever' })).toEqual({ service: null, decision: 'all', range: 'all' });
    expect(parseFilters({ range: 'toString' }).range).toBe('all');
  });

  it('round-trips through the query string', () => {
    const f = parseFilters({ service: 'x', decision: 'pending', range: '7d' });
    expect(parseFilters(Object.fromEntries(new URLSearchParams(filtersToQuery(f))))).toEqual(f);
    expect(filtersToQuery(parseFilters({}))).toBe('');
  });

  it('filters by service, decision and time range', () => {
    const rows = [
      row({ executionId: 'a', service: 's1', decision: 'ROLLBACK', startDate: new Date(NOW - 30 * 60_000).toISOString() }),
      row({ executionId: 'b', service: 's2', decision: 'CONTINUE', startDate: new Date(NOW - 3 * 3_600_000).toISOString() }),
      row({ executionId: 'c', service: 's1', decision: null, phase: 'running', startDate: new Date(NOW - 2 * 86_400_000).toISOString() }),
    ];
    const ids = (f: Record<string, string>) => applyFilters(rows, parseFilters(f), NOW).map((r) => r.executionId);
    expect(ids({})).toEqual(['a', 'b', 'c']);
    expect(ids({ service: 's1' })).toEqual(['a', 'c']);
    expect(ids({ decision: 'CONTINUE' })).toEqual(['b']);
    expect(ids({ decision: 'pending' })).toEqual(['c']);
    expect(ids({ range: '1h' })).toEqual(['a']);
    expect(ids({ range: '24h' })).toEqual(['a', 'b']);
    expect(serviceOptions(rows, ['s0'], 'zz')).toEqual(['s0', 's1', 's2', 'zz']);
  });
});

describe('dashboard view model: summary strip', () => {
  it('counts rollbacks, the rollback rate over decided deployments and the median time to decision', () => {
    const s = summarize([
      row({ decision: 'ROLLBACK', durationMs: 1000 }),
      row({ decision: 'CONTINUE', durationMs: 3000 }),
      row({ decision: 'CONTINUE', durationMs: 8000 }),
      row({ decision: 'CONTINUE', durationMs: null }),
      row({ decision: null, phase: 'running', durationMs: null }),
      row({ decision: null, phase: 'awaiting_approval', durationMs: null }),
      row({ decision: null, phase: 'failed', durationMs: 500 }),
    ]);
    expect(s).toEqual({ deployments: 7, decided: 4, rollbacks: 1, continues: 3, rollbackRate: 0.25, medianDecisionMs: 3000, running: 1, awaitingApproval: 1, failed: 1 });
    expect(summarize([])).toMatchObject({ deployments: 0, rollbackRate: null, medianDecisionMs: null });
  });
});

describe('dashboard view model: chart geometry', () => {
  it('buckets decisions by start time', () => {
    const from = NOW - 4 * 3_600_000;
    const rows = [
      row({ decision: 'ROLLBACK', startDate: new Date(from + 10).toISOString() }),
      row({ decision: 'CONTINUE', startDate: new Date(from + 20).toISOString() }),
      row({ decision: null, startDate: new Date(NOW).toISOString() }),
      row({ decision: 'CONTINUE', startDate: new Date(from - 1).toISOString() }), // outside
    ];
    const buckets = bucketDecisions(rows, from, NOW, 4);
    expect(buckets.map((b) => [b.rollback, b.continue, b.pending])).toEqual([[1, 1, 0], [0, 0, 0], [0, 0, 0], [0, 0, 1]]);
    const { bars, max } = stackedBars(buckets, { width: 100, height: 50, pad: { top: 0, right: 0, bottom: 10, left: 0 } });
    expect(max).toBe(2);
    expect(bars.map((b) => [b.kind, b.height])).toEqual([['continue', 20], ['rollback', 20], ['pending', 20]]);
    expect(bars[1]!.y).toBe(0); // stacked on top of the continue bar
  });

  it('spans the filter range, or the rows with a margin', () => {
    expect(chartSpan([], NOW - 1000, NOW)).toEqual({ from: NOW - 1000, to: NOW });
    const span = chartSpan([row({ startDate: new Date(NOW - 3_600_000).toISOString() })], null, NOW);
    expect(span.from).toBeLessThan(NOW - 3_600_000);
    expect(span.to).toBeGreaterThan(NOW);
  });

  it('places baseline before and canary after the deploy line, with gaps for missing samples', () => {
    const box = { width: 110, height: 60, pad: { top: 0, right: 0, bottom: 10, left: 10 } };
    const g = seriesGeometry({ baseline: [1, 2, null, 4], canary: [5, null, 7, 8, 9], stepSeconds: 60 }, box);
    // t from -240 s to +240 s over 100 px: deploy at x = 10 + 50
    expect(g.deployX).toBe(60);
    expect(g.baselinePath.startsWith('M10 ')).toBe(true);
    expect(g.baselinePath.match(/M/g)).toHaveLength(2);
    expect(g.canaryPath.match(/M/g)).toHaveLength(2);
    expect(g.canaryPath.startsWith('M60 ')).toBe(true);
    expect(g.dots).toEqual([expect.objectContaining({ series: 'baseline', x: 47.5 }), expect.objectContaining({ series: 'canary', x: 60 })]);
    expect(g.yMin).toBe(0);
    expect(g.yMax).toBeGreaterThanOrEqual(9);
    expect(g.hasData).toBe(true);
    expect(seriesGeometry({ baseline: [null], canary: [], stepSeconds: 60 }, box).hasData).toBe(false);
  });

  it('chooses round tick values', () => {
    expect(niceTicks(0, 10, 4)).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
});

describe('dashboard view model: pages', () => {
  it('shows the first-run empty state only when Kestra answered with nothing and no filter is set', () => {
    const empty = { list: { rows: [], total: 0, fetchedAt: new Date(NOW).toISOString() }, problem: null, knownServices: [] };
    expect(buildListView(empty, parseFilters({}), NOW).empty).toBe('first-run');
    expect(buildListView(empty, parseFilters({ decision: 'ROLLBACK' }), NOW).empty).toBe('filtered');
    const down = { list: null, problem: { kind: 'unreachable' as const, message: 'down' }, knownServices: [] };
    expect(buildListView(down, parseFilters({}), NOW)).toMatchObject({ empty: null, stale: false, problem: { kind: 'unreachable' } });
    const stale = { ...empty, list: { rows: [row({})], total: 1, fetchedAt: 'x' }, problem: { kind: 'unauthorized' as const, message: '401' } };
    expect(buildListView(stale, parseFilters({}), NOW)).toMatchObject({ stale: true, empty: null });
  });

  it('orders metric charts as the verdict table, then the remaining metrics', () => {
    const decision = DecisionFileSchema.parse({ decision: 'ROLLBACK', judge: { verdicts: [{ metric: 'b', verdict: 'high' }] } });
    const scenario = ScenarioFileSchema.parse({ step_seconds: 30, metrics: { a: { baseline: [1], canary: [2], unit: '%' }, b: { baseline: [1], canary: [2] } } });
    expect(metricCharts(decision, scenario).map((c) => [c.metric, c.verdict, c.stepSeconds])).toEqual([['b', 'high', 30], ['a', undefined, 30]]);
    expect(metricCharts(decision, null)).toEqual([]);
  });

  it('formats for humans, in UTC', () => {
    expect(formatTime('2025-06-01T11:00:05Z')).toBe('2025-06-01 11:00 UTC');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatChange(0.125)).toBe('+12.5%');
    expect(formatChange(null)).toBe('–');
    expect(formatPValue(0.00001)).toBe('< 0.0001');
  });
});

describe('dashboard configuration', () => {
  it('validates the environment once, with defaults', () => {
    const c = loadConfig({ KESTRA_URL: 'http://kestra:8080/', KESTRA_USERNAME: 'u', KESTRA_PASSWORD: 'p', DASHBOARD_POLL_MS: '' });
    expect(c).toMatchObject({ kestraUrl: 'http://kestra:8080', publicUrl: 'http://kestra:8080', pollMs: 3000, pageSize: 100, tenant: 'main' });
    expect(kestraUiUrl(loadConfig({ KESTRA_URL: 'http://k:8080', KESTRA_PUBLIC_URL: 'https://kestra.example.com' }), 'abc')).toBe(
      'https://kestra.example.com/ui/main/executions/ai.devops.commander/devops-loop/abc',
    );
    expect(() => loadConfig({ KESTRA_URL: 'kestra' })).toThrow(ConfigError);
    expect(() => loadConfig({ DASHBOARD_POLL_MS: '0' })).toThrow(/DASHBOARD_POLL_MS/);
    expect(() => loadConfig({ DASHBOARD_PAGE_SIZE: 'lots' })).toThrow(/DASHBOARD_PAGE_SIZE/);
  });
});
