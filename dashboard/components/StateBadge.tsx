import type { Phase } from '../lib/deployment';

const TEXT: Record<string, string> = {
  CREATED: 'created',
  QUEUED: 'queued',
  RUNNING: 'running',
  RETRYING: 'retrying',
  PAUSED: 'paused for approval',
  SUCCESS: 'succeeded',
  WARNING: 'succeeded with warnings',
  FAILED: 'failed',
  KILLED: 'killed',
  CANCELLED: 'cancelled',
};

/** The Kestra execution's state, in words. */
export function StateBadge({ state, phase }: { state: string; phase: Phase }) {
  const tone = phase === 'failed' ? 'state-failed' : phase === 'running' ? 'state-running' : phase === 'awaiting_approval' ? 'state-paused' : 'state-done';
  const text = phase === 'awaiting_approval' ? 'paused for approval' : (TEXT[state] ?? state.toLowerCase());
  return (
    <span className={`state ${tone}`} data-state={state}>
      {text}
    </span>
  );
}
