// The real `openai` SDK (through createOpenAiChatClient) against a loopback
// OpenAI-compatible server on 127.0.0.1: what goes over the wire, and how every
// failure becomes a readable LlmOutcome.
import { afterEach, describe, expect, it } from 'vitest';
import { askLlm } from '../../src/llm/ask.js';
import { createOpenAiChatClient, LlmRequestError } from '../../src/llm/chat-client.js';
import { buildPrompt, LOGS_CLOSE, LOGS_OPEN } from '../../src/llm/prompt.js';
import type { LlmSettings } from '../../src/llm/settings.js';
import {
  openAiError,
  startOpenAiCompatibleServer,
  type OpenAiCompatibleServer,
  type Responder,
  type ServerReply,
} from '../support/openai-compatible-server.js';
import { answerJson, DEPLOYMENT, judgeResult, logAnalysis } from './fixtures.js';

const API_KEY = 'sk-test-SECRET-abc123xyz';
const MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo';
const PROMPT = { system: 'You are a test.', user: 'Decide.' };

let server: OpenAiCompatibleServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(responder: Responder | ServerReply): Promise<OpenAiCompatibleServer> {
  server = await startOpenAiCompatibleServer(responder);
  return server;
}

function settings(baseURL: string, overrides: Partial<LlmSettings> = {}): LlmSettings {
  return { baseURL, apiKey: API_KEY, model: MODEL, timeoutMs: 5000, maxRetries: 1, ...overrides };
}

async function failureReason(s: LlmSettings): Promise<string> {
  const outcome = await askLlm(createOpenAiChatClient(s), PROMPT);
  expect(outcome.status).toBe('failed');
  if (outcome.status !== 'failed') throw new Error('unreachable');
  expect(outcome.model).toBe(MODEL);
  expect(outcome.latency_ms).toBeGreaterThanOrEqual(0);
  return outcome.reason;
}

