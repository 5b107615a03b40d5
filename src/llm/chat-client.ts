// The one adapter between the decision code and an OpenAI-compatible chat
// endpoint (Together AI by default). Everything above it talks to `ChatClient`,
// so tests can pass a plain object, or this real client pointed at a loopback server.
//
// Errors leave this module as `LlmRequestError`, whose message is already a
// readable, bounded, secret-free reason.
import type { OpenAI } from 'openai';
// The SDK (~210 KB once bundled) is loaded on the first request, see loadOpenAiSdk: the
// Kestra decide task without an LLM key never reads or compiles it (scripts/build.ts
// bundles it apart, as dist/tasks/lib/openai.cjs). Its error classes are taken from
// the loaded SDK too (statics of the OpenAI class): an eagerly imported copy of them
// would be other classes than the ones the lazily loaded SDK throws.
import { redactValue } from '../logs/redact.js';
import type { LlmSettings } from './settings.js';

export interface ChatRequest {
  system: string;
  user: string;
}

export interface ChatClient {
  readonly model: string;
  /** resolves with the assistant message's content; rejects (ideally with LlmRequestError) otherwise */
  complete(req: ChatRequest): Promise<string>;
}

export type LlmErrorKind = 'timeout' | 'http' | 'connection' | 'empty' | 'other';

export class LlmRequestError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmRequestError';
  }
}

/** Longest server-provided detail kept in a reason. */
const MAX_DETAIL_CHARS = 200;

/** The SDK's error classes, as the OpenAI class carries them. */
export type SdkErrors = Pick<typeof OpenAI, 'APIError' | 'APIConnectionError' | 'APIConnectionTimeoutError' | 'APIUserAbortError' | 'BadRequestError'>;

export interface ErrorContext {
  /** the loaded SDK: its errors are recognised (status, server message); without it only their shape is */
  sdk?: SdkErrors;
  /** per-attempt timeout, for the timeout reason */
  timeoutMs?: number;
  /** total attempts made (1 + retries), for the timeout reason */
  attempts?: number;
  /** the endpoint, for the unreachable reason (credentials and query are stripped) */
  baseURL?: string;
  /** strings that must never appear in a reason (the API key) */
  secrets?: ReadonlyArray<string | undefined>;
}

/** `https://host/v1` without user info, query or fragment; the raw text is never echoed. */
export function displayURL(baseURL: string): string {
  try {
    const url = new URL(baseURL);
    return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return '(invalid base URL)';
  }
}

function scrub(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.trim().length > 0) out = redactValue(secret)(out);
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_DETAIL_CHARS ? `${out.slice(0, MAX_DETAIL_CHARS - 1)}…` : out;
}

/** The first `code` found along an error's cause chain (ECONNREFUSED, ENOTFOUND, ...). */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const CONNECTION_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
};

