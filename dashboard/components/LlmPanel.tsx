import type { DecisionFile } from '../lib/kestra-schema';

/**
 * The long texts, folded away under the page's short summary: the reasoning, the
 * judge's explanation (when the lead is not already it), and what the LLM did.
 */
export function LlmPanel({ decision, leadSource }: { decision: DecisionFile; leadSource: 'llm' | 'judge' | 'none' }) {
  const { llm } = decision;
  const explanation = decision.judge.explanation.trim();
  return (
    <>
      <p className="prose">{decision.reasoning || '–'}</p>
      {explanation && leadSource === 'llm' ? (
        <>
          <h3>The judge&apos;s explanation</h3>
          <p className="prose">{explanation}</p>
        </>
      ) : explanation && !decision.reasoning.includes(explanation.split('\n')[0] ?? explanation) ? (
        <p className="prose">{explanation}</p>
      ) : null}
      {decision.suspected_cause ? (
        <p>
          <strong>Suspected cause:</strong> {decision.suspected_cause}
        </p>
      ) : null}
      {llm.status === 'answered' ? (
        <p data-llm="answered">
          {llm.model ?? 'The LLM'} answered in {llm.latency_ms ?? '?'} ms. Decided by <strong>{decision.decided_by}</strong>.
        </p>
      ) : (
        <p data-llm={llm.status}>
          The judge decided alone: the LLM {llm.status === 'disabled' ? 'is disabled' : 'failed'}
          {llm.reason ? ` (${llm.reason})` : ''}.
        </p>
      )}
    </>
  );
}
