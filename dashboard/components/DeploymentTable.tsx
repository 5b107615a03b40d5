import Link from 'next/link';
import type { DeploymentRow } from '../lib/deployment';
import { formatConfidence, formatTime } from '../lib/format';
import { DecisionBadge } from './DecisionBadge';
import { StateBadge } from './StateBadge';

/** The list's rows come from execution labels (one search request): no health score or outputs here; the deployment page has them. */
export function DeploymentTable({ rows }: { rows: DeploymentRow[] }) {
  return (
    <table className="deployments">
      <caption className="visually-hidden">Deployments, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Service</th>
          <th scope="col">Version</th>
          <th scope="col">Started</th>
          <th scope="col">Decision</th>
          <th scope="col">Confidence</th>
          <th scope="col">Decided by</th>
          <th scope="col">Execution</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.executionId} data-execution-id={row.executionId}>
            <th scope="row">
              <Link href={`/deployments/${encodeURIComponent(row.executionId)}`} className="row-link">
                {row.service ?? 'unknown service'}
              </Link>
            </th>
            <td>
              {row.version ?? '–'}
              {row.previousVersion ? <span className="muted"> (from {row.previousVersion})</span> : null}
            </td>
            <td>
              <time dateTime={row.startDate ?? undefined}>{formatTime(row.startDate)}</time>
            </td>
            <td>
              <DecisionBadge decision={row.decision} phase={row.phase} />
            </td>
            <td>{formatConfidence(row.confidence)}</td>
            <td>{row.decidedBy ?? '–'}</td>
            <td>
              <StateBadge state={row.state} phase={row.phase} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