/** Any error thrown while calling the endpoint, as a readable LlmRequestError. */
export function toLlmRequestError(error: unknown, ctx: ErrorContext = {}): LlmRequestError {
  if (error instanceof LlmRequestError) return error;
  const secrets = ctx.secrets ?? [];
  const sdk = ctx.sdk;
  const isApiError = (e: unknown): e is InstanceType<SdkErrors['APIError']> => sdk !== undefined && e instanceof sdk.APIError;

  // order matters: the timeout error is a connection error, which is an APIError
  if ((sdk && error instanceof sdk.APIConnectionTimeoutError) || isTimeoutLike(error, isApiError)) {
    const after = ctx.timeoutMs !== undefined ? ` after ${ctx.timeoutMs} ms` : '';
    const attempts = ctx.attempts !== undefined && ctx.attempts > 1 ? ` (${ctx.attempts} attempts)` : '';
    return new LlmRequestError('timeout', `LLM request timed out${after}${attempts}`);
  }
  if (sdk && error instanceof sdk.APIUserAbortError) {
    return new LlmRequestError('other', 'LLM request was aborted');
  }
  if (isApiError(error) && typeof error.status === 'number') {
    const detail = scrub(apiErrorDetail(error), secrets);
    return new LlmRequestError(
      'http',
      `LLM endpoint answered HTTP ${error.status}${detail ? `: ${detail}` : ''}`,
      error.status,
    );
  }
  if ((sdk && error instanceof sdk.APIConnectionError) || (!isApiError(error) && causeCode(error) !== undefined)) {
    const code = causeCode(error);
    const what = code ? (CONNECTION_WORDS[code] ?? code) : 'connection failed';
    const where = ctx.baseURL !== undefined ? `LLM endpoint ${displayURL(ctx.baseURL)}` : 'LLM endpoint';
    return new LlmRequestError('connection', `${where} is unreachable: ${what}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LlmRequestError('other', `LLM request failed: ${scrub(message, secrets) || 'unknown error'}`);
}

function isTimeoutLike(error: unknown, isApiError: (e: unknown) => boolean): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError') return true;
  return !isApiError(error) && /\btimed? ?out\b/i.test(error.message);
}

/** The server's own message, without the SDK's "500 " prefix. */
function apiErrorDetail(error: InstanceType<SdkErrors['APIError']>): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  return error.message.replace(/^\d{3}\s*/, '').replace(/^status code \(no body\)$/, '');
}

function rejectsResponseFormat(error: unknown, sdk: SdkErrors): boolean {
  return error instanceof sdk.BadRequestError && /response_format|response format|json_object|json mode/i.test(error.message);
}

let sdk: Promise<typeof OpenAI> | undefined;
let loaded: typeof OpenAI | undefined;

/** The `openai` client class, loaded once on first use (callers may await it early to keep it out of a timed request). */
export function loadOpenAiSdk(): Promise<typeof OpenAI> {
  sdk ??= import('openai').then((m) => (loaded = m.OpenAI));
  return sdk;
}

/** The SDK's error classes once loadOpenAiSdk has loaded it: an error of the SDK cannot exist before. */
export function loadedSdkErrors(): SdkErrors | undefined {
  return loaded;
}

/**
 * A ChatClient over the real `openai` SDK (loaded by the first request). Asks for a JSON object at
 * temperature 0; if the server rejects `response_format` (HTTP 400 naming it),
 * retries once without it and stops asking for it on later calls.
 */
export function createOpenAiChatClient(settings: LlmSettings): ChatClient {
  if (!settings.apiKey) {
    throw new LlmRequestError('other', 'LLM API key is not configured');
  }
  const apiKey = settings.apiKey;
  let openai: OpenAI | undefined;
  const client = async (): Promise<OpenAI> => {
    const OpenAIClient = await loadOpenAiSdk();
    openai ??= new OpenAIClient({
      baseURL: settings.baseURL,
      apiKey,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
      // no OpenAI-Organization / OpenAI-Project headers picked up from OPENAI_* variables
      organization: null,
      project: null,
      // the SDK's own console logging could print request details; we log outcomes ourselves
      logLevel: 'off',
    });
    return openai;
  };
  const ctx: ErrorContext = {
    timeoutMs: settings.timeoutMs,
    attempts: settings.maxRetries + 1,
    baseURL: settings.baseURL,
    secrets: [apiKey],
  };
  let jsonMode = true;

  async function call(req: ChatRequest, withJsonMode: boolean): Promise<string> {
    const completion = await (await client()).chat.completions.create({
      model: settings.model,
      temperature: 0,
      messages: [
        { role: 'system', content: req.system },
        { role: 'user', content: req.user },
      ],
      ...(withJsonMode ? { response_format: { type: 'json_object' as const } } : {}),
    });
    const choice = completion.choices?.[0];
    const content = choice?.message?.content;
    if (typeof content !== 'string' || content.trim() === '') {
      const finish = choice?.finish_reason ?? 'no choice';
      throw new LlmRequestError('empty', `LLM answer has no content (finish_reason: ${finish})`);
    }
    // A model (or a proxy) that echoes the key back must not carry it any further.
    return settings.apiKey ? redactValue(settings.apiKey)(content) : content;
  }

  return {
    model: settings.model,
    async complete(req: ChatRequest): Promise<string> {
      try {
        try {
          return await call(req, jsonMode);
        } catch (error) {
          if (!jsonMode || !rejectsResponseFormat(error, await loadOpenAiSdk())) throw error;
          jsonMode = false;
          return await call(req, false);
        }
      } catch (error) {
        throw toLlmRequestError(error, { ...ctx, sdk: loadedSdkErrors() });
      }
    },
  };
}
