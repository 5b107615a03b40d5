// The one short summary the deployment page leads with: the LLM's summary when it
// answered, else a one-line headline built from the judge's verdicts. Pure.
import type { DeploymentRow } from './deployment';
import { formatChange } from './format';
import type { DecisionFile } from './kestra-schema';

export interface Lead {
  text: string;
  source: 'llm' | 'judge' | 'none';
}

export function judgeHeadline(decision: DecisionFile): string {
  const verdicts = decision.judge.verdicts;
  const failing = verdicts.filter((v) => v.verdict === 'high' || v.verdict === 'low').sort((a, b) => b.severity - a.severity);
  const logs = decision.judge.logs?.verdict === 'high' ? '; new errors in the logs' : '';
  if (decision.decision === 'ROLLBACK') {
    if (failing.length === 0) return `ROLLBACK${logs ? `: ${logs.slice(2)}` : ''}.`;
    const named = failing.slice(0, 3).map((v) => `${v.metric} ${v.verdict === 'low' ? 'too low' : 'too high'}${v.relative_change !== null ? ` (${formatChange(v.relative_change)})` : ''}`);
    const more = failing.length > 3 ? ` and ${failing.length - 3} more` : '';
    return `ROLLBACK: ${failing.length} of ${verdicts.length} metrics regressed — ${named.join(', ')}${more}${logs}.`;
  }
  const compared = verdicts.filter((v) => v.verdict !== 'nodata').length;
  if (compared === 0) return 'CONTINUE with low confidence: no metric had enough data to compare.';
  return `CONTINUE: none of the ${compared} metrics compared regressed beyond its tolerance${decision.confidence < 0.5 ? ' (low confidence)' : ''}.`;
}

export function leadSummary(decision: DecisionFile | null, row: Pick<DeploymentRow, 'summary'>): Lead {
  if (decision?.llm.status === 'answered' && decision.summary.trim() !== '') return { text: decision.summary.trim(), source: 'llm' };
  if (decision) return { text: judgeHeadline(decision), source: 'judge' };
  const first = row.summary?.split('\n').find((l) => l.trim() !== '')?.trim();
  return first ? { text: first.length > 240 ? `${first.slice(0, 237)}…` : first, source: 'judge' } : { text: 'No decision yet.', source: 'none' };
}
