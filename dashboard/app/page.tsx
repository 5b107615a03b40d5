import { DeploymentsView } from '../components/DeploymentsView';
import { Filters } from '../components/Filters';
import { Poller } from '../components/Poller';
import { pollInterval } from '../lib/config';
import { parseFilters } from '../lib/filters';
import { loadDeploymentList } from '../lib/kestra';
import { buildListView } from '../lib/list-view';

export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function DeploymentsPage({ searchParams }: Props) {
  const filters = parseFilters(await searchParams);
  const now = Date.now();
  const view = buildListView(await loadDeploymentList(filters, now), filters, now);
  return (
    <>
      <div className="page-head">
        <h1>Deployments</h1>
        <Poller intervalMs={pollInterval()} />
      </div>
      <Filters filters={filters} services={view.services} />
      <DeploymentsView view={view} />
    </>
  );
}