describe('createOpenAiChatClient with a loopback OpenAI-compatible server', () => {
  it('a good answer: sends key, model, temperature 0, JSON mode and the fenced prompt; returns the answer', async () => {
    const srv = await serve({ content: answerJson('ROLLBACK', 0.9) });
    const prompt = buildPrompt(DEPLOYMENT, judgeResult(), logAnalysis(['ERROR payment gateway refused charge']));
    const outcome = await askLlm(createOpenAiChatClient(settings(srv.baseURL)), prompt);

    expect(outcome).toMatchObject({
      status: 'answered',
      model: MODEL,
      decision: 'ROLLBACK',
      confidence: 0.9,
      summary: 'The model says ROLLBACK.',
      suspected_cause: 'bad config',
    });
    expect(srv.chatRequests()).toHaveLength(1);
    const req = srv.chatRequests()[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.body.model).toBe(MODEL);
    expect(req.body.temperature).toBe(0);
    expect(req.body.response_format).toEqual({ type: 'json_object' });
    expect(req.body.messages[0]).toEqual({ role: 'system', content: prompt.system });
    const user: string = req.body.messages[1].content;
    expect(req.body.messages[1].role).toBe('user');
    expect(user).toContain('metric | verdict | baseline median | canary median | shift | tolerance | p-value | reason');
    expect(user).toContain('error_rate [%] | high | 1.02 | 40.1');
    const inside = user.slice(user.indexOf(LOGS_OPEN), user.indexOf(LOGS_CLOSE));
    expect(inside).toContain('payment gateway refused charge');
  });

  it('a slow answer times out; the SDK retries once (2 requests), then the outcome is failed with "timed out"', async () => {
    const srv = await serve({ content: answerJson('CONTINUE'), delayMs: 5000 });
    const reason = await failureReason(settings(srv.baseURL, { timeoutMs: 300, maxRetries: 1 }));
    expect(reason).toBe('LLM request timed out after 300 ms (2 attempts)');
    expect(srv.chatRequests()).toHaveLength(2);
  });

  it('HTTP 500 is retried once by the SDK, then failed with the status and a short message', async () => {
    const srv = await serve({ status: 500, body: openAiError('upstream model crashed', 'server_error') });
    const reason = await failureReason(settings(srv.baseURL));
    expect(reason).toBe('LLM endpoint answered HTTP 500: upstream model crashed');
    expect(srv.chatRequests()).toHaveLength(2);
  });

  it('an HTTP error detail is bounded', async () => {
    const srv = await serve({ status: 502, body: openAiError('x'.repeat(5000), 'server_error') });
    const reason = await failureReason(settings(srv.baseURL, { maxRetries: 0 }));
    expect(reason.startsWith('LLM endpoint answered HTTP 502: xxx')).toBe(true);
    expect(reason.length).toBeLessThan(300);
  });

  it('non-JSON content is failed with "answer is not JSON"', async () => {
    const srv = await serve({ content: 'I would roll this back, honestly.' });
    expect(await failureReason(settings(srv.baseURL))).toBe('invalid LLM answer: answer is not JSON');
    expect(srv.chatRequests()).toHaveLength(1);
  });

  it('JSON of the wrong shape is failed naming the field', async () => {
    const srv = await serve({ content: JSON.stringify({ decision: 'ROLLBACK', confidence: 90, summary: 's', reasoning: 'r' }) });
    expect(await failureReason(settings(srv.baseURL))).toBe('invalid LLM answer: $.confidence: expected a number in [0, 1]');
  });

  it('empty content is failed, naming the finish reason', async () => {
    const srv = await serve({ content: null, finishReason: 'length' });
    expect(await failureReason(settings(srv.baseURL))).toBe('LLM answer has no content (finish_reason: length)');
  });

  it('a server that rejects response_format gets one retry without it, and is not asked for it again', async () => {
    const srv = await serve((req) =>
      req.body.response_format
        ? { status: 400, body: openAiError('response_format is not supported by this model', 'invalid_request_error', 'response_format') }
        : { content: answerJson('CONTINUE', 0.6) },
    );
    const client = createOpenAiChatClient(settings(srv.baseURL));
    const first = await askLlm(client, PROMPT);
    expect(first).toMatchObject({ status: 'answered', decision: 'CONTINUE' });
    expect(srv.chatRequests().map((r) => r.body.response_format)).toEqual([{ type: 'json_object' }, undefined]);

    const second = await askLlm(client, PROMPT);
    expect(second).toMatchObject({ status: 'answered' });
    expect(srv.chatRequests()).toHaveLength(3);
    expect(srv.chatRequests()[2]!.body.response_format).toBeUndefined();
  });

  it('any other HTTP 400 is not retried', async () => {
    const srv = await serve({ status: 400, body: openAiError('messages: too long') });
    expect(await failureReason(settings(srv.baseURL))).toBe('LLM endpoint answered HTTP 400: messages: too long');
    expect(srv.chatRequests()).toHaveLength(1);
  });

  it('connection refused says the base URL is unreachable', async () => {
    const srv = await serve({ content: answerJson('CONTINUE') });
    const baseURL = srv.baseURL;
    await srv.close();
    server = undefined;
    expect(await failureReason(settings(baseURL, { maxRetries: 0 }))).toBe(`LLM endpoint ${baseURL} is unreachable: connection refused`);
  });

  it('the API key reaches the server but no failure reason, even when the server echoes it', async () => {
    const srv = await serve({ status: 401, body: openAiError(`Incorrect API key provided: ${API_KEY}`, 'invalid_api_key') });
    const reason = await failureReason(settings(srv.baseURL));
    expect(srv.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(reason).toBe('LLM endpoint answered HTTP 401: Incorrect API key provided: [redacted]');
    expect(reason).not.toContain('SECRET');
  });

  it('a key with no recognisable token shape is scrubbed too (the client knows its own key)', async () => {
    const oddKey = 'correct-horse-battery-staple-42';
    const srv = await serve({ status: 403, body: openAiError(`key ${oddKey} may not use this model`, 'permission_denied') });
    const reason = await failureReason(settings(srv.baseURL, { apiKey: oddKey }));
    expect(srv.chatRequests()[0]!.headers.authorization).toBe(`Bearer ${oddKey}`);
    expect(reason).toBe('LLM endpoint answered HTTP 403: key [redacted] may not use this model');
  });

  it('refuses to build a client without an API key', () => {
    expect(() => createOpenAiChatClient(settings('http://127.0.0.1:1/v1', { apiKey: undefined }))).toThrow(LlmRequestError);
  });
});
