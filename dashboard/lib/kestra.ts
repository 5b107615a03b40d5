// The dashboard's one data-access module: every read of Kestra's (2.0) REST API
// goes through here, on the server (the credentials never leave it). Answers are
// validated once with zod; failures are classified (unreachable, 401, ...) so the
// page can say which, and the last good list is kept to stay on screen meanwhile.
//
// Kestra 2.0: executions carry no outputs. The list is one search request per
// poll, its decisions read from the labels devops-loop sets; the deployment page
// reads the execution, its flow outputs (/outputs/executions/{id}) and the files
// those name. JSON endpoints are asked for application/json; the file download
// serves application/octet-stream and answers 406 to `Accept: application/json`.
import { getConfig, type DashboardConfig } from './config';
import { toDeploymentRow, toDetailRow, type DeploymentRow } from './deployment';
import { rangeStart, type ListFilters } from './filters';
import { approvalWait, reviewFromLabels, type ApprovalWait, type ReviewRecord } from './review-record';
import { serviceHistory, type ServiceHistory, type VerdictDigest } from './service-history';
import {
  DecisionFileSchema,
  ExecutionOutputsSchema,
  ExecutionSchema,
  FlowOutputsSchema,
  FlowSchema,
  ScenarioFileSchema,
  TaskOutputsSchema,
  SearchResultSchema,
  type DecisionFile,
  type FlowInput,
  type FlowOutputs,
  type KestraExecution,
  type ScenarioFile,
} from './kestra-schema';

export type ProblemKind = 'unreachable' | 'unauthorized' | 'not_found' | 'bad_response' | 'config' | 'conflict' | 'rejected';

export interface Problem {
  kind: ProblemKind;
  /** one sentence for the banner; never contains credentials */
  message: string;
  status?: number;
}

