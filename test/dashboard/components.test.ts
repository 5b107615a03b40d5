// The dashboard's presentational components, rendered to static HTML
// (react-dom/server): badges, banner, empty state, the list and the deployment
// page, and that untrusted text from logs and the LLM is escaped.
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ActionsPanel } from '../../dashboard/components/ActionsPanel';
import { DecisionBadge } from '../../dashboard/components/DecisionBadge';
import { DeploymentDetailView } from '../../dashboard/components/DeploymentDetailView';
import { DeploymentsView } from '../../dashboard/components/DeploymentsView';
import { MetricChart } from '../../dashboard/components/MetricChart';
import { StatusBanner } from '../../dashboard/components/StatusBanner';
import { toDeploymentRow, toDetailRow } from '../../dashboard/lib/deployment';
import { parseFilters } from '../../dashboard/lib/filters';
import type { DeploymentDetail } from '../../dashboard/lib/kestra';
import { DecisionFileSchema, ExecutionSchema, FlowOutputsSchema, ScenarioFileSchema } from '../../dashboard/lib/kestra-schema';
import { buildListView } from '../../dashboard/lib/list-view';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>';

/** A Kestra 2.0 execution: labels, no outputs. */
function exec(id: string, state: string, labels: Record<string, string> = { service: 'orders' }) {
  return ExecutionSchema.parse({
    id,
    state: { current: state, startDate: '2025-06-01T11:00:00Z', ...(state === 'RUNNING' || state === 'PAUSED' ? {} : { endDate: '2025-06-01T11:00:04Z' }) },
    labels: Object.entries(labels).map(([key, value]) => ({ key, value })),
  });
}

const rows = [
  toDeploymentRow(exec('r1', 'SUCCESS', { service: 'payment-service', version: 'v2', decision: 'ROLLBACK', confidence: '0.97', decided_by: 'judge' })),
  toDeploymentRow(exec('c1', 'SUCCESS', { service: 'checkout', version: 'v3', decision: 'CONTINUE', confidence: '0.8', decided_by: 'llm+judge' })),
  toDeploymentRow(exec('p1', 'PAUSED')),
  toDeploymentRow(exec('f1', 'FAILED')),
  toDeploymentRow(exec('x1', 'RUNNING')),
];
const list = (over: object = {}) => ({ list: { rows, total: 7, fetchedAt: new Date(NOW).toISOString() }, problem: null, knownServices: [], ...over });

