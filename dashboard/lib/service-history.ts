// One service's history: its deployments' figures and the metrics that failed most
// often in the decisions read. Pure.
import type { DeploymentRow } from './deployment';
import { summarize, type Summary } from './summary';

export interface MetricFailures {
  metric: string;
  /** decisions in which the judge found it too high or too low */
  failures: number;
  /** decisions read that compared it at all */
  compared: number;
}

export interface ServiceHistory {
  service: string;
  rows: DeploymentRow[];
  summary: Summary;
  approvalsWaiting: number;
  failingMetrics: MetricFailures[];
  /** how many decisions the metric counts come from */
  decisionsRead: number;
}

export interface VerdictDigest {
  failing: string[];
  compared: string[];
}

export function serviceHistory(service: string, rows: readonly DeploymentRow[], digests: ReadonlyMap<string, VerdictDigest>): ServiceHistory {
  const mine = rows.filter((r) => r.service === service);
  const counts = new Map<string, MetricFailures>();
  let read = 0;
  for (const row of mine) {
    const d = digests.get(row.executionId);
    if (!d) continue;
    read++;
    for (const m of d.compared) {
      const c = counts.get(m) ?? { metric: m, failures: 0, compared: 0 };
      c.compared++;
      counts.set(m, c);
    }
    for (const m of d.failing) {
      const c = counts.get(m) ?? { metric: m, failures: 0, compared: 0 };
      c.failures++;
      counts.set(m, c);
    }
  }
  const failingMetrics = [...counts.values()].filter((c) => c.failures > 0).sort((a, b) => b.failures - a.failures || a.metric.localeCompare(b.metric));
  const summary = summarize(mine);
  return { service, rows: mine, summary, approvalsWaiting: summary.awaitingApproval, failingMetrics, decisionsRead: read };
}
