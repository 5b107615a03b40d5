// A Kestra API double for tests: node:http on 127.0.0.1, speaking the wire format
// of Kestra 2.0's webserver (tenant `main`) for the endpoints this project uses.
// The real Kestra server cannot be installed on this machine (io.kestra:kestra is
// not on the reachable Maven mirror), so the deploy/trigger scripts and the
// dashboard are tested against this double; it runs no flows. Tests seed
// executions, or complete the ones a webhook created, with the outputs and
// labels the devops-loop flow would produce.
//
// Kestra 2.0 shape: an execution (GET, and each search result) carries no
// `outputs`, neither the flow's nor taskRunList[].outputs. The flow outputs are
// served on their own by GET /api/v1/main/outputs/executions/{id}: a JSON object
// output id → value, 404 while the execution has none (unknown execution, or no
// outputs written yet; a failed execution may have only some). Seeds' and
// completeExecution's `outputs` go there.
//
// Endpoints (from webserver/.../ExecutionController, FlowController and
// NamespaceFileController in kestra-io/kestra):
//   GET  /api/v1/configs                                   (reachability)
//   GET  /api/v1/main/executions/search?page&size&sort&namespace&flowId&state&labels
//        and the filters[field][OP]=value form            → { results, total }
//   GET  /api/v1/main/executions/{id}                      → Execution (no outputs) | 404
//   GET  /api/v1/main/outputs/executions/{id}              → { outputId: value, … } | 404
//   GET  /api/v1/main/executions/{id}/file?path=kestra:///… → application/octet-stream | 404;
//        406 when the request's Accept admits only other types (e.g. application/json)
//   POST /api/v1/main/executions/webhook/{ns}/{flowId}/{key} → WebhookResponse (execution created)
//   POST /api/v1/main/flows/{namespace}?delete=false       (application/x-yaml, `---`-separated) → flows
//   GET  /api/v1/main/flows/{namespace}/{id}               → flow | 404
//   POST /api/v1/main/namespaces/{ns}/files?path=/…        (multipart/form-data, part `fileContent`)
//   GET  /api/v1/main/namespaces/{ns}/files?path=/…        → bytes | 404
// Every /api/v1/main/** request needs HTTP basic auth (401 otherwise), as with
// Kestra's basic-auth configuration.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type KestraStateType =
  | 'CREATED'
  | 'RUNNING'
  | 'PAUSED'
  | 'SUCCESS'
  | 'WARNING'
  | 'FAILED'
  | 'KILLED'
  | 'CANCELLED'
  | 'QUEUED'
  | 'RETRYING';

export interface KestraState {
  current: KestraStateType;
  startDate: string;
  endDate?: string;
  duration?: string;
  histories: Array<{ state: KestraStateType; date: string }>;
}

/** As Kestra 2.0 serves it: no `outputs`. */
export interface KestraTaskRun {
  id: string;
  taskId: string;
  state: KestraState;
}

export interface KestraExecution {
  id: string;
  namespace: string;
  flowId: string;
  flowRevision: number;
  state: KestraState;
  inputs?: Record<string, unknown>;
  labels: Array<{ key: string; value: string }>;
  taskRunList: KestraTaskRun[];
  trigger?: { id: string; type: string; variables: Record<string, unknown> };
}

export interface KestraExecutionSeed {
  id?: string;
  namespace?: string;
  flowId?: string;
  state?: KestraStateType;
  /** ISO date; default now */
  startDate?: string;
  /** ISO date; default startDate + 2 s for ended states */
  endDate?: string;
  inputs?: Record<string, unknown>;
  /** the flow outputs, served by /outputs/executions/{id} (not in the execution) */
  outputs?: Record<string, unknown>;
  labels?: Record<string, string>;
  taskRunList?: KestraTaskRun[];
  trigger?: KestraExecution['trigger'];
}

export interface RecordedKestraRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  accept: string | undefined;
  body: Buffer;
}

export interface StoredFlow {
  namespace: string;
  id: string;
  revision: number;
  source: string;
}

export interface KestraDouble {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly requests: RecordedKestraRequest[];
  /** `${namespace}/${id}` → flow */
  readonly flows: Map<string, StoredFlow>;
  /** `${namespace}:${path}` → content */
  readonly namespaceFiles: Map<string, Buffer>;
  readonly executions: Map<string, KestraExecution>;
  /** execution id → flow outputs (what /outputs/executions/{id} answers) */
  readonly outputs: Map<string, Record<string, unknown>>;
  addExecution(seed: KestraExecutionSeed): KestraExecution;
  /** ends an execution (e.g. one a webhook created) the way the flow would */
  completeExecution(id: string, end: Omit<KestraExecutionSeed, 'id' | 'startDate'>): KestraExecution;
  putExecutionFile(uri: string, content: string | Buffer): void;
  /** true: every connection is reset, as when Kestra is stopped */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

const TENANT_PREFIX = '/api/v1/main';
const ENDED: ReadonlySet<KestraStateType> = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED']);

/** Whether an Accept header admits `type` (absent: anything; q=0 excludes). */
function accepts(header: string | undefined, type: string): boolean {
  if (!header || header.trim() === '') return true;
  const [major] = type.split('/');
  return header.split(',').some((range) => {
    const [media = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) return false;
    return media === '*/*' || media === `${major}/*` || media === type;
  });
}

/** Kestra execution ids are 22-character base62 strings. */
function executionId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  return Array.from(randomBytes(22), (b) => alphabet[b % 62]).join('');
}

