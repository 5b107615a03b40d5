import Link from 'next/link';
import type { DeploymentDetail } from '../lib/kestra';
import { metricCharts } from '../lib/detail-view';
import { formatChange, formatConfidence, formatDuration, formatTime } from '../lib/format';
import { leadSummary } from '../lib/headline';
import { ActionsPanel } from './ActionsPanel';
import { ApprovalPanel } from './ApprovalPanel';
import { DecisionBadge } from './DecisionBadge';
import { LlmPanel } from './LlmPanel';
import { LogSignatures } from './LogSignatures';
import { MetricChart } from './MetricChart';
import { ReviewNote } from './ReviewNote';
import { StateBadge } from './StateBadge';
import { VerdictTable } from './VerdictTable';

/**
 * The deployment page's body. Says it once: a short summary first (the LLM's when
 * it answered, else the judge's one-line headline), then the per-metric evidence;
 * the long reasoning is folded away.
 */
export function DeploymentDetailView({ detail, kestraUrl }: { detail: DeploymentDetail; kestraUrl: string }) {
  const { row, decision, scenario } = detail;
  const charts = metricCharts(decision, scenario);
  const lead = leadSummary(decision, row);
  const confidence = row.confidence ?? decision?.confidence ?? null;
  const failing = (decision?.judge.verdicts ?? []).filter((v) => v.verdict === 'high' || v.verdict === 'low');
  return (
    <article className="detail">
      <header className="detail-head">
        <h1>
          {row.service ?? 'unknown service'} <span className="muted">{row.version ?? ''}</span>
        </h1>
        <p className="detail-meta">
          <DecisionBadge decision={row.decision ?? decision?.decision ?? null} phase={row.phase} /> <StateBadge state={row.state} phase={row.phase} />{' '}
          confidence {formatConfidence(confidence)} · decided by {row.decidedBy ?? decision?.decided_by ?? '–'} · health score{' '}
          {row.healthScore ?? decision?.health_score ?? '–'} · started {formatTime(row.startDate)} · time to decision {formatDuration(row.durationMs)}
          {row.previousVersion ? ` · previous version ${row.previousVersion}` : ''}
          {row.deploymentId ? ` · deployment ${row.deploymentId}` : ''}
        </p>
        {row.service ? (
          <p>
            <Link href={`/services/${encodeURIComponent(row.service)}`}>History of {row.service}</Link>
          </p>
        ) : null}
      </header>

      <section aria-label="Summary" className="lead" data-lead={lead.source}>
        <p>{lead.text}</p>
      </section>

      {detail.review ? <ReviewNote review={detail.review} /> : null}
      {detail.approval || detail.review ? (
        <ApprovalPanel
          waiting={detail.approval !== null && detail.review === null}
          executionId={row.executionId}
          service={row.service ?? 'the service'}
          version={row.version}
          previousVersion={row.previousVersion}
          confidence={formatConfidence(confidence)}
          threshold={detail.approval?.threshold == null ? 'its threshold' : formatConfidence(detail.approval.threshold)}
          since={formatTime(detail.approval?.since ?? null)}
          evidence={failing.map((v) => `${v.metric} ${v.verdict === 'low' ? 'too low' : 'too high'} (${formatChange(v.relative_change)}): ${v.reason}`)}
        />
      ) : null}

      <section aria-labelledby="verdicts-h">
        <h2 id="verdicts-h">Evidence per metric</h2>
        {decision ? <VerdictTable verdicts={decision.judge.verdicts} /> : <p className="muted">{detail.decisionProblem}</p>}
      </section>

      <section aria-labelledby="charts-h">
        <h2 id="charts-h">Metrics around the deploy</h2>
        {charts.length > 0 ? (
          <div className="charts">
            {charts.map((c) => (
              <MetricChart key={c.metric} {...c} deployedAt={scenario?.deployment.deployed_at} />
            ))}
          </div>
        ) : (
          <p className="muted">{detail.scenarioProblem ?? 'The scenario file has no metric series.'}</p>
        )}
      </section>

      <section aria-labelledby="logs-h">
        <h2 id="logs-h">Log signatures</h2>
        {decision ? (
          <>
            {decision.judge.logs?.reason ? <p className="prose">{decision.judge.logs.reason}</p> : null}
            <LogSignatures analysis={decision.log_analysis} />
          </>
        ) : (
          <p className="muted">No decision file.</p>
        )}
      </section>

      <details className="reasoning">
        <summary>
          <h2 id="why-h">Full reasoning</h2>
        </summary>
        {decision ? (
          <LlmPanel decision={decision} leadSource={lead.source} />
        ) : row.reasoning ? (
          <p className="prose">{row.reasoning}</p>
        ) : (
          <p className="muted">No reasoning yet.</p>
        )}
      </details>

      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <ActionsPanel row={row} kestraUrl={kestraUrl} />
      </section>
    </article>
  );
}
