import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeploymentDetailView } from '../../../components/DeploymentDetailView';
import { Poller } from '../../../components/Poller';
import { StatusBanner } from '../../../components/StatusBanner';
import { getConfig, kestraUiUrl, pollInterval } from '../../../lib/config';
import { loadDetail } from '../../../lib/kestra';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ executionId: string }> };

export default async function DeploymentPage({ params }: Props) {
  const { executionId } = await params;
  const result = await loadDetail(executionId);
  if (result.problem?.kind === 'not_found') notFound();
  const live =
    result.problem !== null || result.detail === null || result.detail.row.phase === 'running' || result.detail.row.phase === 'awaiting_approval';
  return (
    <>
      <nav aria-label="Breadcrumb" className="page-head">
        <Link href="/">← All deployments</Link>
        {live ? <Poller intervalMs={pollInterval()} /> : null}
      </nav>
      {result.problem ? <StatusBanner problem={result.problem} staleSince={result.detail?.fetchedAt ?? null} /> : null}
      {result.detail ? <DeploymentDetailView detail={result.detail} kestraUrl={kestraUiUrl(getConfig(), executionId)} /> : null}
    </>
  );
}
