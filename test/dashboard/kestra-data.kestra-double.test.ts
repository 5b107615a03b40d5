// The dashboard's data-access module (dashboard/lib/kestra.ts) against the
// Kestra API double (test/support/kestra-api-double.ts), which speaks Kestra
// 2.0: executions without outputs, the outputs endpoint, labels, and a file
// download that answers 406 to `Accept: application/json`. Basic auth, one
// request per list load, and what happens when Kestra is down.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../dashboard/lib/config';
import { parseFilters } from '../../dashboard/lib/filters';
import { createKestraClient, createListSource, KestraError, loadDeploymentDetail } from '../../dashboard/lib/kestra';
import { startKestraDouble, type KestraDouble } from '../support/kestra-api-double.js';
import { seedDecidedExecution, seedUndecided } from './fixtures.js';

let kestra: KestraDouble;
const now = Date.now();
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();

const client = (over: Record<string, string> = {}) =>
  createKestraClient(loadConfig({ KESTRA_URL: kestra.url, KESTRA_USERNAME: kestra.username, KESTRA_PASSWORD: kestra.password, DASHBOARD_TIMEOUT_MS: '2000', ...over }));
const searches = () => kestra.requests.filter((r) => r.path === '/api/v1/main/executions/search');
/** the requests made while `run` runs */
async function requestsDuring<T>(run: () => Promise<T>): Promise<{ value: T; sent: typeof kestra.requests }> {
  const before = kestra.requests.length;
  const value = await run();
  return { value, sent: kestra.requests.slice(before) };
}
const basicAuth = () => `Basic ${Buffer.from(`${kestra.username}:${kestra.password}`).toString('base64')}`;

beforeAll(async () => {
  kestra = await startKestraDouble();
  await seedDecidedExecution(kestra, 'memory-leak-payment', { id: 'exRollback01', startDate: minutesAgo(20) });
  await seedDecidedExecution(kestra, 'healthy-hotfix', { id: 'exContinue01', startDate: minutesAgo(40) });
  seedUndecided(kestra, 'PAUSED', 'orders', 'exPaused01', minutesAgo(5));
  seedUndecided(kestra, 'FAILED', 'orders', 'exFailed01', minutesAgo(3 * 24 * 60));
  kestra.addExecution({ id: 'exRunning01', state: 'RUNNING', startDate: minutesAgo(4 * 24 * 60) }); // before any label
  kestra.addExecution({ id: 'otherFlow01', flowId: 'something-else', startDate: minutesAgo(1) });
});
afterAll(() => kestra.close());
afterEach(() => kestra.setDown(false));

