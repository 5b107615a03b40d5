import type { DeploymentDetail } from '../lib/kestra';
import { metricCharts } from '../lib/detail-view';
import { formatConfidence, formatDuration, formatTime } from '../lib/format';
import { ActionsPanel } from './ActionsPanel';
import { DecisionBadge } from './DecisionBadge';
import { LlmPanel } from './LlmPanel';
import { LogSignatures } from './LogSignatures';
import { MetricChart } from './MetricChart';
import { StateBadge } from './StateBadge';
import { VerdictTable } from './VerdictTable';

/** The deployment page's body. */
export function DeploymentDetailView({ detail, kestraUrl }: { detail: DeploymentDetail; kestraUrl: string }) {
  const { row, decision, scenario } = detail;
  const charts = metricCharts(decision, scenario);
  return (
    <article className="detail">
      <header className="detail-head">
        <h1>
          {row.service ?? 'unknown service'} <span className="muted">{row.version ?? ''}</span>
        </h1>
        <p className="detail-meta">
          <DecisionBadge decision={row.decision ?? decision?.decision ?? null} phase={row.phase} />{' '}
          <StateBadge state={row.state} phase={row.phase} /> confidence {formatConfidence(row.confidence ?? decision?.confidence ?? null)} · decided
          by {row.decidedBy ?? decision?.decided_by ?? '–'} · health score {row.healthScore ?? decision?.health_score ?? '–'} · started{' '}
          {formatTime(row.startDate)} · time to decision {formatDuration(row.durationMs)}
          {row.previousVersion ? ` · previous version ${row.previousVersion}` : ''}
          {row.deploymentId ? ` · deployment ${row.deploymentId}` : ''}
        </p>
      </header>

      <section aria-labelledby="verdicts-h">
        <h2 id="verdicts-h">Metric verdicts</h2>
        {decision ? (
          <>
            {decision.judge.explanation ? <p className="prose">{decision.judge.explanation}</p> : null}
            <VerdictTable verdicts={decision.judge.verdicts} />
          </>
        ) : (
          <p className="muted">{detail.decisionProblem}</p>
        )}
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

      <section aria-labelledby="why-h">
        <h2 id="why-h">Why</h2>
        {decision ? (
          <LlmPanel decision={decision} />
        ) : (
          <>
            <p className="prose">{row.summary ?? 'No summary yet.'}</p>
            {row.reasoning ? <p className="prose">{row.reasoning}</p> : null}
          </>
        )}
      </section>

      <section aria-labelledby="actions-h">
        <h2 id="actions-h">Actions</h2>
        <ActionsPanel row={row} kestraUrl={kestraUrl} />
      </section>
    </article>
  );
}
