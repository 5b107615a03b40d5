// From a list result and the filters to what the list page shows. Pure.
import { bucketDecisions, chartSpan, type DecisionBucket } from './chart';
import type { DeploymentRow } from './deployment';
import { applyFilters, DEFAULT_FILTERS, rangeStart, serviceOptions, type ListFilters } from './filters';
import type { ListResult, Problem } from './kestra';
import { summarize, type Summary } from './summary';

export interface ListView {
  rows: DeploymentRow[];
  summary: Summary;
  buckets: DecisionBucket[];
  services: string[];
  total: number;
  problem: Problem | null;
  /** when the data on screen was fetched */
  fetchedAt: string | null;
  /** the data on screen is older than the last attempt */
  stale: boolean;
  /** 'first-run': nothing in Kestra at all; 'filtered': nothing matches the filters */
  empty: 'first-run' | 'filtered' | null;
}

export const CHART_BUCKETS = 24;

export function buildListView(result: ListResult, filters: ListFilters, now: number): ListView {
  const all = result.list?.rows ?? [];
  const rows = applyFilters(all, filters, now);
  const span = chartSpan(rows, rangeStart(filters.range, now), now);
  const filtered = filters.service !== DEFAULT_FILTERS.service || filters.decision !== DEFAULT_FILTERS.decision || filters.range !== DEFAULT_FILTERS.range;
  return {
    rows,
    summary: summarize(rows),
    buckets: bucketDecisions(rows, span.from, span.to, CHART_BUCKETS),
    services: serviceOptions(all, result.knownServices, filters.service),
    total: result.list ? Math.max(result.list.total, all.length) : 0,
    problem: result.problem,
    fetchedAt: result.list?.fetchedAt ?? null,
    stale: result.problem !== null && result.list !== null,
    empty: result.list === null || rows.length > 0 ? null : filtered ? 'filtered' : 'first-run',
  };
}
