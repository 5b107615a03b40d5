// A loopback OpenAI-compatible chat server for tests: node:http on 127.0.0.1,
// port 0. It answers `POST /v1/chat/completions` with the real response shape
// and records every request (headers and parsed JSON body) so tests can assert
// what the real `openai` SDK actually sent.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** the parsed JSON body, or the raw text when it was not JSON */
  body: any;
  rawBody: string;
}

export type ServerReply =
  /** a 200 chat completion whose message content is `content` */
  | { content: string | null; finishReason?: string; delayMs?: number; model?: string }
  /** any other answer: status, JSON body (or raw text), extra headers */
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

export type Responder = (request: RecordedRequest, index: number) => ServerReply | Promise<ServerReply>;

export interface OpenAiCompatibleServer {
  /** e.g. http://127.0.0.1:43127/v1 - pass as LlmSettings.baseURL */
  readonly baseURL: string;
  /** every request received, in order (recorded once its body has arrived) */
  readonly requests: RecordedRequest[];
  /** chat-completion requests only */
  chatRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/** The response body of a real `POST /v1/chat/completions`. */
export function chatCompletion(content: string | null, model: string, finishReason = 'stop') {
  return {
    id: `chatcmpl-test-${Math.random().toString(36).slice(2, 10)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  };
}

/** An error body in the shape OpenAI-compatible servers use. */
export function openAiError(message: string, type = 'invalid_request_error', param: string | null = null) {
  return { error: { message, type, param, code: null } };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export async function startOpenAiCompatibleServer(
  responder: Responder | ServerReply,
): Promise<OpenAiCompatibleServer> {
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const respond: Responder = typeof responder === 'function' ? responder : () => responder;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = rawBody;
      try {
        body = JSON.parse(rawBody);
      } catch {
        // keep the raw text
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        rawBody,
      };
      const index = requests.length;
      requests.push(recorded);

      if (req.method !== 'POST' || !(req.url ?? '').startsWith('/v1/chat/completions')) {
        send(res, 404, openAiError(`no route for ${req.method} ${req.url}`, 'not_found'));
        return;
      }

      void Promise.resolve(respond(recorded, index)).then(
        (reply) => {
          const deliver = (): void => {
            if (res.destroyed || res.writableEnded) return;
            if ('status' in reply) {
              send(res, reply.status, reply.body ?? '', reply.headers);
            } else {
              const model = reply.model ?? (recorded.body as { model?: string })?.model ?? 'test-model';
              send(res, 200, chatCompletion(reply.content, model, reply.finishReason));
            }
          };
          if (reply.delayMs && reply.delayMs > 0) {
            const timer = setTimeout(() => {
              timers.delete(timer);
              deliver();
            }, reply.delayMs);
            timers.add(timer);
            res.on('close', () => {
              clearTimeout(timer);
              timers.delete(timer);
            });
          } else {
            deliver();
          }
        },
        (error: unknown) => send(res, 500, openAiError(`test responder threw: ${String(error)}`, 'server_error')),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path.startsWith('/v1/chat/completions')),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