export class KestraError extends Error {
  override name = 'KestraError';
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

type Fetch = typeof fetch;

export interface KestraClient {
  /** ONE request: the newest page of devops-loop executions matching the filters */
  searchExecutions(filters: Pick<ListFilters, 'service' | 'range'>, now?: number): Promise<{ executions: KestraExecution[]; total: number }>;
  getExecution(id: string): Promise<KestraExecution>;
  /**
   * The execution's flow outputs (GET /outputs/executions/{id}); null when Kestra
   * answers 404: none written yet (running) or no such execution.
   */
  getExecutionOutputs(id: string): Promise<FlowOutputs | null>;
  /** an execution's internal-storage file (kestra:///...) as text */
  getExecutionFile(executionId: string, uri: string): Promise<string>;
  /** the files a task run kept (GET /outputs/tasks/{id}/{taskRunId}): before the flow's outputs exist (paused, killed) */
  getTaskOutputFiles(executionId: string, taskRunId: string): Promise<Record<string, string>>;
  /** the devops-loop flow's typed inputs (GET /flows/{namespace}/{id}) */
  getFlowInputs(): Promise<FlowInput[]>;
  /** POST /executions/{namespace}/{id}: a manual run with typed inputs (multipart, as Kestra's UI sends them) */
  createExecution(inputs: Record<string, string>, labels: Record<string, string>): Promise<KestraExecution>;
  /** POST /executions/{id}/actions/resume; Kestra answers 409 (a 'conflict' problem) when it is not paused */
  resumeExecution(id: string): Promise<void>;
  /** DELETE /executions/{id}/actions/kill; 409 when it already ended */
  killExecution(id: string): Promise<void>;
  /** POST /executions/{id}/actions/labels: the execution's whole label set (Kestra keeps its system labels); terminated executions only */
  setLabels(id: string, labels: ReadonlyArray<{ key: string; value: string }>): Promise<void>;
}

/** What each kind of endpoint is asked for: the file download is application/octet-stream (406 to application/json). */
const ACCEPT_JSON = 'application/json';
const ACCEPT_FILE = '*/*';

export function createKestraClient(config: DashboardConfig, fetchImpl: Fetch = fetch): KestraClient {
  const base = `${config.kestraUrl}/api/v1/${config.tenant}`;
  const auth: Record<string, string> = {};
  if (config.username !== undefined || config.password !== undefined) {
    auth.authorization = `Basic ${Buffer.from(`${config.username ?? ''}:${config.password ?? ''}`).toString('base64')}`;
  }

  const request = async (
    path: string,
    what: string,
    accept: string = ACCEPT_JSON,
    init: { method?: string; body?: BodyInit; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method: init.method ?? 'GET',
        body: init.body,
        headers: { ...auth, accept, ...init.headers },
        cache: 'no-store',
        signal: AbortSignal.timeout(init.timeoutMs ?? config.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
      throw new KestraError({ kind: 'unreachable', message: `Kestra is unreachable at ${config.kestraUrl} (${cause}).` });
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new KestraError({
        kind: 'unauthorized',
        status: res.status,
        message: `Kestra refused the dashboard's credentials (HTTP ${res.status}): check KESTRA_USERNAME and KESTRA_PASSWORD.`,
      });
    }
    if (res.status === 404) {
      await res.body?.cancel();
      throw new KestraError({ kind: 'not_found', status: 404, message: `Kestra has no ${what}.` });
    }
    if (res.status === 409 || res.status === 400 || res.status === 422) {
      // Kestra says why ({"message": ...}): the action's answer shows it
      const said = await kestraMessage(res);
      throw new KestraError({
        kind: res.status === 409 ? 'conflict' : 'rejected',
        status: res.status,
        message: `Kestra refused to ${what} (HTTP ${res.status})${said ? `: ${said}` : '.'}`,
      });
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new KestraError({ kind: 'bad_response', status: res.status, message: `Kestra answered HTTP ${res.status} for ${what}.` });
    }
    return res;
  };

  const json = async (res: Response, what: string): Promise<unknown> => {
    try {
      return await res.json();
    } catch {
      throw new KestraError({ kind: 'bad_response', message: `Kestra's answer for ${what} is not JSON.` });
    }
  };

  return {
    async searchExecutions(filters, now = Date.now()) {
      const q = new URLSearchParams({ page: '1', size: String(config.pageSize), sort: 'state.startDate:desc' });
      q.set('filters[namespace][EQUALS]', config.namespace);
      q.set('filters[flowId][EQUALS]', config.flowId);
      if (filters.service) q.set('filters[labels][EQUALS][service]', filters.service);
      const from = rangeStart(filters.range, now);
      if (from !== null) q.set('filters[startDate][GREATER_THAN_OR_EQUAL_TO]', new Date(from).toISOString());
      const what = 'executions search';
      const parsed = SearchResultSchema.safeParse(await json(await request(`/executions/search?${q}`, what), what));
      if (!parsed.success) throw new KestraError({ kind: 'bad_response', message: "Kestra's executions search answer has an unexpected shape." });
      // one malformed execution is skipped, not fatal to the list
      const executions = parsed.data.results.flatMap((r) => {
        const e = ExecutionSchema.safeParse(r);
        return e.success ? [e.data] : [];
      });
      return { executions, total: parsed.data.total ?? executions.length };
    },
    async getExecution(id) {
      const what = `execution ${id}`;
      const parsed = ExecutionSchema.safeParse(await json(await request(`/executions/${encodeURIComponent(id)}`, what), what));
      if (!parsed.success) throw new KestraError({ kind: 'bad_response', message: `Kestra's answer for execution ${id} has an unexpected shape.` });
      return parsed.data;
    },
    async getExecutionOutputs(id) {
      const what = `outputs of execution ${id}`;
      let res: Response;
      try {
        res = await request(`/outputs/executions/${encodeURIComponent(id)}`, what);
      } catch (err) {
        if (err instanceof KestraError && err.problem.kind === 'not_found') return null;
        throw err;
      }
      const parsed = ExecutionOutputsSchema.safeParse(await json(res, what));
      if (!parsed.success) throw new KestraError({ kind: 'bad_response', message: `Kestra's answer for the outputs of execution ${id} has an unexpected shape.` });
      // field by field: a wrong-typed output becomes undefined, the others stay
      const outputs = FlowOutputsSchema.safeParse(parsed.data);
      return outputs.success ? outputs.data : {};
    },
    async getExecutionFile(executionId, uri) {
      const what = `file ${uri}`;
      const res = await request(`/executions/${encodeURIComponent(executionId)}/file?${new URLSearchParams({ path: uri })}`, what, ACCEPT_FILE);
      return res.text();
    },
    async getTaskOutputFiles(executionId, taskRunId) {
      const what = `outputs of task run ${taskRunId}`;
      const res = await request(`/outputs/tasks/${encodeURIComponent(executionId)}/${encodeURIComponent(taskRunId)}`, what);
      const parsed = TaskOutputsSchema.safeParse(await json(res, what));
      return parsed.success ? (parsed.data.outputFiles ?? {}) : {};
    },
    async getFlowInputs() {
      const what = `flow ${config.namespace}.${config.flowId}`;
      const parsed = FlowSchema.safeParse(await json(await request(`/flows/${config.namespace}/${config.flowId}`, what), what));
      if (!parsed.success) throw new KestraError({ kind: 'bad_response', message: `Kestra's answer for flow ${config.namespace}.${config.flowId} has an unexpected shape.` });
      return parsed.data.inputs ?? [];
    },
    async createExecution(inputs, labels) {
      const form = new FormData();
      for (const [k, v] of Object.entries(inputs)) form.append(k, v);
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(labels)) q.append('labels', `${k}:${v}`);
      const what = `start flow ${config.namespace}.${config.flowId}`;
      const res = await request(`/executions/${config.namespace}/${config.flowId}${q.size ? `?${q}` : ''}`, what, ACCEPT_JSON, { method: 'POST', body: form });
      const parsed = ExecutionSchema.safeParse(await json(res, what));
      if (!parsed.success) throw new KestraError({ kind: 'bad_response', message: "Kestra's answer to the new execution has an unexpected shape." });
      return parsed.data;
    },
    async resumeExecution(id) {
      // multipart, as Kestra's resume endpoint consumes (no onResume inputs here); the executor confirms first
      const res = await request(`/executions/${encodeURIComponent(id)}/actions/resume`, `resume execution ${id}`, ACCEPT_JSON, { method: 'POST', body: new FormData(), timeoutMs: ACTION_TIMEOUT_MS });
      await res.body?.cancel();
    },
    async killExecution(id) {
      const res = await request(`/executions/${encodeURIComponent(id)}/actions/kill`, `kill execution ${id}`, ACCEPT_JSON, { method: 'DELETE', timeoutMs: ACTION_TIMEOUT_MS });
      await res.body?.cancel();
    },
    async setLabels(id, labels) {
      const res = await request(`/executions/${encodeURIComponent(id)}/actions/labels`, `set the labels of execution ${id}`, ACCEPT_JSON, {
        method: 'POST',
        body: JSON.stringify(labels),
        headers: { 'content-type': 'application/json' },
        timeoutMs: ACTION_TIMEOUT_MS,
      });
      await res.body?.cancel();
    },
  };
}

/** Kestra's actions wait for the executor to confirm (up to 30 s on Kestra's side). */
const ACTION_TIMEOUT_MS = 35_000;

async function kestraMessage(res: Response): Promise<string | null> {
  try {
    const body = (await res.json()) as { message?: unknown };
    return typeof body.message === 'string' ? body.message.slice(0, 300) : null;
  } catch {
    return null;
  }
}

function toProblem(err: unknown): Problem {
  if (err instanceof KestraError) return err.problem;
  if (err instanceof Error && err.name === 'ConfigError') return { kind: 'config', message: `Dashboard configuration: ${err.message}.` };
  return { kind: 'bad_response', message: `Unexpected error reading Kestra: ${err instanceof Error ? err.message : String(err)}` };
}

// ---- the list ---------------------------------------------------------------

export interface DeploymentList {
  rows: DeploymentRow[];
  /** executions matching in Kestra (may exceed rows: one page is read) */
  total: number;
  fetchedAt: string;
}

export interface ListResult {
  /** the fresh list, or the last good one when `problem` is set (null if none yet) */
  list: DeploymentList | null;
  problem: Problem | null;
  /** services seen in any list so far (for the filter's options) */
  knownServices: string[];
}

export interface ListSource {
  load(filters: ListFilters, now?: number): Promise<ListResult>;
}

/** Keeps, per filter, the last good list, so a failed poll leaves it on screen. */
export function createListSource(client: () => KestraClient): ListSource {
  const lastGood = new Map<string, DeploymentList>();
  const known = new Set<string>();
  return {
    async load(filters, now = Date.now()) {
      const key = `${filters.service ?? ''}|${filters.range}`;
      try {
        const { executions, total } = await client().searchExecutions(filters, now);
        const rows = executions.map(toDeploymentRow);
        for (const r of rows) if (r.service) known.add(r.service);
        const list: DeploymentList = { rows, total, fetchedAt: new Date(now).toISOString() };
        lastGood.set(key, list);
        return { list, problem: null, knownServices: [...known].sort() };
      } catch (err) {
        return { list: lastGood.get(key) ?? null, problem: toProblem(err), knownServices: [...known].sort() };
      }
    },
  };
}

// ---- one deployment -----------------------------------------------------------

export interface DeploymentDetail {
  /** from the execution and its flow outputs (labels where an output is missing) */
  row: DeploymentRow;
  decision: DecisionFile | null;
  /** why the decision file could not be shown, if it could not */
  decisionProblem: string | null;
  scenario: ScenarioFile | null;
  scenarioProblem: string | null;
  /** non-null while paused at the approval gate */
  approval: ApprovalWait | null;
  /** who approved or rejected the paused rollback (from the labels; the page adds this process's pending one) */
  review: ReviewRecord | null;
  fetchedAt: string;
}

/** With a problem, `detail` is the last good one for this execution (or null). */
export interface DetailResult {
  detail: DeploymentDetail | null;
  problem: Problem | null;
}

async function readJsonFile<T>(
  client: KestraClient,
  executionId: string,
  uri: string | null,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  name: string,
): Promise<{ value: T | null; problem: string | null }> {
  if (!uri) return { value: null, problem: `The execution has no ${name} output (yet).` };
  try {
    const text = await client.getExecutionFile(executionId, uri);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return { value: null, problem: `The ${name} is not valid JSON.` };
    }
    const parsed = schema.safeParse(raw);
    return parsed.success ? { value: parsed.data, problem: null } : { value: null, problem: `The ${name} has an unexpected shape.` };
  } catch (err) {
    return { value: null, problem: toProblem(err).message };
  }
}

