import type { DecisionFile } from '../lib/kestra-schema';

/** The summary and reasoning, and what the LLM did (or why the judge decided alone). */
export function LlmPanel({ decision }: { decision: DecisionFile }) {
  const { llm } = decision;
  return (
    <>
      <h3>Summary</h3>
      <p className="prose">{decision.summary || '–'}</p>
      <h3>Reasoning</h3>
      <p className="prose">{decision.reasoning || '–'}</p>
      {decision.suspected_cause ? (
        <p>
          <strong>Suspected cause:</strong> {decision.suspected_cause}
        </p>
      ) : null}
      <h3>LLM</h3>
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
