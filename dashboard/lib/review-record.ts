// Who approved or rejected a paused rollback, and when, as execution labels
// (review, reviewed_by, reviewed_at), and what the approval gate waits on. Pure.
import type { KestraExecution } from './kestra-schema';

export type ReviewAction = 'approve' | 'reject';

export interface ReviewRecord {
  action: ReviewAction;
  by: string;
  /** ISO-8601 */
  at: string;
}

export const REVIEW_LABELS = { review: 'review', by: 'reviewed_by', at: 'reviewed_at' } as const;
const LABEL_VALUE = { approve: 'approved', reject: 'rejected' } as const;

export function reviewFromLabels(execution: Pick<KestraExecution, 'labels'>): ReviewRecord | null {
  const record: Record<string, string> = {};
  for (const l of execution.labels ?? []) record[l.key] = l.value;
  const action = record[REVIEW_LABELS.review] === 'approved' ? 'approve' : record[REVIEW_LABELS.review] === 'rejected' ? 'reject' : null;
  const by = record[REVIEW_LABELS.by];
  const at = record[REVIEW_LABELS.at];
  return action && by && at && !Number.isNaN(Date.parse(at)) ? { action, by, at } : null;
}

/**
 * The execution's whole label set with the review added (Kestra's label endpoint
 * replaces the set; its system labels it keeps itself, so they are left out).
 */
export function labelsWithReview(execution: Pick<KestraExecution, 'labels'>, review: ReviewRecord): Array<{ key: string; value: string }> {
  const ours = new Set<string>(Object.values(REVIEW_LABELS));
  const kept = (execution.labels ?? []).filter((l) => !l.key.startsWith('system.') && !ours.has(l.key) && l.value !== '');
  return [
    ...kept,
    { key: REVIEW_LABELS.review, value: LABEL_VALUE[review.action] },
    { key: REVIEW_LABELS.by, value: review.by },
    { key: REVIEW_LABELS.at, value: review.at },
  ];
}

export const APPROVAL_TASK = 'wait_for_approval';
export const ROLLBACK_TASK = 'rollback';

export interface ApprovalWait {
  /** when the gate paused the execution */
  since: string | null;
  /** the confidence below which a ROLLBACK waits (the run's approval_below_confidence) */
  threshold: number | null;
}

/** Non-null when the execution is paused at devops-loop's approval gate. */
export function approvalWait(execution: KestraExecution): ApprovalWait | null {
  if (execution.state.current !== 'PAUSED') return null;
  const gate = (execution.taskRunList ?? []).find((t) => t.taskId === APPROVAL_TASK && t.state.current === 'PAUSED');
  if (!gate) return null;
  const paused = gate.state.histories?.find((h) => h.state === 'PAUSED')?.date ?? gate.state.startDate ?? null;
  const body = execution.trigger?.variables?.body as Record<string, unknown> | undefined;
  const raw = body?.approval_below_confidence ?? execution.inputs?.approval_below_confidence;
  const threshold = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return { since: paused, threshold: Number.isFinite(threshold) ? threshold : null };
}

/** When the rollback task started running (Kestra's own timestamp), or null. */
export function rollbackRunningAt(execution: KestraExecution): string | null {
  const run = (execution.taskRunList ?? []).find((t) => t.taskId === ROLLBACK_TASK);
  return run?.state.histories?.find((h) => h.state === 'RUNNING')?.date ?? null;
}
