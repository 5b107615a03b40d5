import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Poller } from '../../../components/Poller';
import { ServiceHistoryView } from '../../../components/ServiceHistoryView';
import { StatusBanner } from '../../../components/StatusBanner';
import { pollInterval } from '../../../lib/config';
import { HISTORY_DECISIONS, kestraClient, loadServiceHistory, type ServiceHistoryResult } from '../../../lib/kestra';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ service: string }> };

export default async function ServicePage({ params }: Props) {
  const service = decodeURIComponent((await params).service);
  if (!/^[A-Za-z0-9._-]{1,253}$/.test(service)) notFound();
  let result: ServiceHistoryResult;
  try {
    result = await loadServiceHistory(kestraClient(), service);
  } catch (err) {
    result = { history: null, problem: { kind: 'config', message: (err as Error).message }, total: 0 };
  }
  return (
    <>
      <nav aria-label="Breadcrumb" className="page-head">
        <Link href="/">← All deployments</Link>
        <Poller intervalMs={Math.max(pollInterval(), 10_000)} />
      </nav>
      <h1>{service}</h1>
      {result.problem ? <StatusBanner problem={result.problem} staleSince={null} /> : null}
      {result.history ? <ServiceHistoryView history={result.history} total={result.total} decisionsCap={HISTORY_DECISIONS} /> : null}
    </>
  );
}
