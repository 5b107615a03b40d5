import { APIConnectionError, APIConnectionTimeoutError, InternalServerError } from 'openai';
import { describe, expect, it } from 'vitest';
import { askLlm } from '../../src/llm/ask.js';
import { LlmRequestError, loadOpenAiSdk, type ChatClient } from '../../src/llm/chat-client.js';
import { answerJson } from './fixtures.js';

const PROMPT = { system: 'sys', user: 'usr' };

function fakeClient(complete: ChatClient['complete']): ChatClient {
  return { model: 'fake-model', complete };
}

/** a clock that advances by `step` ms on every reading */
function steppingClock(step: number): () => number {
  let t = 1000;
  return () => {
    const now = t;
    t += step;
    return now;
  };
}

describe('askLlm', () => {
  it('returns the parsed answer with model and measured latency, passing the prompt through', async () => {
    const seen: Array<{ system: string; user: string }> = [];
    const client = fakeClient(async (req) => {
      seen.push(req);
      return answerJson('ROLLBACK', 0.8);
    });
    const outcome = await askLlm(client, PROMPT, steppingClock(250));
    expect(seen).toEqual([PROMPT]);
    expect(outcome).toEqual({
      status: 'answered',
      latency_ms: 250,
      model: 'fake-model',
      decision: 'ROLLBACK',
      confidence: 0.8,
      summary: 'The model says ROLLBACK.',
      reasoning: 'Because the model looked at error_rate and decided ROLLBACK.',
      suspected_cause: 'bad config',
    });
  });

  it('maps an invalid answer to failed with the parse reason', async () => {
    const outcome = await askLlm(fakeClient(async () => 'no idea, sorry'), PROMPT, steppingClock(5));
    expect(outcome).toEqual({
      status: 'failed',
      reason: 'invalid LLM answer: answer is not JSON',
      latency_ms: 5,
      model: 'fake-model',
    });
  });

  it('maps a wrong-shape answer to failed naming the field', async () => {
    const outcome = await askLlm(fakeClient(async () => '{"decision":"MAYBE","confidence":0.5,"summary":"s","reasoning":"r"}'), PROMPT);
    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.reason).toBe('invalid LLM answer: $.decision: expected ROLLBACK or CONTINUE');
  });

  it('never throws: a thrown LlmRequestError keeps its reason, with latency', async () => {
    const outcome = await askLlm(
      fakeClient(async () => {
        throw new LlmRequestError('http', 'LLM endpoint answered HTTP 503: overloaded', 503);
      }),
      PROMPT,
      steppingClock(40),
    );
    expect(outcome).toEqual({ status: 'failed', reason: 'LLM endpoint answered HTTP 503: overloaded', latency_ms: 40, model: 'fake-model' });
  });

  it('maps raw SDK errors (the SDK loaded, as a real client loads it) and plain errors to readable reasons', async () => {
    await loadOpenAiSdk();
    const reasonFor = async (error: unknown): Promise<string> => {
      const outcome = await askLlm(
        fakeClient(async () => {
          throw error;
        }),
        PROMPT,
      );
      if (outcome.status !== 'failed') throw new Error('expected failed');
      return outcome.reason;
    };
    expect(await reasonFor(new APIConnectionTimeoutError())).toBe('LLM request timed out');
    expect(
      await reasonFor(new InternalServerError(500, { message: 'boom' }, undefined, new Headers())),
    ).toBe('LLM endpoint answered HTTP 500: boom');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(await reasonFor(new APIConnectionError({ cause: new TypeError('fetch failed', { cause: refused }) }))).toBe(
      'LLM endpoint is unreachable: connection refused',
    );
    expect(await reasonFor(new Error('socket\nhang up'))).toBe('LLM request failed: socket hang up');
    expect(await reasonFor('a string')).toBe('LLM request failed: a string');
  });
});
