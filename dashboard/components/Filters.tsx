'use client';
// The list's filters. A plain GET form (works without JavaScript, Enter submits);
// with JavaScript a change applies at once through the URL.
import { usePathname, useRouter } from 'next/navigation';
import type { ChangeEvent } from 'react';
import { TIME_RANGES, filtersToQuery, type ListFilters, type TimeRange, type DecisionFilter } from '../lib/filters';

export function Filters({ filters, services }: { filters: ListFilters; services: string[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const onChange = (e: ChangeEvent<HTMLSelectElement>) => {
    const form = e.currentTarget.form;
    if (!form) return;
    const data = new FormData(form);
    const next: ListFilters = {
      service: (data.get('service') as string) || null,
      decision: ((data.get('decision') as string) || 'all') as DecisionFilter,
      range: ((data.get('range') as string) || 'all') as TimeRange,
    };
    router.replace(`${pathname}${filtersToQuery(next)}`, { scroll: false });
  };
  return (
    <form className="filters" method="get" aria-label="Filter deployments">
      <div className="field">
        <label htmlFor="filter-service">Service</label>
        <select id="filter-service" name="service" defaultValue={filters.service ?? ''} onChange={onChange}>
          <option value="">All services</option>
          {services.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-decision">Decision</label>
        <select id="filter-decision" name="decision" defaultValue={filters.decision} onChange={onChange}>
          <option value="all">All decisions</option>
          <option value="ROLLBACK">ROLLBACK</option>
          <option value="CONTINUE">CONTINUE</option>
          <option value="pending">No decision (running, paused, failed)</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-range">Time range</label>
        <select id="filter-range" name="range" defaultValue={filters.range} onChange={onChange}>
          {(Object.keys(TIME_RANGES) as TimeRange[]).map((r) => (
            <option key={r} value={r}>
              {TIME_RANGES[r].label}
            </option>
          ))}
        </select>
      </div>
      <noscript>
        <button type="submit">Apply</button>
      </noscript>
    </form>
  );
}
