// How the judge's verdict and the LLM's second opinion become one decision.
// Written down for humans in docs/decision-policy.md; keep the two in step.
import type { JudgeResult } from '../judge/types.js';
import type { DecisionRecord, LlmOutcome } from './types.js';

/** A judge CONTINUE at or above this confidence is "clear": the LLM cannot overturn it. */
export const CLEAR_JUDGE_CONFIDENCE = 0.8;
/** The LLM may escalate an uncertain judge CONTINUE to ROLLBACK only at or above this confidence. */
export const LLM_ESCALATION_CONFIDENCE = 0.7;

export type CombinedDecision = Pick<
  DecisionRecord,
  'decision' | 'confidence' | 'decided_by' | 'summary' | 'reasoning' | 'suspected_cause'
>;

type Answered = Extract<LlmOutcome, { status: 'answered' }>;

const num = (x: number): string => x.toFixed(2);

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? '(no explanation)';
}

function judgeLine(judge: JudgeResult): string {
  return `Judge (${judge.decision}, confidence ${num(judge.confidence)}): ${firstLine(judge.explanation)}`;
}

function dissent(llm: Answered): string {
  return `The LLM (${llm.model}) dissented: ${llm.decision} with confidence ${num(llm.confidence)}. Its reasoning: ${llm.reasoning}`;
}

/**
 * The decision policy. The judge (pure statistics) is always available and is
 * the authority; the LLM (which reads untrusted log text) can confirm it, and
 * can only ever move an *uncertain* CONTINUE towards ROLLBACK, never the other way.
 *
 * 1. LLM disabled or failed: the judge decides (decided_by `judge`, the judge's
 *    confidence, summary = judge explanation); the reasoning records why the LLM
 *    was not used.
 * 2. LLM agrees with the judge: decision unchanged, decided_by `llm+judge`,
 *    confidence = 1 - (1 - judge) * (1 - 0.5 * llm) (agreement nudges the judge's
 *    confidence towards 1, never below it); summary and suspected cause from the
 *    LLM; reasoning = LLM reasoning + one line of the judge's explanation.
 * 3. Judge ROLLBACK, LLM CONTINUE: ROLLBACK stands, always (a log line crafted to
 *    steer the model must never keep a bad deploy running, and keeping a bad
 *    deploy costs more than rolling back a good one). decided_by `judge`, the
 *    judge's confidence; the dissent is recorded.
 * 4. Judge CONTINUE with confidence >= CLEAR_JUDGE_CONFIDENCE, LLM ROLLBACK:
 *    CONTINUE stands, decided_by `judge`; the dissent is recorded.
 * 5. Judge CONTINUE with confidence < CLEAR_JUDGE_CONFIDENCE, LLM ROLLBACK with
 *    confidence >= LLM_ESCALATION_CONFIDENCE: ROLLBACK, decided_by `llm`,
 *    confidence = min(llm, 1 - judge / 2); the reasoning says the judge was
 *    uncertain and the LLM escalated.
 * 6. Otherwise (uncertain judge CONTINUE, LLM ROLLBACK below the escalation
 *    confidence): CONTINUE by the judge; the dissent is recorded.
 */
export function combine(judge: JudgeResult, llm: LlmOutcome): CombinedDecision {
  const judgeConfidence = clamp01(judge.confidence);

  // 1. no usable second opinion
  if (llm.status !== 'answered') {
    const why = llm.status === 'disabled' ? 'LLM disabled' : 'LLM failed';
    return {
      decision: judge.decision,
      confidence: judgeConfidence,
      decided_by: 'judge',
      summary: judge.explanation,
      reasoning: `${why}: ${llm.reason}. The statistical judge decided alone. ${judgeLine(judge)}`,
      suspected_cause: null,
    };
  }

  const llmConfidence = clamp01(llm.confidence);

  // 2. agreement
  if (llm.decision === judge.decision) {
    return {
      decision: judge.decision,
      confidence: clamp01(1 - (1 - judgeConfidence) * (1 - 0.5 * llmConfidence)),
      decided_by: 'llm+judge',
      summary: llm.summary,
      reasoning: `${llm.reasoning}\n${judgeLine(judge)}`,
      suspected_cause: llm.suspected_cause,
    };
  }

  // 3. the judge's ROLLBACK is never overturned
  if (judge.decision === 'ROLLBACK') {
    return {
      decision: 'ROLLBACK',
      confidence: judgeConfidence,
      decided_by: 'judge',
      summary: judge.explanation,
      reasoning:
        `${judgeLine(judge)}\n${dissent(llm)}\n` +
        'ROLLBACK stands: the LLM can never overturn a judge ROLLBACK (it reads untrusted log text, and keeping a bad deploy costs more than rolling back a good one).',
      suspected_cause: null,
    };
  }

  // from here: judge CONTINUE, LLM ROLLBACK
  // 4. a clear CONTINUE stands
  if (judgeConfidence >= CLEAR_JUDGE_CONFIDENCE) {
    return {
      decision: 'CONTINUE',
      confidence: judgeConfidence,
      decided_by: 'judge',
      summary: judge.explanation,
      reasoning:
        `${judgeLine(judge)}\n${dissent(llm)}\n` +
        `CONTINUE stands: the judge's confidence ${num(judgeConfidence)} is at least ${CLEAR_JUDGE_CONFIDENCE}, so the LLM cannot overturn it.`,
      suspected_cause: null,
    };
  }

  // 5. an uncertain judge, a confident LLM: escalate
  if (llmConfidence >= LLM_ESCALATION_CONFIDENCE) {
    return {
      decision: 'ROLLBACK',
      confidence: clamp01(Math.min(llmConfidence, 1 - judgeConfidence / 2)),
      decided_by: 'llm',
      summary: llm.summary,
      reasoning:
        `The judge was uncertain (CONTINUE with confidence ${num(judgeConfidence)}, below ${CLEAR_JUDGE_CONFIDENCE}) ` +
        `and the LLM escalated to ROLLBACK with confidence ${num(llmConfidence)} (at least ${LLM_ESCALATION_CONFIDENCE}).\n` +
        `${llm.reasoning}\n${judgeLine(judge)}`,
      suspected_cause: llm.suspected_cause,
    };
  }

  // 6. an uncertain judge, an unconvinced LLM
  return {
    decision: 'CONTINUE',
    confidence: judgeConfidence,
    decided_by: 'judge',
    summary: judge.explanation,
    reasoning:
      `${judgeLine(judge)}\n${dissent(llm)}\n` +
      `CONTINUE stands: the judge was uncertain, but the LLM's confidence ${num(llmConfidence)} is below ${LLM_ESCALATION_CONFIDENCE}, the least needed to escalate.`,
    suspected_cause: null,
  };
}