/**
 * The flow's outputs exist once the execution ended; a paused (or killed) one has
 * none, yet its decide and collect tasks already kept their files: read those from
 * the task runs' outputs (one request per file missing).
 */
async function taskFiles(client: KestraClient, execution: KestraExecution): Promise<{ decision: string | null; scenario: string | null }> {
  const runOf = (taskId: string) => (execution.taskRunList ?? []).find((t) => t.taskId === taskId && t.state.current === 'SUCCESS' && t.id);
  const fileOf = async (taskId: string, file: string) => {
    const run = runOf(taskId);
    if (!run?.id) return null;
    try {
      return (await client.getTaskOutputFiles(execution.id, run.id))[file] ?? null;
    } catch {
      return null;
    }
  };
  const [decision, logsScenario, metricsScenario] = await Promise.all([
    fileOf('decide', 'decision.json'),
    runOf('collect_logs') ? fileOf('collect_logs', 'scenario.json') : Promise.resolve(null),
    fileOf('collect_metrics', 'scenario.json'),
  ]);
  return { decision, scenario: logsScenario ?? metricsScenario };
}

async function withTaskFiles(client: KestraClient, execution: KestraExecution, row: DeploymentRow): Promise<DeploymentRow> {
  if (row.decisionFile && row.scenarioFile) return row;
  const files = await taskFiles(client, execution);
  return { ...row, decisionFile: row.decisionFile ?? files.decision, scenarioFile: row.scenarioFile ?? files.scenario };
}

