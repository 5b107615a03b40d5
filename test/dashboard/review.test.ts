// Approving and rejecting a paused rollback, against an in-memory client that keeps
// Kestra's rules (resume only while PAUSED, else 409; labels only once terminated):
// one outcome however many clicks, the record written once the execution ended.
import { describe, expect, it } from 'vitest';
import { KestraError, type KestraClient } from '../../dashboard/lib/kestra';
import { ExecutionSchema, type KestraExecution } from '../../dashboard/lib/kestra-schema';
import { createReviewer } from '../../dashboard/lib/review';
import { approvalWait, labelsWithReview, reviewFromLabels, rollbackRunningAt } from '../../dashboard/lib/review-record';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function pausedExecution(id: string): KestraExecution {
  return ExecutionSchema.parse({
    id,
    state: { current: 'PAUSED', startDate: '2025-06-01T11:59:00Z' },
    labels: [
      { key: 'service', value: 'user-service' },
      { key: 'decision', value: 'ROLLBACK' },
      { key: 'system.correlationId', value: id },
    ],
    trigger: { variables: { body: { approval_below_confidence: 1.0 } } },
    taskRunList: [{ taskId: 'wait_for_approval', state: { current: 'PAUSED', histories: [{ state: 'CREATED', date: '2025-06-01T11:59:30Z' }, { state: 'PAUSED', date: '2025-06-01T11:59:31Z' }] } }],
  });
}

/** Kestra's rules, in memory; `finish` ends a resumed execution (the rollback ran). */
function fakeKestra(execution: KestraExecution) {
  let current = execution;
  const calls: string[] = [];
  const client: Pick<KestraClient, 'getExecution' | 'resumeExecution' | 'killExecution' | 'setLabels'> = {
    async getExecution() {
      calls.push('get');
      return current;
    },
    async resumeExecution() {
      calls.push('resume');
      await new Promise((r) => setTimeout(r, 5));
      if (current.state.current !== 'PAUSED') throw new KestraError({ kind: 'conflict', status: 409, message: 'Kestra refused to resume (HTTP 409): not paused' });
      current = { ...current, state: { ...current.state, current: 'RUNNING' } };
    },
    async killExecution() {
      calls.push('kill');
      current = { ...current, state: { ...current.state, current: 'KILLED' } };
    },
    async setLabels(_id, labels) {
      calls.push('labels');
      if (!['SUCCESS', 'KILLED', 'FAILED', 'WARNING'].includes(current.state.current)) throw new KestraError({ kind: 'rejected', status: 400, message: 'The execution is not terminated' });
      current = { ...current, labels: [...labels, ...(current.labels ?? []).filter((l) => l.key.startsWith('system.'))] };
    },
  };
  return {
    client,
    calls,
    get: () => current,
    finish: () => {
      current = { ...current, state: { ...current.state, current: 'SUCCESS' } };
    },
  };
}

