'use client';
// A ROLLBACK paused at the approval gate: what waits and why, the evidence, and the
// two actions, each confirmed in a modal dialog (Esc or Cancel closes it, focus
// returns to the button). The server acts through Kestra and answers one outcome;
// a second click anywhere gets the first one's answer.
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import type { ReviewAction } from '../lib/review-record';

export interface ApprovalPanelProps {
  /** false once someone acted: only this browser's answer stays (kept mounted so it does) */
  waiting: boolean;
  executionId: string;
  service: string;
  version: string | null;
  previousVersion: string | null;
  confidence: string;
  threshold: string;
  since: string;
  evidence: string[];
}

const TEXT = {
  approve: { button: 'Roll back now', confirm: 'Yes, roll back now' },
  reject: { button: 'Keep this deployment', confirm: 'Yes, keep it' },
} as const;

export function ApprovalPanel(props: ApprovalPanelProps) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const [action, setAction] = useState<ReviewAction>('approve');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; message: string } | null>(null);

  const open = (a: ReviewAction, button: HTMLButtonElement) => {
    setAction(a);
    opener.current = button;
    dialog.current?.showModal();
  };
  const close = () => {
    dialog.current?.close();
    opener.current?.focus();
  };
  const confirm = async () => {
    if (busy) return;
    setBusy(true);
    dialog.current?.close();
    try {
      const res = await fetch(`/api/executions/${encodeURIComponent(props.executionId)}/review`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action }),
      });
      const body = (await res.json().catch(() => ({}))) as { ok?: boolean; message?: string };
      setAnswer({ ok: res.ok && body.ok === true, message: body.message ?? `The dashboard answered HTTP ${res.status}.` });
    } catch (err) {
      setAnswer({ ok: false, message: `The dashboard did not answer (${(err as Error).message}); nothing is known to be done. Reload and check.` });
    } finally {
      setBusy(false);
      router.refresh();
    }
  };
  const target = props.previousVersion ? `back to ${props.previousVersion}` : 'to the previous revision';
  const answerLine = answer ? (
    <p role={answer.ok ? 'status' : 'alert'} className={answer.ok ? 'answer answer-ok' : 'answer answer-refused'} data-answer={answer.ok ? 'ok' : 'refused'}>
      {answer.message}
    </p>
  ) : null;
  if (!props.waiting) return answerLine;

  return (
    <section className="approval" aria-labelledby="approval-h" data-approval="waiting">
      <h2 id="approval-h">Waiting for your approval</h2>
      <p>
        The judge decided <strong>ROLLBACK</strong> at confidence {props.confidence}, below this run&apos;s approval threshold of {props.threshold}, so
        Kestra paused the execution at its approval gate (task <code>wait_for_approval</code>) since {props.since}. Nothing has been rolled back yet.
      </p>
      {props.evidence.length > 0 ? (
        <ul className="evidence">
          {props.evidence.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
      <div className="approval-actions">
        <button type="button" className="danger" disabled={busy} onClick={(e) => open('approve', e.currentTarget)} data-action="approve">
          {TEXT.approve.button}
        </button>
        <button type="button" disabled={busy} onClick={(e) => open('reject', e.currentTarget)} data-action="reject">
          {TEXT.reject.button}
        </button>
        {busy ? <span role="status">Asking Kestra…</span> : null}
      </div>
      {answerLine}
      <dialog ref={dialog} aria-labelledby="confirm-h" aria-describedby="confirm-text" className="confirm" onCancel={() => opener.current?.focus()}>
        <h3 id="confirm-h">{action === 'approve' ? `Roll back ${props.service}?` : `Keep ${props.service} ${props.version ?? ''}?`}</h3>
        <p id="confirm-text">
          {action === 'approve'
            ? `Kestra resumes the execution and the rollback task rolls ${props.service} ${target}.`
            : `Kestra kills the execution: ${props.service} stays on ${props.version ?? 'the deployed version'} and nothing is rolled back.`}
        </p>
        <div className="approval-actions">
          <button type="button" className={action === 'approve' ? 'danger' : 'primary'} onClick={confirm} data-confirm={action}>
            {TEXT[action].confirm}
          </button>
          <button type="button" onClick={close} autoFocus>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}