describe('dashboard data layer with the Kestra API double', () => {
  it('reads one page of devops-loop executions, newest first, with Kestra search parameters and basic auth', async () => {
    const before = searches().length;
    const { executions, total } = await client({ DASHBOARD_PAGE_SIZE: '50' }).searchExecutions(parseFilters({}));
    expect(executions.map((e) => e.id)).toEqual(['exPaused01', 'exRollback01', 'exContinue01', 'exFailed01', 'exRunning01']);
    expect(total).toBe(5);
    const sent = searches().slice(before);
    expect(sent).toHaveLength(1);
    expect(Object.fromEntries(sent[0]!.query)).toEqual({
      page: '1',
      size: '50',
      sort: 'state.startDate:desc',
      'filters[namespace][EQUALS]': 'ai.devops.commander',
      'filters[flowId][EQUALS]': 'devops-loop',
    });
  });

  it('passes the service and time-range filters to Kestra', async () => {
    const svc = await client().searchExecutions(parseFilters({ service: 'orders' }));
    expect(svc.executions.map((e) => e.id)).toEqual(['exPaused01', 'exFailed01']);
    const day = await client().searchExecutions(parseFilters({ range: '24h' }), now);
    expect(day.executions.map((e) => e.id)).toEqual(['exPaused01', 'exRollback01', 'exContinue01']);
    expect(searches().at(-1)!.query.get('filters[startDate][GREATER_THAN_OR_EQUAL_TO]')).toBe(new Date(now - 86_400_000).toISOString());
  });

  it('classifies wrong credentials as unauthorized (401) without leaking them', async () => {
    const source = createListSource(() => client({ KESTRA_PASSWORD: 'wrong-secret' }));
    const result = await source.load(parseFilters({}));
    expect(result.list).toBeNull();
    expect(result.problem).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(result.problem!.message).not.toContain('wrong-secret');
  });

  it('keeps the last good list when Kestra goes down, and says it is unreachable', async () => {
    const source = createListSource(() => client());
    const good = await source.load(parseFilters({}));
    expect(good.problem).toBeNull();
    expect(good.list!.rows.map((r) => r.decision)).toEqual([null, 'ROLLBACK', 'CONTINUE', null, null]);
    kestra.setDown(true);
    const down = await source.load(parseFilters({}));
    expect(down.problem!.kind).toBe('unreachable');
    expect(down.list).toBe(good.list);
    expect(down.knownServices).toEqual(['checkout-service', 'orders', 'payment-service']);
    kestra.setDown(false);
    expect((await source.load(parseFilters({}))).problem).toBeNull();
  });

  it('the double speaks Kestra 2.0: no outputs in executions, an outputs endpoint, 406 for a JSON-only file request', async () => {
    const get = (path: string, accept?: string) =>
      fetch(`${kestra.url}/api/v1/main${path}`, { headers: { authorization: basicAuth(), ...(accept ? { accept } : {}) } });
    const execution = (await (await get('/executions/exRollback01', 'application/json')).json()) as Record<string, unknown>;
    expect(execution).not.toHaveProperty('outputs');
    expect(execution.labels).toEqual(expect.arrayContaining([{ key: 'decision', value: 'ROLLBACK' }, { key: 'decided_by', value: 'judge' }]));
    const search = (await (await get('/executions/search?page=1&size=10', 'application/json')).json()) as { results: object[] };
    expect(search.results.every((r) => !('outputs' in r))).toBe(true);
    const outputs = (await (await get('/outputs/executions/exRollback01', 'application/json')).json()) as Record<string, unknown>;
    expect(outputs).toMatchObject({ decision: 'ROLLBACK', sample_status: 'recorded' });
    expect((await get('/outputs/executions/nope')).status).toBe(404);
    expect((await get('/outputs/executions/exRunning01')).status).toBe(404);
    const file = `/executions/exRollback01/file?${new URLSearchParams({ path: String(outputs.decision_file) })}`;
    expect((await get(file, 'application/json')).status).toBe(406);
    for (const accept of [undefined, '*/*', 'application/octet-stream', 'application/json, */*;q=0.1']) {
      const res = await get(file, accept);
      expect(res.status, String(accept)).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      await res.body?.cancel();
    }
  });

  it('a list load is exactly one request, the search, its decisions read from the labels', async () => {
    const source = createListSource(() => client());
    const { value, sent } = await requestsDuring(() => source.load(parseFilters({})));
    expect(sent.map((r) => r.path)).toEqual(['/api/v1/main/executions/search']);
    expect(sent[0]!.accept).toBe('application/json');
    expect(value.list!.rows.map((r) => [r.executionId, r.service, r.decision, r.confidence, r.decidedBy, r.phase])).toEqual([
      ['exPaused01', 'orders', null, null, null, 'awaiting_approval'],
      ['exRollback01', 'payment-service', 'ROLLBACK', expect.any(Number), 'judge', 'decided'],
      ['exContinue01', 'checkout-service', 'CONTINUE', expect.any(Number), 'judge', 'decided'],
      ['exFailed01', 'orders', null, null, null, 'failed'],
      ['exRunning01', null, null, null, null, 'running'],
    ]);
    const rollback = kestra.executions.get('exRollback01')!.labels.find((l) => l.key === 'confidence')!.value;
    expect(value.list!.rows[1]!.confidence).toBe(Number(rollback));
    // and again on the next poll
    expect((await requestsDuring(() => source.load(parseFilters({ service: 'orders', range: '7d' })))).sent).toHaveLength(1);
  });

  it('loads a deployment with its decision record and scenario from execution storage', async () => {
    const { value: result, sent } = await requestsDuring(() => loadDeploymentDetail(client(), 'exRollback01'));
    expect(result.problem).toBeNull();
    const d = result.detail!;
    expect(d.decisionProblem).toBeNull();
    expect(d.scenarioProblem).toBeNull();
    // what only the outputs endpoint has
    expect(d.row).toMatchObject({
      service: 'payment-service',
      previousVersion: 'v2.4.0',
      decision: 'ROLLBACK',
      rollbackStatus: 'dry-run',
      sampleStatus: 'recorded',
      prUrl: 'https://github.com/acme/gitops/pull/42',
    });
    expect(d.row.healthScore).toEqual(expect.any(Number));
    expect(d.row.summary).toBeTruthy();
    // the execution, its outputs (one call) and the two files, each asked for what it serves
    const byPath = (p: string) => sent.filter((r) => r.path === p);
    expect(sent).toHaveLength(4);
    expect(byPath('/api/v1/main/executions/exRollback01').map((r) => r.accept)).toEqual(['application/json']);
    expect(byPath('/api/v1/main/outputs/executions/exRollback01').map((r) => r.accept)).toEqual(['application/json']);
    const files = byPath('/api/v1/main/executions/exRollback01/file');
    expect(files.map((r) => r.query.get('path')).sort()).toEqual([d.row.decisionFile, d.row.scenarioFile].sort());
    expect(files.every((r) => r.accept !== undefined && !/^application\/json$/i.test(r.accept))).toBe(true);
    expect(d.decision!.judge.verdicts.find((v) => v.metric === 'memory_pct')).toMatchObject({ verdict: 'high' });
    expect(d.decision!.llm.status).toBe('disabled');
    expect(d.decision!.log_analysis.signatures.some((s) => s.is_new)).toBe(true);
    expect(Object.keys(d.scenario!.metrics)).toContain('memory_pct');
    expect(d.scenario!.deployment.deployed_at).toBe(minutesAgo(30));
  });

  it('shows a failed execution without outputs, and a missing one as not found', async () => {
    const failed = await loadDeploymentDetail(client(), 'exFailed01');
    expect(failed.problem).toBeNull();
    expect(failed.detail).toMatchObject({ decision: null, scenario: null, row: { phase: 'failed', service: 'orders' } });
    expect(failed.detail!.decisionProblem).toMatch(/no decision file/);
    const missing = await loadDeploymentDetail(client(), 'nope');
    expect(missing.problem?.kind).toBe('not_found');
  });

  it('a running execution whose outputs Kestra does not have yet (404) is shown as not decided, not as an error', async () => {
    const { value: running, sent } = await requestsDuring(() => loadDeploymentDetail(client(), 'exRunning01'));
    expect(sent.find((r) => r.path === '/api/v1/main/outputs/executions/exRunning01')).toBeDefined();
    expect(running.problem).toBeNull();
    expect(running.detail).toMatchObject({ decision: null, scenario: null, row: { phase: 'running', decision: null } });
    expect(running.detail!.decisionProblem).toMatch(/\(yet\)/);
    expect(sent.some((r) => r.path.endsWith('/file'))).toBe(false);
    expect(await client().getExecutionOutputs('exRunning01')).toBeNull();
  });

  it('a failed execution with only some outputs shows what it has', async () => {
    kestra.addExecution({
      id: 'exPartial01',
      state: 'FAILED',
      startDate: minutesAgo(2),
      labels: { service: 'search', version: 'v3', deployment_id: 'd-p', decision: 'ROLLBACK', confidence: '0.88', decided_by: 'judge+llm' },
      outputs: { decision: 'ROLLBACK', rollback_status: 'failed' },
    });
    const r = await loadDeploymentDetail(client(), 'exPartial01');
    expect(r.problem).toBeNull();
    expect(r.detail!.row).toMatchObject({ service: 'search', decision: 'ROLLBACK', confidence: 0.88, decidedBy: 'judge+llm', rollbackStatus: 'failed', phase: 'decided' });
    expect(r.detail!.decisionProblem).toMatch(/no decision file/);
  });

  it('classifies an outputs answer that is not an object as a bad response', async () => {
    const fake: typeof fetch = async (input) => {
      const url = String(input);
      if (url.includes('/outputs/executions/')) return new Response('[1,2]', { status: 200, headers: { 'content-type': 'application/json' } });
      return fetch(input, { headers: { authorization: basicAuth(), accept: 'application/json' } });
    };
    const c = createKestraClient(loadConfig({ KESTRA_URL: kestra.url, DASHBOARD_TIMEOUT_MS: '2000' }), fake);
    await expect(c.getExecutionOutputs('exRollback01')).rejects.toSatisfy((e) => e instanceof KestraError && e.problem.kind === 'bad_response');
    expect((await loadDeploymentDetail(c, 'exRollback01')).problem?.kind).toBe('bad_response');
  });

  it('reports a missing or malformed storage file without failing the page', async () => {
    kestra.addExecution({
      id: 'exBroken01',
      startDate: minutesAgo(1),
      outputs: { decision: 'CONTINUE', decision_file: 'kestra:///nowhere/decision.json', scenario_file: 'kestra:///bad/scenario.json' },
    });
    kestra.putExecutionFile('kestra:///bad/scenario.json', '{not json');
    const r = await loadDeploymentDetail(client(), 'exBroken01');
    expect(r.detail!.decisionProblem).toMatch(/no file/);
    expect(r.detail!.scenarioProblem).toMatch(/not valid JSON/);
  });
});
