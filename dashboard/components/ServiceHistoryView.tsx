import { formatPercent } from '../lib/format';
import type { ServiceHistory } from '../lib/service-history';
import { DeploymentTable } from './DeploymentTable';
import { SummaryStrip } from './SummaryStrip';

/** A service's page: its figures, the metrics that failed most often, every deployment. */
export function ServiceHistoryView({ history, total, decisionsCap }: { history: ServiceHistory; total: number; decisionsCap: number }) {
  if (history.rows.length === 0) {
    return (
      <section className="empty" aria-label="No deployments of this service">
        <h2>No deployment of {history.service} judged yet</h2>
        <p>Its deployments appear here once the watchdog has run for them.</p>
      </section>
    );
  }
  return (
    <>
      <SummaryStrip summary={history.summary} total={total} />
      <section aria-labelledby="failing-h">
        <h2 id="failing-h">Metrics that failed most often</h2>
        <p className="muted">
          From the newest {history.decisionsRead} decision{history.decisionsRead === 1 ? '' : 's'} (at most {decisionsCap} are read).
        </p>
        {history.failingMetrics.length === 0 ? (
          <p>No metric failed in these decisions.</p>
        ) : (
          <table className="failing-metrics">
            <caption className="visually-hidden">Metrics by how often the judge found them too high or too low</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                <th scope="col">Failed</th>
                <th scope="col">Of decisions comparing it</th>
                <th scope="col">Failure rate</th>
              </tr>
            </thead>
            <tbody>
              {history.failingMetrics.map((m) => (
                <tr key={m.metric} data-metric={m.metric} data-failures={m.failures}>
                  <th scope="row">{m.metric}</th>
                  <td>{m.failures}</td>
                  <td>{m.compared}</td>
                  <td>{formatPercent(m.compared > 0 ? m.failures / m.compared : null)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Deployments</h2>
        <DeploymentTable rows={history.rows} />
      </section>
    </>
  );
}