export async function loadDeploymentDetail(client: KestraClient, executionId: string, now = Date.now()): Promise<DetailResult> {
  try {
    // two requests at once: the execution (404 here is the page's not found) and
    // its outputs (404 there is "not decided yet", not an error)
    const [execution, outputs] = await Promise.all([client.getExecution(executionId), client.getExecutionOutputs(executionId)]);
    const row = await withTaskFiles(client, execution, toDetailRow(execution, outputs));
    const [decision, scenario] = await Promise.all([
      readJsonFile(client, executionId, row.decisionFile, DecisionFileSchema, 'decision file'),
      readJsonFile(client, executionId, row.scenarioFile, ScenarioFileSchema, 'scenario file'),
    ]);
    return {
      detail: {
        row,
        decision: decision.value,
        decisionProblem: decision.problem,
        scenario: scenario.value,
        scenarioProblem: scenario.problem,
        approval: approvalWait(execution),
        review: reviewFromLabels(execution),
        fetchedAt: new Date(now).toISOString(),
      },
      problem: null,
    };
  } catch (err) {
    return { detail: null, problem: toProblem(err) };
  }
}

// ---- the process's instances (server components use these) ----------------------

let client: KestraClient | undefined;
/** The configured client; throws ConfigError on invalid configuration. */
export function kestraClient(): KestraClient {
  client ??= createKestraClient(getConfig());
  return client;
}

