// The summary strip's figures. Pure.
import type { DeploymentRow } from './deployment';
import { median } from './stats';

export interface Summary {
  deployments: number;
  decided: number;
  rollbacks: number;
  continues: number;
  /** rollbacks / decided, null when nothing was decided */
  rollbackRate: number | null;
  /** median execution duration of decided deployments (time to decision) */
  medianDecisionMs: number | null;
  running: number;
  awaitingApproval: number;
  failed: number;
}

export function summarize(rows: readonly DeploymentRow[]): Summary {
  const decided = rows.filter((r) => r.decision !== null);
  const rollbacks = decided.filter((r) => r.decision === 'ROLLBACK').length;
  const durations = decided.map((r) => r.durationMs).filter((d): d is number => d !== null);
  return {
    deployments: rows.length,
    decided: decided.length,
    rollbacks,
    continues: decided.length - rollbacks,
    rollbackRate: decided.length > 0 ? rollbacks / decided.length : null,
    medianDecisionMs: median(durations),
    running: rows.filter((r) => r.phase === 'running').length,
    awaitingApproval: rows.filter((r) => r.phase === 'awaiting_approval').length,
    failed: rows.filter((r) => r.phase === 'failed').length,
  };
}