function isoDuration(ms: number): string {
  return `PT${(ms / 1000).toFixed(3)}S`;
}

function buildState(current: KestraStateType, startDate: string, endDate?: string): KestraState {
  const histories: KestraState['histories'] = [{ state: 'CREATED', date: startDate }];
  if (current !== 'CREATED') histories.push({ state: 'RUNNING', date: startDate });
  if (current !== 'CREATED' && current !== 'RUNNING') histories.push({ state: current, date: endDate ?? startDate });
  const state: KestraState = { current, startDate, histories };
  if (ENDED.has(current)) {
    const end = endDate ?? new Date(Date.parse(startDate) + 2000).toISOString();
    state.endDate = end;
    state.duration = isoDuration(Date.parse(end) - Date.parse(startDate));
    histories[histories.length - 1] = { state: current, date: end };
  }
  return state;
}

/** The id and namespace lines of a flow source (top-level keys only). */
function flowIdentity(source: string): { id?: string; namespace?: string } {
  const top = (key: string) => source.match(new RegExp(`^${key}:\\s*["']?([^"'\\s#]+)`, 'm'))?.[1];
  const id = top('id');
  const namespace = top('namespace');
  return { ...(id ? { id } : {}), ...(namespace ? { namespace } : {}) };
}

/** The `key`s of the flow's webhook triggers: literal, or `{{ secret('NAME') }}` resolved from `secrets`. */
function webhookKeys(source: string, secrets: Record<string, string>): string[] {
  return [...source.matchAll(/^\s+key:\s*(.+?)\s*$/gm)].map((m) => {
    const raw = m[1]!.replace(/^["']|["']$/g, '');
    const secret = raw.match(/^\{\{\s*secret\(['"]([A-Za-z0-9_]+)['"]\)\s*\}\}$/);
    return secret ? (secrets[secret[1]!] ?? '') : raw;
  }).filter(Boolean);
}

/** Parses one multipart/form-data body; returns the named parts. */
function parseMultipart(body: Buffer, contentType: string): Map<string, { filename?: string; data: Buffer }> {
  const boundary = contentType.match(/boundary=(?:"([^"]+)"|([^;]+))/)?.slice(1).find(Boolean);
  const parts = new Map<string, { filename?: string; data: Buffer }>();
  if (!boundary) return parts;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const chunk = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = chunk.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = chunk.subarray(0, headerEnd).toString('utf8');
      const name = headers.match(/name="([^"]*)"/)?.[1];
      const filename = headers.match(/filename="([^"]*)"/)?.[1];
      if (name) parts.set(name, { ...(filename !== undefined ? { filename } : {}), data: chunk.subarray(headerEnd + 4) });
    }
    start = next;
  }
  return parts;
}

export async function startKestraDouble(
  opts: { username?: string; password?: string; port?: number; secrets?: Record<string, string> } = {},
): Promise<KestraDouble> {
  const username = opts.username ?? 'admin@kestra.io';
  const password = opts.password ?? 'Kestra-test-1';
  const requests: RecordedKestraRequest[] = [];
  const flows = new Map<string, StoredFlow>();
  const namespaceFiles = new Map<string, Buffer>();
  const executions = new Map<string, KestraExecution>();
  const outputs = new Map<string, Record<string, unknown>>();
  const executionFiles = new Map<string, Buffer>();
  const sockets = new Set<Socket>();
  let down = false;

  const addExecution = (seed: KestraExecutionSeed): KestraExecution => {
    const startDate = seed.startDate ?? new Date().toISOString();
    const execution: KestraExecution = {
      id: seed.id ?? executionId(),
      namespace: seed.namespace ?? 'ai.devops.commander',
      flowId: seed.flowId ?? 'devops-loop',
      flowRevision: 1,
      state: buildState(seed.state ?? 'SUCCESS', startDate, seed.endDate),
      ...(seed.inputs ? { inputs: seed.inputs } : {}),
      labels: Object.entries(seed.labels ?? {}).map(([key, value]) => ({ key, value })),
      taskRunList: seed.taskRunList ?? [],
      ...(seed.trigger ? { trigger: seed.trigger } : {}),
    };
    executions.set(execution.id, execution);
    if (seed.outputs) outputs.set(execution.id, seed.outputs);
    else outputs.delete(execution.id);
    return execution;
  };

  const send = (res: ServerResponse, status: number, body: unknown, type = 'application/json') => {
    const payload = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' && type !== 'application/json' ? body : JSON.stringify(body));
    res.writeHead(status, { 'content-type': type, 'content-length': payload.length });
    res.end(payload);
  };
  const notFound = (res: ServerResponse, message: string) => send(res, 404, { message, _embedded: { errors: [{ message }] } });

  const authorized = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${username}:${password}`;
  };

  /** Kestra's search filters: legacy params, or filters[field][OP]=value. */
  const matches = (e: KestraExecution, q: URLSearchParams): boolean => {
    const namespace = q.get('namespace') ?? q.get('filters[namespace][EQUALS]') ?? q.get('filters[namespace][PREFIX]');
    if (namespace && !(e.namespace === namespace || e.namespace.startsWith(`${namespace}.`))) return false;
    const flowId = q.get('flowId') ?? q.get('filters[flowId][EQUALS]');
    if (flowId && e.flowId !== flowId) return false;
    const states = [...q.getAll('state'), ...q.getAll('filters[state][IN]'), ...q.getAll('filters[state][EQUALS]')].flatMap((s) => s.split(','));
    if (states.length > 0 && !states.includes(e.state.current)) return false;
    const labelOf = (key: string) => e.labels.find((l) => l.key === key)?.value;
    for (const label of q.getAll('labels')) {
      const [key, value] = label.split(':');
      if (key && labelOf(key) !== value) return false;
    }
    for (const [param, value] of q) {
      const m = param.match(/^filters\[labels\]\[EQUALS\]\[(.+)\]$/);
      if (m && labelOf(m[1]!) !== value) return false;
    }
    const startDate = q.get('startDate') ?? q.get('filters[startDate][GREATER_THAN_OR_EQUAL_TO]');
    if (startDate && Date.parse(e.state.startDate) < Date.parse(startDate)) return false;
    const endDate = q.get('endDate') ?? q.get('filters[endDate][LESS_THAN_OR_EQUAL_TO]');
    if (endDate && Date.parse(e.state.startDate) > Date.parse(endDate)) return false;
    return true;
  };

  const search = (q: URLSearchParams) => {
    const page = Number(q.get('page') ?? '1');
    const size = Number(q.get('size') ?? '10');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(size) || size < 1) {
      return { status: 400, body: { message: 'Invalid page or size: both must be integers >= 1' } };
    }
    const sort = q.get('sort') ?? 'state.startDate:desc';
    const descending = !sort.endsWith(':asc');
    const found = [...executions.values()]
      .filter((e) => matches(e, q))
      .sort((a, b) => (Date.parse(a.state.startDate) - Date.parse(b.state.startDate)) * (descending ? -1 : 1));
    return { status: 200, body: { results: found.slice((page - 1) * size, page * size), total: found.length } };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    requests.push({ method, path, query: url.searchParams, contentType: req.headers['content-type'], accept: req.headers.accept, body });

    if (method === 'GET' && path === '/api/v1/configs') return send(res, 200, { version: 'double', isBasicAuthEnabled: true });
    if (!path.startsWith(`${TENANT_PREFIX}/`)) return notFound(res, `Page Not Found: ${path}`);
    if (!authorized(req)) {
      res.setHeader('www-authenticate', 'Basic realm="Kestra"');
      return send(res, 401, { message: 'Unauthorized' });
    }
    const rest = path.slice(TENANT_PREFIX.length);
    let m: RegExpMatchArray | null;

    if (method === 'GET' && rest === '/executions/search') {
      const r = search(url.searchParams);
      return send(res, r.status, r.body);
    }
    if (method === 'POST' && (m = rest.match(/^\/executions\/webhook\/([^/]+)\/([^/]+)\/([^/]+)$/))) {
      const [, namespace, flowId, key] = m as unknown as [string, string, string, string];
      const flow = flows.get(`${namespace}/${flowId}`);
      if (!flow) return notFound(res, 'Flow not found');
      if (!webhookKeys(flow.source, opts.secrets ?? {}).includes(key)) return notFound(res, 'Webhook not found');
      let parsed: unknown = body.toString('utf8');
      try {
        parsed = JSON.parse(parsed as string);
      } catch {
        // Kestra passes a non-JSON body through as a string
      }
      const execution = addExecution({
        namespace,
        flowId,
        state: 'CREATED',
        trigger: { id: 'webhook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body: parsed, headers: {} } },
      });
      return send(res, 200, {
        id: execution.id,
        namespace,
        flowId,
        flowRevision: flow.revision,
        state: execution.state,
        url: `/ui/main/executions/${namespace}/${flowId}/${execution.id}`,
      });
    }
    if (method === 'GET' && (m = rest.match(/^\/outputs\/executions\/([^/]+)$/))) {
      const found = executions.has(m[1]!) ? outputs.get(m[1]!) : undefined;
      return found ? send(res, 200, found) : notFound(res, `Unable to find outputs of execution '${m[1]}'`);
    }
    if (method === 'GET' && (m = rest.match(/^\/executions\/([^/]+)\/file$/))) {
      // the controller produces application/octet-stream: other Accept types get 406
      if (!accepts(req.headers.accept, 'application/octet-stream')) {
        return send(res, 406, { message: `Not Acceptable: the file is application/octet-stream, the request accepts ${req.headers.accept}` });
      }
      const file = executionFiles.get(url.searchParams.get('path') ?? '');
      if (!executions.has(m[1]!) || !file) return notFound(res, `Unable to find file ${url.searchParams.get('path')}`);
      return send(res, 200, file, 'application/octet-stream');
    }
    if (method === 'GET' && (m = rest.match(/^\/executions\/([^/]+)$/))) {
      const execution = executions.get(m[1]!);
      return execution ? send(res, 200, execution) : notFound(res, `Unable to find execution '${m[1]}'`);
    }
    if (method === 'POST' && (m = rest.match(/^\/flows\/([^/]+)$/)) && m[1] !== 'validate') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/x-yaml')) {
        return send(res, 415, { message: `Unsupported Media Type: ${req.headers['content-type']}` });
      }
      const namespace = m[1]!;
      const saved: StoredFlow[] = [];
      for (const source of body.toString('utf8').split('---').map((s) => s.trim()).filter(Boolean)) {
        const identity = flowIdentity(source);
        if (!identity.id || !identity.namespace) return send(res, 422, { message: 'Invalid entity: flow.id and flow.namespace are required' });
        if (identity.namespace !== namespace) {
          return send(res, 422, { message: `Invalid entity: flow namespace '${identity.namespace}' is not '${namespace}'` });
        }
        const key = `${namespace}/${identity.id}`;
        const previous = flows.get(key);
        const flow: StoredFlow = {
          namespace,
          id: identity.id,
          source,
          revision: previous ? (previous.source === source ? previous.revision : previous.revision + 1) : 1,
        };
        flows.set(key, flow);
        saved.push(flow);
      }
      return send(res, 200, saved.map((f) => ({ id: f.id, namespace: f.namespace, revision: f.revision })));
    }
    if (method === 'GET' && (m = rest.match(/^\/flows\/([^/]+)\/([^/]+)$/))) {
      const flow = flows.get(`${m[1]}/${m[2]}`);
      return flow ? send(res, 200, { id: flow.id, namespace: flow.namespace, revision: flow.revision, source: flow.source }) : notFound(res, 'Flow not found');
    }
    if ((m = rest.match(/^\/namespaces\/([^/]+)\/files$/))) {
      const namespace = m[1]!;
      const filePath = url.searchParams.get('path');
      if (!filePath) return send(res, 400, { message: 'Required QueryValue [path] not specified' });
      const key = `${namespace}:${filePath.startsWith('/') ? filePath : `/${filePath}`}`;
      if (method === 'GET') {
        const file = namespaceFiles.get(key);
        return file ? send(res, 200, file, 'application/octet-stream') : notFound(res, `File not found: ${filePath}`);
      }
      if (method === 'POST') {
        const part = parseMultipart(body, req.headers['content-type'] ?? '').get('fileContent');
        if (!part) return send(res, 400, { message: 'Required Part [fileContent] not specified' });
        namespaceFiles.set(key, part.data);
        res.writeHead(200);
        return res.end();
      }
    }
    return notFound(res, `Page Not Found: ${method} ${path}`);
  };

  const server = createServer((req, res) => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        send(res, 500, { message: (err as Error).message });
      }
    });
  });
  server.on('connection', (socket) => {
    if (down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    username,
    password,
    requests,
    flows,
    namespaceFiles,
    executions,
    outputs,
    addExecution,
    completeExecution(id, end) {
      const execution = executions.get(id);
      if (!execution) throw new Error(`no execution ${id}`);
      const state = end.state ?? 'SUCCESS';
      execution.state = buildState(state, execution.state.startDate, end.endDate);
      if (end.outputs) outputs.set(id, end.outputs);
      if (end.inputs) execution.inputs = end.inputs;
      if (end.labels) execution.labels = Object.entries(end.labels).map(([key, value]) => ({ key, value }));
      if (end.taskRunList) execution.taskRunList = end.taskRunList;
      return execution;
    },
    putExecutionFile(uri, content) {
      executionFiles.set(uri, Buffer.isBuffer(content) ? content : Buffer.from(content));
    },
    setDown(value) {
      down = value;
      if (value) for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
