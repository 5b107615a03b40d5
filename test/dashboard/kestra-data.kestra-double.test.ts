// The dashboard's data-access module (dashboard/lib/kestra.ts) against the
// Kestra API double (test/support/kestra-api-double.ts): Kestra's wire format,
// basic auth, one page per list load, and what happens when Kestra is down.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../dashboard/lib/config';
import { parseFilters } from '../../dashboard/lib/filters';
import { createKestraClient, createListSource, loadDeploymentDetail } from '../../dashboard/lib/kestra';
import { startKestraDouble, type KestraDouble } from '../support/kestra-api-double.js';
import { seedDecidedExecution, seedUndecided } from './fixtures.js';

let kestra: KestraDouble;
const now = Date.now();
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();

const client = (over: Record<string, string> = {}) =>
  createKestraClient(loadConfig({ KESTRA_URL: kestra.url, KESTRA_USERNAME: kestra.username, KESTRA_PASSWORD: kestra.password, DASHBOARD_TIMEOUT_MS: '2000', ...over }));
const searches = () => kestra.requests.filter((r) => r.path === '/api/v1/main/executions/search');

beforeAll(async () => {
  kestra = await startKestraDouble();
  await seedDecidedExecution(kestra, 'memory-leak-payment', { id: 'exRollback01', startDate: minutesAgo(20) });
  await seedDecidedExecution(kestra, 'healthy-hotfix', { id: 'exContinue01', startDate: minutesAgo(40) });
  seedUndecided(kestra, 'PAUSED', 'orders', 'exPaused01', minutesAgo(5));
  seedUndecided(kestra, 'FAILED', 'orders', 'exFailed01', minutesAgo(3 * 24 * 60));
  kestra.addExecution({ id: 'otherFlow01', flowId: 'something-else', startDate: minutesAgo(1) });
});
afterAll(() => kestra.close());
afterEach(() => kestra.setDown(false));

describe('dashboard data layer with the Kestra API double', () => {
  it('reads one page of devops-loop executions, newest first, with Kestra search parameters and basic auth', async () => {
    const before = searches().length;
    const { executions, total } = await client({ DASHBOARD_PAGE_SIZE: '50' }).searchExecutions(parseFilters({}));
    expect(executions.map((e) => e.id)).toEqual(['exPaused01', 'exRollback01', 'exContinue01', 'exFailed01']);
    expect(total).toBe(4);
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
    expect(good.list!.rows.map((r) => r.decision)).toEqual([null, 'ROLLBACK', 'CONTINUE', null]);
    kestra.setDown(true);
    const down = await source.load(parseFilters({}));
    expect(down.problem!.kind).toBe('unreachable');
    expect(down.list).toBe(good.list);
    expect(down.knownServices).toEqual(['checkout-service', 'orders', 'payment-service']);
    kestra.setDown(false);
    expect((await source.load(parseFilters({}))).problem).toBeNull();
  });

  it('loads a deployment with its decision record and scenario from execution storage', async () => {
    const result = await loadDeploymentDetail(client(), 'exRollback01');
    expect(result.problem).toBeNull();
    const d = result.detail!;
    expect(d.row).toMatchObject({ service: 'payment-service', decision: 'ROLLBACK', sampleStatus: 'recorded', prUrl: 'https://github.com/acme/gitops/pull/42' });
    expect(d.decision!.judge.verdicts.find((v) => v.metric === 'memory_pct')).toMatchObject({ verdict: 'high' });
    expect(d.decision!.llm.status).toBe('disabled');
    expect(d.decision!.log_analysis.signatures.some((s) => s.is_new)).toBe(true);
    expect(Object.keys(d.scenario!.metrics)).toContain('memory_pct');
    expect(d.scenario!.deployment.deployed_at).toBe(minutesAgo(30));
  });

  it('shows a failed execution without outputs, and a missing one as not found', async () => {
    const failed = await loadDeploymentDetail(client(), 'exFailed01');
    expect(failed.detail).toMatchObject({ decision: null, scenario: null, row: { phase: 'failed', service: 'orders' } });
    expect(failed.detail!.decisionProblem).toMatch(/no decision file/);
    const missing = await loadDeploymentDetail(client(), 'nope');
    expect(missing.problem?.kind).toBe('not_found');
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
