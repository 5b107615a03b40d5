// Approving (resume) or rejecting (kill) a rollback paused at the approval gate.
// Pure core, adapters passed in (tests give their own client and clock).
//
// One outcome per execution, whoever clicks: actions on one execution run one at a
// time in this process, each reads the execution first and acts only while it is
// paused at the gate, and Kestra itself refuses a resume of a non-paused execution
// (409) — the answer of a second click says who acted first and what happened.
//
// The record (review, reviewed_by, reviewed_at labels) is written once the
// execution has ended: Kestra sets labels on terminated executions only. Until
// then this process remembers it, so the page can say who approved.
import type { KestraClient } from './kestra';
import { KestraError } from './kestra';
import type { KestraExecution } from './kestra-schema';
import { approvalWait, labelsWithReview, reviewFromLabels, type ReviewAction, type ReviewRecord } from './review-record';

export interface ReviewOutcome {
  ok: boolean;
  /** the HTTP status the route answers with */
  status: number;
  message: string;
  review: ReviewRecord | null;
}

export interface ReviewerDeps {
  client: Pick<KestraClient, 'getExecution' | 'resumeExecution' | 'killExecution' | 'setLabels'>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  log?: { info(o: object, msg: string): void; error(o: object, msg: string): void };
  /** how long to wait for the execution to end before writing the record */
  recordWithinMs?: number;
  pollMs?: number;
}

export interface Reviewer {
  review(executionId: string, action: ReviewAction, user: string): Promise<ReviewOutcome>;
  /** the review this process made and has not written to Kestra yet */
  pending(executionId: string): ReviewRecord | null;
  /** resolves when every record being written is written (tests, shutdown) */
  settled(): Promise<void>;
}

const TERMINATED = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED']);
const WORDS = { approve: 'approved the rollback', reject: 'kept the deployment' } as const;

function describeTaken(review: ReviewRecord | null, execution: KestraExecution): string {
  if (review) return `${review.by} already ${WORDS[review.action]} at ${review.at.slice(0, 19).replace('T', ' ')} UTC.`;
  return `It is no longer waiting for approval (it is ${execution.state.current}).`;
}

export function createReviewer(deps: ReviewerDeps): Reviewer {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = deps.pollMs ?? 500;
  const recordWithinMs = deps.recordWithinMs ?? 30 * 60_000;
  const queues = new Map<string, Promise<unknown>>();
  const pending = new Map<string, ReviewRecord>();
  const writing = new Set<Promise<void>>();

  /** Runs `fn` after every earlier action on the same execution. */
  const serial = <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    const previous = queues.get(id) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    queues.set(id, tail);
    void tail.then(() => {
      if (queues.get(id) === tail) queues.delete(id);
    });
    return run;
  };

  const writeRecord = async (id: string, review: ReviewRecord): Promise<boolean> => {
    const deadline = now() + recordWithinMs;
    for (;;) {
      try {
        const execution = await deps.client.getExecution(id);
        if (TERMINATED.has(execution.state.current)) {
          await deps.client.setLabels(id, labelsWithReview(execution, review));
          pending.delete(id);
          deps.log?.info({ event: 'review_recorded', executionId: id, ...review }, 'review recorded as execution labels');
          return true;
        }
      } catch (err) {
        deps.log?.error({ event: 'review_record_retry', executionId: id, err: (err as Error).message }, 'could not record the review yet');
      }
      if (now() > deadline) {
        deps.log?.error({ event: 'review_not_recorded', executionId: id, ...review }, 'the execution did not end in time: the review is not recorded in Kestra');
        return false;
      }
      await sleep(pollMs);
    }
  };

  const act = async (id: string, action: ReviewAction, user: string): Promise<ReviewOutcome> => {
    let execution: KestraExecution;
    try {
      execution = await deps.client.getExecution(id);
    } catch (err) {
      const message = err instanceof KestraError ? err.problem.message : (err as Error).message;
      return { ok: false, status: err instanceof KestraError && err.problem.kind === 'not_found' ? 404 : 502, message: `Nothing was done: ${message}`, review: null };
    }
    const earlier = pending.get(id) ?? reviewFromLabels(execution);
    if (earlier || !approvalWait(execution)) {
      return { ok: false, status: 409, message: `Nothing was done: ${describeTaken(earlier, execution)}`, review: earlier };
    }
    const review: ReviewRecord = { action, by: user, at: new Date(now()).toISOString() };
    try {
      if (action === 'approve') await deps.client.resumeExecution(id);
      else await deps.client.killExecution(id);
    } catch (err) {
      if (err instanceof KestraError && err.problem.kind === 'conflict') {
        // someone acted through Kestra itself (another dashboard, the API) between the read and the action
        return { ok: false, status: 409, message: `Nothing was done: ${err.problem.message}`, review: null };
      }
      const message = err instanceof KestraError ? err.problem.message : (err as Error).message;
      deps.log?.error({ event: 'review_failed', executionId: id, action, user, err: message }, 'the review action failed');
      return { ok: false, status: 502, message: `The ${action === 'approve' ? 'rollback was not started' : 'deployment was not kept'}: ${message} Try again.`, review: null };
    }
    pending.set(id, review);
    deps.log?.info({ event: 'review', executionId: id, ...review }, action === 'approve' ? 'rollback approved' : 'rollback rejected');
    const written = writeRecord(id, review).then(() => undefined);
    writing.add(written);
    void written.finally(() => writing.delete(written));
    if (action === 'reject') await written; // a kill ends the execution within a second: the answer can say it is recorded
    return {
      ok: true,
      status: 200,
      message:
        action === 'approve'
          ? `Rollback approved by ${user}: Kestra resumed the execution and the rollback task runs now.`
          : `Deployment kept by ${user}: Kestra killed the execution; nothing was rolled back.`,
      review,
    };
  };

  return {
    review: (id, action, user) => serial(id, () => act(id, action, user)),
    pending: (id) => pending.get(id) ?? null,
    settled: async () => {
      await Promise.all([...writing]);
    },
  };
}
