// The list's filters: parsed from the URL's search params, applied to rows. Pure.
import type { Decision, DeploymentRow } from './deployment';

export const TIME_RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
  all: { label: 'Any time', ms: null },
} as const satisfies Record<string, { label: string; ms: number | null }>;
export type TimeRange = keyof typeof TIME_RANGES;

export type DecisionFilter = Decision | 'pending' | 'all';

export interface ListFilters {
  service: string | null;
  decision: DecisionFilter;
  range: TimeRange;
}

export const DEFAULT_FILTERS: ListFilters = { service: null, decision: 'all', range: 'all' };

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Unknown or malformed values fall back to the default (no filter). */
export function parseFilters(params: SearchParams): ListFilters {
  const service = first(params.service)?.trim();
  const decision = first(params.decision);
  const range = first(params.range);
  return {
    service: service && /^[A-Za-z0-9._-]{1,253}$/.test(service) ? service : null,
    decision: decision === 'ROLLBACK' || decision === 'CONTINUE' || decision === 'pending' ? decision : 'all',
    range: range !== undefined && Object.hasOwn(TIME_RANGES, range) ? (range as TimeRange) : 'all',
  };
}

/** The filters as a query string (defaults left out), e.g. "?service=x&range=24h". */
export function filtersToQuery(filters: ListFilters): string {
  const q = new URLSearchParams();
  if (filters.service) q.set('service', filters.service);
  if (filters.decision !== 'all') q.set('decision', filters.decision);
  if (filters.range !== 'all') q.set('range', filters.range);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The earliest start date the time range admits, or null for any time. */
export function rangeStart(range: TimeRange, now: number): number | null {
  const ms = TIME_RANGES[range].ms;
  return ms === null ? null : now - ms;
}

export function applyFilters(rows: readonly DeploymentRow[], filters: ListFilters, now: number): DeploymentRow[] {
  const from = rangeStart(filters.range, now);
  return rows.filter((row) => {
    if (filters.service && row.service !== filters.service) return false;
    if (filters.decision === 'pending' && row.decision !== null) return false;
    if ((filters.decision === 'ROLLBACK' || filters.decision === 'CONTINUE') && row.decision !== filters.decision) return false;
    if (from !== null && (row.startDate === null || Date.parse(row.startDate) < from)) return false;
    return true;
  });
}

/** Distinct services, sorted, for the service filter's options. */
export function serviceOptions(rows: readonly DeploymentRow[], known: Iterable<string> = [], selected: string | null = null): string[] {
  const set = new Set<string>(known);
  for (const row of rows) if (row.service) set.add(row.service);
  if (selected) set.add(selected);
  return [...set].sort();
}
