import Link from 'next/link';
import { notFound } from 'next/navigation';
import { DeploymentDetailView } from '../../../components/DeploymentDetailView';
import { Poller } from '../../../components/Poller';
import { StatusBanner } from '../../../components/StatusBanner';
import { getConfig, kestraUiUrl, pollInterval } from '../../../lib/config';
import { loadDetail } from '../../../lib/kestra';
import { reviewer } from '../../../lib/reviewer';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ executionId: string }> };

export default async function DeploymentPage({ params }: Props) {
  const { executionId } = await params;
  const result = await loadDetail(executionId);
  if (result.problem?.kind === 'not_found') notFound();
  // a review this process made is shown at once; Kestra gets its labels when the execution ends
  let detail = result.detail;
  if (detail && !detail.review) {
    let pending = null;
    try {
      pending = reviewer().pending(executionId);
    } catch {
      // misconfigured: the banner says why
    }
    if (pending) detail = { ...detail, review: pending };
  }
  const live = result.problem !== null || detail === null || detail.row.phase === 'running' || detail.row.phase === 'awaiting_approval';
  return (
    <>
      <nav aria-label="Breadcrumb" className="page-head">
        <Link href="/">← All deployments</Link>
        {live ? <Poller intervalMs={pollInterval()} /> : null}
      </nav>
      {result.problem ? <StatusBanner problem={result.problem} staleSince={detail?.fetchedAt ?? null} /> : null}
      {detail ? <DeploymentDetailView detail={detail} kestraUrl={kestraUiUrl(getConfig(), executionId)} /> : null}
    </>
  );
}
