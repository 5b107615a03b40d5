// The Kestra REST API calls the scripts make (tenant `main`, basic auth), via axios.
// Paths and payloads follow Kestra 2.0's webserver controllers (FlowController,
// NamespaceFileController, ExecutionController, OutputController, LogController),
// which the local Kestra (local-kestra/) serves too. Kestra 2.0 keeps outputs out
// of the execution: the flow's outputs come from GET /outputs/executions/{id}.
// Errors leave as KestraApiError with a message that says what failed and what to check.
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
  labels?: Array<{ key: string; value: string }>;
  /** no outputs here in Kestra 2.0: see getExecutionOutputs */
  taskRunList?: Array<{ id: string; taskId: string; state: KestraExecutionState }>;
}

export type KestraLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** One line of an execution's log (GET /logs/{executionId}). */
export interface KestraLogEntry {
  timestamp: string;
  level: string;
  message: string;
  taskId?: string;
  taskRunId?: string;
  attemptNumber?: number;
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
  /** GET /api/v1/configs, which a Kestra server answers without credentials */
  reachable(): Promise<{ version?: string }>;
  /** an authenticated call (one execution search result): rejects with status 401 on wrong credentials */
  checkCredentials(): Promise<void>;
  upsertFlows(namespace: string, sources: string[]): Promise<Array<{ id: string; revision?: number }>>;
  uploadNamespaceFile(namespace: string, path: string, content: Buffer | string): Promise<void>;
  triggerWebhook(namespace: string, flowId: string, key: string, body: unknown): Promise<{ id: string }>;
  getExecution(id: string): Promise<KestraExecution>;
  /**
   * One page (1-based) of GET /executions/search: `filters` as Kestra 2.0's query
   * (`{'filters[flowId][EQUALS]': 'devops-loop'}`), whole executions as the UI's list gets them.
   */
  searchExecutions(filters: Record<string, string>, page: number, size: number): Promise<{ results: KestraExecution[]; total: number }>;
  /** the flow's outputs (`outputs:` of the flow) by id; {} while the execution has none */
  getExecutionOutputs(id: string): Promise<Record<string, unknown>>;
  /** resumes a PAUSED execution (e.g. one waiting for rollback approval) */
  resumeExecution(id: string): Promise<KestraExecution>;
  /** kills an execution that has not ended */
  killExecution(id: string): Promise<KestraExecution>;
  /** the execution's log lines, oldest first, from minLevel up (default all) */
  getLogs(id: string, minLevel?: KestraLogLevel): Promise<KestraLogEntry[]>;
  /** a manual run of a flow (as the UI's Execute): inputs as the form fields Kestra types by the flow's inputs */
  createExecution(namespace: string, flowId: string, inputs: Record<string, string>): Promise<KestraExecution>;
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
  const getExecution = (id: string) => call(`GET execution ${id}`, () => http.get<KestraExecution>(`${api}/executions/${encodeURIComponent(id)}`));
  return {
    reachable: () => call('GET /api/v1/configs', () => http.get<{ version?: string }>('/api/v1/configs')),
    checkCredentials: async () => {
      await call('GET executions/search', () => http.get(`${api}/executions/search`, { params: { page: 1, size: 1 } }));
    },
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
    getExecution,
    searchExecutions: (filters, page, size) =>
      call('GET executions/search', () =>
        http.get<{ results: KestraExecution[]; total: number }>(`${api}/executions/search`, { params: { ...filters, page, size } }),
      ),
    getExecutionOutputs: async (id) => {
      try {
        return await call(`GET outputs of execution ${id}`, () => http.get<Record<string, unknown>>(`${api}/outputs/executions/${encodeURIComponent(id)}`));
      } catch (err) {
        // 404 means "no outputs (yet)" for an execution that exists, e.g. one that failed early
        if (!(err instanceof KestraApiError) || err.status !== 404) throw err;
        await getExecution(id);
        return {};
      }
    },
    resumeExecution: (id) =>
      call(`resume execution ${id}`, () => http.post<KestraExecution>(`${api}/executions/${encodeURIComponent(id)}/actions/resume`)),
    killExecution: (id) => call(`kill execution ${id}`, () => http.delete<KestraExecution>(`${api}/executions/${encodeURIComponent(id)}/actions/kill`)),
    getLogs: (id, minLevel) =>
      call(`GET logs of execution ${id}`, () =>
        http.get<KestraLogEntry[]>(`${api}/logs/${encodeURIComponent(id)}`, { params: minLevel ? { minLevel } : {} }),
      ),
    createExecution: (namespace, flowId, inputs) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(inputs)) form.append(name, value);
      return call(`create an execution of ${namespace}.${flowId}`, () =>
        http.post<KestraExecution>(`${api}/executions/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}`, form),
      );
    },
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
