import { describe, expect, it } from 'vitest';
import { MAX_ANSWER_TEXT_CHARS, parseLlmAnswer } from '../../src/llm/answer.js';

const good = {
  decision: 'ROLLBACK',
  confidence: 0.85,
  summary: 'Error rate jumped after the deploy.',
  reasoning: 'error_rate went from 1% to 40%.',
  suspected_cause: 'a bad database migration',
};

function ok(text: string) {
  const parsed = parseLlmAnswer(text);
  if (!parsed.ok) throw new Error(`expected ok, got: ${parsed.reason}`);
  return parsed.answer;
}

function reason(text: string): string {
  const parsed = parseLlmAnswer(text);
  if (parsed.ok) throw new Error('expected a rejection');
  return parsed.reason;
}

describe('parseLlmAnswer', () => {
  it('accepts plain JSON', () => {
    expect(ok(JSON.stringify(good))).toEqual(good);
  });

  it('accepts JSON inside a ```json fence with prose around it', () => {
    const text = `Here is my answer:\n\`\`\`json\n${JSON.stringify(good, null, 2)}\n\`\`\`\nHope that helps.`;
    expect(ok(text)).toEqual(good);
  });

  it('accepts JSON with leading and trailing prose (first balanced object), braces inside strings included', () => {
    const value = { ...good, reasoning: 'the log said "{oops}" and } then {' };
    const text = `Sure! {not json} My verdict: ${JSON.stringify(value)} -- and {another: 1}`;
    expect(ok(text)).toEqual(value);
  });

  it('normalises the decision to upper case', () => {
    expect(ok(JSON.stringify({ ...good, decision: ' continue ' })).decision).toBe('CONTINUE');
    expect(ok(JSON.stringify({ ...good, decision: 'Rollback' })).decision).toBe('ROLLBACK');
  });

  it('turns a missing or blank suspected_cause into null', () => {
    const { suspected_cause: _drop, ...rest } = good;
    expect(ok(JSON.stringify(rest)).suspected_cause).toBeNull();
    expect(ok(JSON.stringify({ ...good, suspected_cause: null })).suspected_cause).toBeNull();
    expect(ok(JSON.stringify({ ...good, suspected_cause: '  ' })).suspected_cause).toBeNull();
  });

  it('truncates long summary and reasoning', () => {
    const long = 'x'.repeat(10_000);
    const answer = ok(JSON.stringify({ ...good, summary: long, reasoning: long }));
    expect(answer.summary.length).toBe(MAX_ANSWER_TEXT_CHARS);
    expect(answer.reasoning.length).toBe(MAX_ANSWER_TEXT_CHARS);
    expect(answer.summary.endsWith('…')).toBe(true);
  });

  it('rejects text that holds no JSON', () => {
    expect(reason('I think you should roll back.')).toBe('answer is not JSON');
    expect(reason('{"decision": "ROLLBACK", ')).toBe('answer is not JSON');
    expect(reason('   ')).toBe('answer is empty');
  });

  it('rejects JSON that is not an object', () => {
    expect(reason('["ROLLBACK"]')).toBe('$: expected a JSON object');
    expect(reason('42')).toBe('$: expected a JSON object');
  });

  it('names a bad decision by its path', () => {
    expect(reason(JSON.stringify({ ...good, decision: 'PAUSE' }))).toBe('$.decision: expected ROLLBACK or CONTINUE');
    const { decision: _d, ...rest } = good;
    expect(reason(JSON.stringify(rest))).toBe('$.decision: missing; expected ROLLBACK or CONTINUE');
  });

  it('rejects a confidence outside [0, 1] (no percentages) or not a number', () => {
    expect(reason(JSON.stringify({ ...good, confidence: 85 }))).toBe('$.confidence: expected a number in [0, 1]');
    expect(reason(JSON.stringify({ ...good, confidence: -0.1 }))).toBe('$.confidence: expected a number in [0, 1]');
    expect(reason(JSON.stringify({ ...good, confidence: '0.8' }))).toBe('$.confidence: expected a number in [0, 1]');
    expect(ok(JSON.stringify({ ...good, confidence: 0 })).confidence).toBe(0);
    expect(ok(JSON.stringify({ ...good, confidence: 1 })).confidence).toBe(1);
  });

  it('rejects empty or non-string summary and reasoning, listing every problem', () => {
    const r = reason(JSON.stringify({ ...good, summary: '', reasoning: 7, suspected_cause: 3 }));
    expect(r).toContain('$.summary: expected a non-empty string');
    expect(r).toContain('$.reasoning: expected a non-empty string');
    expect(r).toContain('$.suspected_cause: expected a string or null');
  });
});
