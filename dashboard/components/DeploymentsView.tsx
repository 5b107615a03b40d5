import Link from 'next/link';
import type { ListView } from '../lib/list-view';
import { formatTime } from '../lib/format';
import { DecisionsChart } from './DecisionsChart';
import { DeploymentTable } from './DeploymentTable';
import { EmptyState } from './EmptyState';
import { StatusBanner } from './StatusBanner';
import { SummaryStrip } from './SummaryStrip';

/** The list page's body (server-rendered; no client state). */
export function DeploymentsView({ view }: { view: ListView }) {
  return (
    <>
      {view.problem ? <StatusBanner problem={view.problem} staleSince={view.stale ? view.fetchedAt : null} /> : null}
      {view.fetchedAt ? (
        <p className="muted updated">
          Updated <time dateTime={view.fetchedAt}>{formatTime(view.fetchedAt)}</time>
        </p>
      ) : null}
      {view.empty ? (
        <EmptyState filtered={view.empty === 'filtered'} />
      ) : view.rows.length > 0 ? (
        <>
          <SummaryStrip summary={view.summary} total={view.total} />
          <DecisionsChart buckets={view.buckets} />
          <DeploymentTable rows={view.rows} />
          {view.services.length > 0 ? (
            <nav aria-label="Service histories" className="service-links">
              History per service:{' '}
              {view.services.map((s, i) => (
                <span key={s}>
                  {i > 0 ? ' · ' : ''}
                  <Link href={`/services/${encodeURIComponent(s)}`}>{s}</Link>
                </span>
              ))}
            </nav>
          ) : null}
        </>
      ) : null}
    </>
  );
}