const listSource = createListSource(kestraClient);
export const loadDeploymentList = (filters: ListFilters, now?: number) => listSource.load(filters, now);

const lastGoodDetail = new Map<string, DeploymentDetail>();
const DETAILS_KEPT = 100;

export async function loadDetail(executionId: string): Promise<DetailResult> {
  let result: DetailResult;
  try {
    result = await loadDeploymentDetail(kestraClient(), executionId);
  } catch (err) {
    result = { detail: null, problem: toProblem(err) };
  }
  if (result.detail) {
    lastGoodDetail.delete(executionId);
    lastGoodDetail.set(executionId, result.detail);
    if (lastGoodDetail.size > DETAILS_KEPT) lastGoodDetail.delete(lastGoodDetail.keys().next().value!);
    return result;
  }
  if (result.problem?.kind === 'not_found') return result;
  return { detail: lastGoodDetail.get(executionId) ?? null, problem: result.problem };
}

// ---- one service's history ------------------------------------------------------

/** Decisions read per service page (2 requests each, the newest first; ended ones are cached). */
export const HISTORY_DECISIONS = 20;
const digestCache = new Map<string, VerdictDigest>();
const DIGESTS_KEPT = 2000;

async function verdictDigest(client: KestraClient, row: DeploymentRow): Promise<VerdictDigest | null> {
  const cached = digestCache.get(row.executionId);
  if (cached) return cached;
  const outputs = await client.getExecutionOutputs(row.executionId);
  // paused or killed: no flow outputs, the decide task's file all the same
  const uri = outputs?.decision_file || (await taskFiles(client, await client.getExecution(row.executionId))).decision;
  if (!uri) return null;
  const file = await readJsonFile(client, row.executionId, uri, DecisionFileSchema, 'decision file');
  if (!file.value) return null;
  const verdicts = file.value.judge.verdicts;
  const digest: VerdictDigest = {
    failing: verdicts.filter((v) => v.verdict === 'high' || v.verdict === 'low').map((v) => v.metric),
    compared: verdicts.filter((v) => v.verdict !== 'nodata').map((v) => v.metric),
  };
  // an ended execution's decision never changes
  if (row.endDate) {
    digestCache.set(row.executionId, digest);
    if (digestCache.size > DIGESTS_KEPT) digestCache.delete(digestCache.keys().next().value!);
  }
  return digest;
}

export interface ServiceHistoryResult {
  history: ServiceHistory | null;
  problem: Problem | null;
  total: number;
}

export async function loadServiceHistory(client: KestraClient, service: string, now = Date.now()): Promise<ServiceHistoryResult> {
  try {
    const { executions, total } = await client.searchExecutions({ service, range: 'all' }, now);
    const rows = executions.map(toDeploymentRow);
    const decided = rows.filter((r) => r.service === service && r.decision !== null).slice(0, HISTORY_DECISIONS);
    const digests = new Map<string, VerdictDigest>();
    // four at a time: a page of 20 decisions is 40 small requests at most, fewer once cached
    for (let i = 0; i < decided.length; i += 4) {
      const batch = decided.slice(i, i + 4);
      const got = await Promise.all(batch.map((r) => verdictDigest(client, r).catch(() => null)));
      batch.forEach((r, j) => {
        const d = got[j];
        if (d) digests.set(r.executionId, d);
      });
    }
    return { history: serviceHistory(service, rows, digests), problem: null, total };
  } catch (err) {
    return { history: null, problem: toProblem(err), total: 0 };
  }
}
