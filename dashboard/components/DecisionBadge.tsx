import type { Decision, Phase } from '../lib/deployment';

const PHASE_TEXT: Record<Phase, string> = {
  decided: 'decided',
  running: 'deciding…',
  awaiting_approval: 'awaiting approval',
  failed: 'no decision',
  ended_without_decision: 'no decision',
};

/** ROLLBACK / CONTINUE, or what stands in for a decision not taken (yet). */
export function DecisionBadge({ decision, phase }: { decision: Decision | null; phase: Phase }) {
  if (decision === 'ROLLBACK') return <span className="badge badge-rollback" data-decision="ROLLBACK">ROLLBACK</span>;
  if (decision === 'CONTINUE') return <span className="badge badge-continue" data-decision="CONTINUE">CONTINUE</span>;
  return <span className="badge badge-pending" data-decision="none">{PHASE_TEXT[phase]}</span>;
}
