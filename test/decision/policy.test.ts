import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/judge/types.js';
import { CLEAR_JUDGE_CONFIDENCE, combine, LLM_ESCALATION_CONFIDENCE } from '../../src/decision/policy.js';
import type { LlmOutcome } from '../../src/decision/types.js';
import { judgeResult } from '../llm/fixtures.js';

function judgeSays(decision: Decision, confidence: number) {
  return judgeResult({ decision, confidence, explanation: `${decision}: judge explanation line.\nsecond line` });
}

function llmSays(decision: Decision, confidence: number): LlmOutcome {
  return {
    status: 'answered',
    latency_ms: 12,
    model: 'test-model',
    decision,
    confidence,
    summary: `LLM summary for ${decision}`,
    reasoning: `LLM reasoning for ${decision}`,
    suspected_cause: 'LLM cause',
  };
}

describe('combine (decision policy)', () => {
  it('exports the policy constants', () => {
    expect(CLEAR_JUDGE_CONFIDENCE).toBe(0.8);
    expect(LLM_ESCALATION_CONFIDENCE).toBe(0.7);
  });

  it('rule 1: LLM disabled - the judge decides and the reasoning says why', () => {
    const j = judgeSays('ROLLBACK', 0.9);
    const out = combine(j, { status: 'disabled', reason: 'no LLM API key configured' });
    expect(out).toMatchObject({ decision: 'ROLLBACK', confidence: 0.9, decided_by: 'judge', summary: j.explanation, suspected_cause: null });
    expect(out.reasoning).toContain('no LLM API key configured');
  });

  it('rule 1: LLM failed - the judge decides and the reasoning carries the failure reason', () => {
    const j = judgeSays('CONTINUE', 0.3);
    const out = combine(j, { status: 'failed', reason: 'LLM request timed out after 300 ms', latency_ms: 600, model: 'm' });
    expect(out).toMatchObject({ decision: 'CONTINUE', confidence: 0.3, decided_by: 'judge', summary: j.explanation });
    expect(out.reasoning).toContain('LLM request timed out after 300 ms');
  });

  it('rule 2: agreement - llm+judge, confidence nudged towards 1, LLM summary, judge line in reasoning', () => {
    const out = combine(judgeSays('ROLLBACK', 0.6), llmSays('ROLLBACK', 0.8));
    expect(out.decision).toBe('ROLLBACK');
    expect(out.decided_by).toBe('llm+judge');
    expect(out.confidence).toBeCloseTo(1 - 0.4 * (1 - 0.4), 10); // 0.76
    expect(out.summary).toBe('LLM summary for ROLLBACK');
    expect(out.suspected_cause).toBe('LLM cause');
    expect(out.reasoning).toContain('LLM reasoning for ROLLBACK');
    expect(out.reasoning).toContain('ROLLBACK: judge explanation line.');
    expect(out.reasoning).not.toContain('second line');
  });

  it('rule 2: agreement never lowers the judge confidence, also for CONTINUE', () => {
    const out = combine(judgeSays('CONTINUE', 0.9), llmSays('CONTINUE', 0));
    expect(out).toMatchObject({ decision: 'CONTINUE', decided_by: 'llm+judge', confidence: 0.9 });
  });

  it('rule 3: judge ROLLBACK, LLM CONTINUE (even fully confident) - ROLLBACK stands, dissent recorded', () => {
    const j = judgeSays('ROLLBACK', 0.55);
    const out = combine(j, llmSays('CONTINUE', 1));
    expect(out).toMatchObject({ decision: 'ROLLBACK', confidence: 0.55, decided_by: 'judge', summary: j.explanation, suspected_cause: null });
    expect(out.reasoning).toContain('dissented: CONTINUE with confidence 1.00');
    expect(out.reasoning).toContain('LLM reasoning for CONTINUE');
    expect(out.reasoning).toContain('ROLLBACK stands');
  });

  it('rule 4: clear judge CONTINUE (exactly at the threshold), LLM ROLLBACK - CONTINUE stands, dissent recorded', () => {
    const out = combine(judgeSays('CONTINUE', CLEAR_JUDGE_CONFIDENCE), llmSays('ROLLBACK', 0.99));
    expect(out).toMatchObject({ decision: 'CONTINUE', confidence: 0.8, decided_by: 'judge', suspected_cause: null });
    expect(out.reasoning).toContain('dissented: ROLLBACK with confidence 0.99');
    expect(out.reasoning).toContain('CONTINUE stands');
  });

  it('rule 5: uncertain judge CONTINUE, confident LLM ROLLBACK (exactly at the threshold) - LLM escalates', () => {
    const out = combine(judgeSays('CONTINUE', 0.6), llmSays('ROLLBACK', LLM_ESCALATION_CONFIDENCE));
    expect(out.decision).toBe('ROLLBACK');
    expect(out.decided_by).toBe('llm');
    expect(out.confidence).toBeCloseTo(0.7, 10); // min(0.7, 1 - 0.3)
    expect(out.summary).toBe('LLM summary for ROLLBACK');
    expect(out.suspected_cause).toBe('LLM cause');
    expect(out.reasoning).toContain('judge was uncertain');
    expect(out.reasoning).toContain('LLM escalated');
  });

  it('rule 5: the escalated confidence is capped by 1 - judge/2', () => {
    const out = combine(judgeSays('CONTINUE', 0.79), llmSays('ROLLBACK', 0.95));
    expect(out.confidence).toBeCloseTo(1 - 0.79 / 2, 10); // 0.605
    const low = combine(judgeSays('CONTINUE', 0.1), llmSays('ROLLBACK', 0.9));
    expect(low.confidence).toBeCloseTo(0.9, 10);
  });

  it('rule 6: uncertain judge CONTINUE, unconvinced LLM ROLLBACK - CONTINUE by the judge, dissent recorded', () => {
    const out = combine(judgeSays('CONTINUE', 0.5), llmSays('ROLLBACK', 0.69));
    expect(out).toMatchObject({ decision: 'CONTINUE', confidence: 0.5, decided_by: 'judge', suspected_cause: null });
    expect(out.reasoning).toContain('dissented: ROLLBACK with confidence 0.69');
    expect(out.reasoning).toContain('below 0.7');
  });
});