describe('approving or rejecting a paused rollback', () => {
  it('reads what the gate waits on and when', () => {
    const e = pausedExecution('e1');
    expect(approvalWait(e)).toEqual({ since: '2025-06-01T11:59:31Z', threshold: 1 });
    expect(approvalWait({ ...e, state: { current: 'RUNNING' } })).toBeNull();
    expect(approvalWait({ ...e, taskRunList: [] })).toBeNull(); // paused elsewhere: not ours to approve
    expect(rollbackRunningAt({ ...e, taskRunList: [{ taskId: 'rollback', state: { current: 'RUNNING', histories: [{ state: 'CREATED', date: 'a' }, { state: 'RUNNING', date: '2025-06-01T12:00:01Z' }] } }] })).toBe('2025-06-01T12:00:01Z');
  });

  it('records the review as labels next to the existing ones, leaving the system labels to Kestra', () => {
    const labels = labelsWithReview(pausedExecution('e1'), { action: 'approve', by: 'alice', at: '2025-06-01T12:00:00.000Z' });
    expect(labels).toEqual([
      { key: 'service', value: 'user-service' },
      { key: 'decision', value: 'ROLLBACK' },
      { key: 'review', value: 'approved' },
      { key: 'reviewed_by', value: 'alice' },
      { key: 'reviewed_at', value: '2025-06-01T12:00:00.000Z' },
    ]);
    expect(reviewFromLabels({ labels })).toEqual({ action: 'approve', by: 'alice', at: '2025-06-01T12:00:00.000Z' });
    expect(reviewFromLabels({ labels: [{ key: 'review', value: 'approved' }] })).toBeNull();
  });

  it('two approvals at once: one resume, one outcome, the second told who approved', async () => {
    const k = fakeKestra(pausedExecution('e1'));
    const reviewer = createReviewer({ client: k.client, now: () => NOW, sleep: async () => k.finish(), pollMs: 1 });
    const [a, b] = await Promise.all([reviewer.review('e1', 'approve', 'alice'), reviewer.review('e1', 'approve', 'bob')]);
    expect(a).toMatchObject({ ok: true, status: 200, review: { action: 'approve', by: 'alice' } });
    expect(b).toMatchObject({ ok: false, status: 409, message: 'Nothing was done: alice already approved the rollback at 2025-06-01 12:00:00 UTC.' });
    expect(k.calls.filter((c) => c === 'resume')).toHaveLength(1);
    await reviewer.settled();
    expect(reviewFromLabels(k.get())).toEqual({ action: 'approve', by: 'alice', at: new Date(NOW).toISOString() });
    expect(reviewer.pending('e1')).toBeNull();
    // later clicks, approve or reject, read the record from the labels
    expect((await reviewer.review('e1', 'reject', 'carol')).message).toBe('Nothing was done: alice already approved the rollback at 2025-06-01 12:00:00 UTC.');
  });

  it('an approval and a rejection at once: the first wins, the other does nothing', async () => {
    const k = fakeKestra(pausedExecution('e2'));
    const reviewer = createReviewer({ client: k.client, now: () => NOW, sleep: async () => k.finish(), pollMs: 1 });
    const [reject, approve] = await Promise.all([reviewer.review('e2', 'reject', 'bob'), reviewer.review('e2', 'approve', 'alice')]);
    expect(reject).toMatchObject({ ok: true, message: 'Deployment kept by bob: Kestra killed the execution; nothing was rolled back.' });
    expect(approve).toMatchObject({ ok: false, status: 409, message: 'Nothing was done: bob already kept the deployment at 2025-06-01 12:00:00 UTC.' });
    expect(k.calls).not.toContain('resume');
    expect(k.get().state.current).toBe('KILLED');
    expect(reviewFromLabels(k.get())?.action).toBe('reject'); // a rejection answers after the record is written
  });

  it('keeps the pending record until the execution ends, then writes it', async () => {
    const k = fakeKestra(pausedExecution('e3'));
    let polls = 0;
    const reviewer = createReviewer({ client: k.client, now: () => NOW, sleep: async () => void (++polls === 3 && k.finish()), pollMs: 1 });
    await reviewer.review('e3', 'approve', 'alice');
    await reviewer.settled();
    expect(polls).toBe(3);
    expect(k.calls.filter((c) => c === 'labels')).toHaveLength(1);
  });

  it('Kestra refusing the resume (someone acted elsewhere) and Kestra down are told as such', async () => {
    const k = fakeKestra(pausedExecution('e4'));
    const refusing = { ...k.client, resumeExecution: async () => { throw new KestraError({ kind: 'conflict', status: 409, message: 'Kestra refused to resume execution e4 (HTTP 409): not paused' }); } };
    const r1 = await createReviewer({ client: refusing, now: () => NOW }).review('e4', 'approve', 'alice');
    expect(r1).toMatchObject({ ok: false, status: 409, message: 'Nothing was done: Kestra refused to resume execution e4 (HTTP 409): not paused' });
    const down = { ...k.client, getExecution: async () => { throw new KestraError({ kind: 'unreachable', message: 'Kestra is unreachable at http://k (ECONNREFUSED).' }); } };
    const r2 = await createReviewer({ client: down, now: () => NOW }).review('e4', 'approve', 'alice');
    expect(r2).toMatchObject({ ok: false, status: 502, message: 'Nothing was done: Kestra is unreachable at http://k (ECONNREFUSED).' });
    const failing = { ...k.client, resumeExecution: async () => { throw new KestraError({ kind: 'bad_response', status: 500, message: 'Kestra answered HTTP 500 for resume execution e4.' }); } };
    const r3 = await createReviewer({ client: failing, now: () => NOW }).review('e4', 'approve', 'alice');
    expect(r3).toMatchObject({ ok: false, status: 502, message: 'The rollback was not started: Kestra answered HTTP 500 for resume execution e4. Try again.' });
  });
});
