// The Kestra REST API calls the scripts make (tenant `main`, basic auth), via axios.
// Paths and payloads follow Kestra OSS's webserver controllers (FlowController,
// NamespaceFileController, ExecutionController). Errors leave as KestraApiError
// with a message that says what failed and what to check.
import axios, { type AxiosInstance } from 'axios';

export interface KestraExecutionState {
  current: string;
  startDate?: string;
  endDate?: string;
  duration?: string;
  histories?: Array<{ state: string; date: string }>;
}

export interface KestraExecution {
  id: string;
  namespace: string;
  flowId: string;
  state: KestraExecutionState;
  outputs?: Record<string, unknown>;
  labels?: Array<{ key: string; value: string }>;
  taskRunList?: Array<{ taskId: string; state: KestraExecutionState; outputs?: Record<string, unknown> }>;
}

export class KestraApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'KestraApiError';
  }
}

/** Execution states after which nothing more happens (PAUSED waits for a human). */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED']);

export interface KestraClient {
  reachable(): Promise<{ version?: string }>;
  upsertFlows(namespace: string, sources: string[]): Promise<Array<{ id: string; revision?: number }>>;
  uploadNamespaceFile(namespace: string, path: string, content: Buffer | string): Promise<void>;
  triggerWebhook(namespace: string, flowId: string, key: string, body: unknown): Promise<{ id: string }>;
  getExecution(id: string): Promise<KestraExecution>;
}

function explain(err: unknown, what: string, baseURL: string): KestraApiError {
  if (axios.isAxiosError(err)) {
    const status = err.response?.status;
    if (status === 401) return new KestraApiError(`${what}: 401 Unauthorized: check KESTRA_USERNAME and KESTRA_PASSWORD`, 401);
    if (status) {
      const data = err.response?.data as { message?: string } | string | undefined;
      const message = typeof data === 'string' ? data.slice(0, 300) : (data?.message ?? '');
      return new KestraApiError(`${what}: HTTP ${status}${message ? `: ${message}` : ''}`, status);
    }
    return new KestraApiError(`${what}: Kestra at ${baseURL} is unreachable (${err.code ?? err.message}); start it with npm run kestra:up or set KESTRA_URL`);
  }
  return new KestraApiError(`${what}: ${(err as Error).message}`);
}

export function createKestraClient(opts: { url: string; username: string; password: string; timeoutMs?: number }): KestraClient {
  const http: AxiosInstance = axios.create({
    baseURL: opts.url,
    auth: { username: opts.username, password: opts.password },
    timeout: opts.timeoutMs ?? 15_000,
  });
  const api = '/api/v1/main';
  const call = async <T>(what: string, fn: () => Promise<{ data: T }>): Promise<T> => {
    try {
      return (await fn()).data;
    } catch (err) {
      throw explain(err, what, opts.url);
    }
  };
  return {
    reachable: () => call('GET /api/v1/configs', () => http.get<{ version?: string }>('/api/v1/configs')),
    // One request creates or updates every flow of the namespace; delete=false keeps flows we do not own.
    upsertFlows: (namespace, sources) =>
      call(`upload the flows of ${namespace}`, () =>
        http.post<Array<{ id: string; revision?: number }>>(`${api}/flows/${encodeURIComponent(namespace)}`, sources.join('\n---\n'), {
          params: { delete: false },
          headers: { 'content-type': 'application/x-yaml' },
        }),
      ),
    uploadNamespaceFile: async (namespace, path, content) => {
      const form = new FormData();
      const name = path.split('/').pop() ?? 'file';
      form.append('fileContent', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), name);
      await call(`upload ${path} to ${namespace}`, () =>
        http.post(`${api}/namespaces/${encodeURIComponent(namespace)}/files`, form, { params: { path } }),
      );
    },
    triggerWebhook: (namespace, flowId, key, body) =>
      call(`webhook ${namespace}/${flowId}`, () =>
        http.post<{ id: string }>(`${api}/executions/webhook/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}/${encodeURIComponent(key)}`, body, {
          headers: { 'content-type': 'application/json' },
        }),
      ),
    getExecution: (id) => call(`GET execution ${id}`, () => http.get<KestraExecution>(`${api}/executions/${encodeURIComponent(id)}`)),
  };
}

/** Polls an execution until it ends (or pauses for approval), or the deadline passes. */
export async function waitForExecution(
  client: KestraClient,
  id: string,
  opts: { timeoutMs: number; intervalMs?: number; sleep?: (ms: number) => Promise<void>; now?: () => number },
): Promise<KestraExecution> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    const execution = await client.getExecution(id);
    if (TERMINAL_STATES.has(execution.state.current) || execution.state.current === 'PAUSED') return execution;
    if (now() >= deadline) {
      throw new KestraApiError(`execution ${id} is still ${execution.state.current} after ${Math.round(opts.timeoutMs / 1000)} s; see it in the Kestra UI`);
    }
    await sleep(opts.intervalMs ?? 500);
  }
}
