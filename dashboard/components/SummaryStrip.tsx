import { formatDuration, formatPercent } from '../lib/format';
import type { Summary } from '../lib/summary';

export function SummaryStrip({ summary, total }: { summary: Summary; total: number }) {
  const items: Array<[string, string, string?]> = [
    ['Deployments', String(summary.deployments), total > summary.deployments ? `latest ${summary.deployments} of ${total} executions` : undefined],
    ['Rollbacks', String(summary.rollbacks)],
    ['Rollback rate', formatPercent(summary.rollbackRate), `of ${summary.decided} decided`],
    ['Median time to decision', formatDuration(summary.medianDecisionMs)],
    ['In progress', String(summary.running + summary.awaitingApproval), summary.awaitingApproval > 0 ? `${summary.awaitingApproval} awaiting approval` : undefined],
    ['Failed', String(summary.failed)],
  ];
  return (
    <section aria-label="Summary" className="summary">
      <dl>
        {items.map(([label, value, note]) => (
          <div key={label} className="summary-item">
            <dt>{label}</dt>
            <dd>
              <span className="summary-value">{value}</span>
              {note ? <span className="summary-note">{note}</span> : null}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
