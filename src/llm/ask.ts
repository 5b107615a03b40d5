// One question to the LLM, whatever happens: the outcome is data (answered or
// failed, with latency and a readable reason), never an exception.
import type { LlmOutcome } from '../decision/types.js';
import { redactSecrets } from '../logs/redact.js';
import { parseLlmAnswer } from './answer.js';
import { loadedSdkErrors, toLlmRequestError, type ChatClient } from './chat-client.js';
import type { Prompt } from './prompt.js';

/** A readable, secret-free reason for any error a ChatClient threw. */
export function describeLlmError(error: unknown): string {
  return redactSecrets(toLlmRequestError(error, { sdk: loadedSdkErrors() }).message);
}

export async function askLlm(
  client: ChatClient,
  prompt: Prompt,
  now: () => number = () => performance.now(),
): Promise<LlmOutcome> {
  const started = now();
  const latency = (): number => Math.max(0, Math.round(now() - started));
  let text: string;
  try {
    text = await client.complete({ system: prompt.system, user: prompt.user });
  } catch (error) {
    return { status: 'failed', reason: describeLlmError(error), latency_ms: latency(), model: client.model };
  }
  const latency_ms = latency();
  // The answer is stored, shown and logged: token-shaped strings never survive it.
  const parsed = parseLlmAnswer(redactSecrets(text));
  if (!parsed.ok) {
    return { status: 'failed', reason: `invalid LLM answer: ${parsed.reason}`, latency_ms, model: client.model };
  }
  return { status: 'answered', latency_ms, model: client.model, ...parsed.answer };
}