describe('dashboard components (server-rendered HTML)', () => {
  it('badges say ROLLBACK, CONTINUE or why there is no decision', () => {
    expect(renderToStaticMarkup(h(DecisionBadge, { decision: 'ROLLBACK', phase: 'decided' }))).toContain('badge-rollback');
    expect(renderToStaticMarkup(h(DecisionBadge, { decision: 'CONTINUE', phase: 'decided' }))).toContain('>CONTINUE<');
    expect(renderToStaticMarkup(h(DecisionBadge, { decision: null, phase: 'awaiting_approval' }))).toContain('awaiting approval');
  });

  it('the list shows every execution with its state, the summary strip and the chart', () => {
    const html = renderToStaticMarkup(h(DeploymentsView, { view: buildListView(list(), parseFilters({}), NOW) }));
    expect(html.match(/<tr data-execution-id=/g)).toHaveLength(5);
    expect(html).toContain('href="/deployments/r1"');
    for (const text of ['paused for approval', 'failed', 'running', '97%', 'llm+judge', 'Rollback rate', '50%', '4.0 s', 'latest 5 of 7 executions']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="Decisions over time: 5 deployments, 1 rollbacks"/);
    expect(html).not.toContain('role="alert"');
    // the list is built from labels: no column for what only the outputs carry
    expect(html).not.toContain('Health score');
  });

  it('names the problem in a banner and keeps the last good rows under it', () => {
    const down = buildListView(list({ problem: { kind: 'unreachable', message: 'Kestra is unreachable at http://k (ECONNRESET).' } }), parseFilters({}), NOW);
    const html = renderToStaticMarkup(h(DeploymentsView, { view: down }));
    expect(html).toContain('role="alert"');
    expect(html).toContain('Kestra is unreachable');
    expect(html).toContain('Showing the last data received at 2025-06-01 12:00 UTC');
    expect(html.match(/<tr data-execution-id=/g)).toHaveLength(5);
    const auth = renderToStaticMarkup(h(StatusBanner, { problem: { kind: 'unauthorized', status: 401, message: 'HTTP 401' }, staleSince: null }));
    expect(auth).toContain('rejected the credentials (401)');
  });

  it('tells a new user how to trigger a first deployment', () => {
    const empty = buildListView({ list: { rows: [], total: 0, fetchedAt: 'now' }, problem: null, knownServices: [] }, parseFilters({}), NOW);
    expect(renderToStaticMarkup(h(DeploymentsView, { view: empty }))).toContain('npm run --silent trigger -- --scenario memory-leak-payment --wait');
  });

  it('the deployment page escapes untrusted log and LLM text and only links http(s) PRs', () => {
    const decision = DecisionFileSchema.parse({
      decision: 'ROLLBACK',
      confidence: 0.9,
      decided_by: 'llm+judge',
      summary: `summary ${EVIL}`,
      reasoning: `reasoning ${EVIL}`,
      judge: { verdicts: [{ metric: 'error_rate', verdict: 'high', baseline: { n: 30, missing: 0, median: 0.5 }, canary: { n: 10, missing: 0, median: 9 }, relative_change: 17, p_value: 0.00002, tolerance: 1, reason: `reason ${EVIL}`, unit: '%' }] },
      llm: { status: 'answered', model: 'm', latency_ms: 812, summary: 's', reasoning: 'r' },
      log_analysis: { baseline_lines: 3, canary_lines: 9, signatures: [{ signature: `ERROR ${EVIL}`, level: 'error', baseline_count: 0, canary_count: 9, example: EVIL, is_new: true }], signatures_dropped: 0 },
    });
    const scenario = ScenarioFileSchema.parse({ step_seconds: 60, deployment: { deployed_at: '2025-06-01T10:50:00Z' }, metrics: { error_rate: { baseline: [0.4, 0.5, 0.6], canary: [8, 9, 10], unit: '%' } } });
    const row = toDetailRow(
      exec('r1', 'SUCCESS'),
      FlowOutputsSchema.parse({ service: 'payment-service', decision: 'ROLLBACK', pr_url: 'javascript:alert(1)', sample_status: 'recorded', rollback_status: 'dry-run' }),
    );
    const detail: DeploymentDetail = { row, decision, decisionProblem: null, scenario, scenarioProblem: null, approval: null, review: null, fetchedAt: 'now' };
    const html = renderToStaticMarkup(h(DeploymentDetailView, { detail, kestraUrl: 'http://kestra/ui/main/executions/ai.devops.commander/devops-loop/r1' }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('reward pending');
    expect(html).toContain('dry run');
    expect(html).toContain('href="http://kestra/ui/main/executions/ai.devops.commander/devops-loop/r1"');
    expect(html).toContain('m answered in 812 ms');
    expect(html).toContain('<tr data-metric="error_rate" data-verdict="high">');
    expect(html).toContain('+1700%');
    expect(html).toContain('&lt; 0.0001');
    expect(html).toContain('class="deploy-line"');
  });

  it('says why the judge decided alone', () => {
    const decision = DecisionFileSchema.parse({ decision: 'CONTINUE', llm: { status: 'disabled', reason: 'no LLM API key configured' } });
    const detail: DeploymentDetail = { row: rows[1]!, decision, decisionProblem: null, scenario: null, scenarioProblem: 'The execution has no scenario file output (yet).', approval: null, review: null, fetchedAt: 'now' };
    const html = renderToStaticMarkup(h(DeploymentDetailView, { detail, kestraUrl: 'http://k' }));
    expect(html).toContain('The judge decided alone: the LLM is disabled (no LLM API key configured).');
    expect(html).toContain('no scenario file output');
  });

  it('a metric chart draws both series and marks the deploy', () => {
    const html = renderToStaticMarkup(h(MetricChart, { metric: 'memory_pct', unit: '%', baseline: [50, 51, 52], canary: [60, null, 90], stepSeconds: 60, verdict: 'high', deployedAt: '2025-06-01T10:50:00Z' }));
    expect(html).toContain('series-baseline');
    expect(html).toContain('series-canary');
    expect(html).toContain('deploy 10:50 UTC');
    expect(html).toContain('aria-label="memory_pct (%): 3 baseline and 3 canary samples, verdict high"');
    const none = renderToStaticMarkup(h(ActionsPanel, { row: rows[3]!, kestraUrl: 'http://k' }));
    expect(none).toContain('not recorded');
  });
});

describe('VerdictTable names the detector that decided', () => {
  it('a failing verdict says which detector fired; a pass or an older decision says nothing extra', async () => {
    const { VerdictTable } = await import('../../dashboard/components/VerdictTable');
    const decision = DecisionFileSchema.parse({
      decision: 'ROLLBACK',
      judge: {
        verdicts: [
          { metric: 'orders_per_min', verdict: 'high', detector: 'excursion', reason: 'regressed, excursion: 3 of 12 canary samples…' },
          { metric: 'latency_p95_ms', verdict: 'pass', detector: null, reason: 'no meaningful change' },
          { metric: 'cpu_pct', verdict: 'low', reason: 'an older decision without a detector' },
          { metric: 'error_rate', verdict: 'high', detector: 'made-up', reason: 'unknown detector names are dropped' },
        ],
      },
    });
    const html = renderToStaticMarkup(h(VerdictTable, { verdicts: decision.judge.verdicts }));
    expect(html).toMatch(/data-metric="orders_per_min"[^]*?too high<\/span><span class="muted detector"> by excursion<\/span>/);
    expect(html.match(/class="muted detector"/g)).toHaveLength(1);
  });
});

describe('ActionsPanel shows the image before and after a real rollback', () => {
  it('the images from the rollback task, and nothing when it did not run', () => {
    const outputs = FlowOutputsSchema.parse({ rollback_status: 'rolled-back', rollback_image_before: 'registry/payment:v2.4.1', rollback_image_after: 'registry/payment:v2.4.0' });
    const row = toDetailRow(exec('r2', 'SUCCESS', { service: 'payment-service' }), outputs);
    const html = renderToStaticMarkup(h(ActionsPanel, { row, kestraUrl: 'http://k' }));
    expect(html).toContain('<code>registry/payment:v2.4.1</code> → <code>registry/payment:v2.4.0</code>');
    const none = renderToStaticMarkup(h(ActionsPanel, { row: toDetailRow(exec('r3', 'SUCCESS'), FlowOutputsSchema.parse({ rollback_status: 'dry-run' })), kestraUrl: 'http://k' }));
    expect(none).not.toContain('data-images');
  });
});
