// npm run bench:dashboard: the dashboard's list with 500 executions in the
// Kestra API double (test/support/kestra-api-double.ts).
//  1. in process: the API answer (one page of 500 executions) -> validated rows ->
//     view model -> server-rendered HTML of the list (react-dom/server);
//  2. the built dashboard (`next build`, `next start`): the first render of the
//     list page and warm renders over HTTP, and the Kestra requests each render
//     (= each poll) makes: exactly one page of executions.
//  3. with --approvals N (default 0: skipped), on the real local Kestra (Kestra 2.0's
//     engine) behind the dashboard's login, in chromium: N rollbacks paused at the
//     approval gate, each approved by clicking "Roll back now" and confirming; the
//     time from that click to the rollback task RUNNING (Kestra's own timestamp in the
//     task run's state history), and the Kestra requests one poll of the list and
//     of a deployment page make (through a recording proxy).
// Flags: --no-server skips parts 2 and 3; --runs N (default 30); --approvals N.
import { createElement } from 'react';
import { hashPassword } from '../dashboard/lib/auth/password';
import { createSessionToken } from '../dashboard/lib/auth/session';
import { renderToStaticMarkup } from 'react-dom/server';
import { DeploymentsView } from '../dashboard/components/DeploymentsView';
import { loadConfig } from '../dashboard/lib/config';
import { toDeploymentRow } from '../dashboard/lib/deployment';
import { parseFilters } from '../dashboard/lib/filters';
import { createKestraClient } from '../dashboard/lib/kestra';
import { ExecutionSchema, SearchResultSchema } from '../dashboard/lib/kestra-schema';
import { buildListView } from '../dashboard/lib/list-view';
import { seedMany } from '../test/dashboard/fixtures.js';
import { buildDashboard, startDashboard } from '../test/dashboard/next-server.js';
import { startKestraDouble } from '../test/support/kestra-api-double.js';

const EXECUTIONS = 500;
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 30;
const withServer = !args.includes('--no-server');
const approvals = args.includes('--approvals') ? Number(args[args.indexOf('--approvals') + 1]) || 0 : 0;
// the benchmark signs its HTTP requests in with a session of its own (the dashboard requires one)
const SECRET = 'bench-dashboard-session-secret-0123456789';
const LOGIN = { user: 'bench', password: 'bench-password-0123456789' };
const authEnv = async () => ({ DASHBOARD_USERS: `${LOGIN.user}:${await hashPassword(LOGIN.password)}`, DASHBOARD_SESSION_SECRET: SECRET });
const sessionCookie = () => `watchdog_session=${createSessionToken(LOGIN.user, SECRET, Date.now(), 3_600_000)}`;

const ms = (n: number) => `${n.toFixed(1)} ms`;
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { first: xs[0]!, median: q(0.5), p95: q(0.95) };
}

const kestra = await startKestraDouble();
seedMany(kestra, EXECUTIONS);
const config = loadConfig({ KESTRA_URL: kestra.url, KESTRA_USERNAME: kestra.username, KESTRA_PASSWORD: kestra.password, DASHBOARD_PAGE_SIZE: String(EXECUTIONS) });
const client = createKestraClient(config);
const searches = () => kestra.requests.filter((r) => r.path === '/api/v1/main/executions/search');

try {
  console.log(`dashboard benchmark: ${EXECUTIONS} devops-loop executions in the Kestra API double, ${runs} runs\n`);

  // 1. in process ---------------------------------------------------------------
  const filters = parseFilters({});
  const fetchTimes: number[] = [];
  const renderTimes: number[] = [];
  let htmlBytes = 0;
  let rowsRendered = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const { executions, total } = await client.searchExecutions(filters);
    const t1 = performance.now();
    const now = Date.now();
    const rows = executions.map(toDeploymentRow);
    const view = buildListView({ list: { rows, total, fetchedAt: new Date(now).toISOString() }, problem: null, knownServices: [] }, filters, now);
    const html = renderToStaticMarkup(createElement(DeploymentsView, { view }));
    const t2 = performance.now();
    fetchTimes.push(t1 - t0);
    renderTimes.push(t2 - t1);
    htmlBytes = html.length;
    rowsRendered = (html.match(/<tr data-execution-id=/g) ?? []).length;
  }
  // validation alone, on the raw answer
  const raw = (await (await fetch(`${kestra.url}/api/v1/main/executions/search?page=1&size=${EXECUTIONS}`, {
    headers: { authorization: `Basic ${Buffer.from(`${kestra.username}:${kestra.password}`).toString('base64')}` },
  })).json()) as unknown;
  const v0 = performance.now();
  const parsed = SearchResultSchema.parse(raw);
  for (const r of parsed.results) ExecutionSchema.parse(r);
  const validateMs = performance.now() - v0;

  const f = stats(fetchTimes);
  const r = stats(renderTimes);
  console.log('in process (data layer + server render of the list, react-dom/server):');
  console.log(`  Kestra search, 1 page of ${EXECUTIONS} (HTTP + JSON + zod): first ${ms(f.first)}, median ${ms(f.median)}, p95 ${ms(f.p95)}`);
  console.log(`    of which zod validation of the answer:                   ${ms(validateMs)}`);
  console.log(`  API answer -> rows -> view model -> HTML:                  first ${ms(r.first)}, median ${ms(r.median)}, p95 ${ms(r.p95)}`);
  console.log(`  HTML: ${(htmlBytes / 1024).toFixed(0)} KiB, ${rowsRendered} rows\n`);

  // 2. the built dashboard ---------------------------------------------------------
  if (withServer) {
    const buildMs = await buildDashboard();
    console.log(`next build dashboard: ${(buildMs / 1000).toFixed(1)} s`);
    const dash = await startDashboard({
      KESTRA_URL: kestra.url,
      KESTRA_USERNAME: kestra.username,
      KESTRA_PASSWORD: kestra.password,
      DASHBOARD_PAGE_SIZE: String(EXECUTIONS),
      ...(await authEnv()),
    });
    try {
      const page = async (headers: Record<string, string> = {}) => {
        const before = searches().length;
        const t0 = performance.now();
        const res = await fetch(`${dash.url}/`, { headers: { cookie: sessionCookie(), ...headers } });
        const body = await res.text();
        const elapsed = performance.now() - t0;
        const made = searches().slice(before);
        return { elapsed, status: res.status, bytes: body.length, rows: (body.match(/<tr data-execution-id=/g) ?? []).length, made };
      };
      const first = await page();
      const warm: number[] = [];
      const perRender: number[] = [];
      for (let i = 0; i < runs; i++) {
        const p = await page();
        warm.push(p.elapsed);
        perRender.push(p.made.length);
      }
      // what the client's poll (router.refresh) requests: the RSC payload of the page
      const polls: number[] = [];
      const pollTimes: number[] = [];
      const pollPages = new Set<string>();
      for (let i = 0; i < runs; i++) {
        const p = await page({ RSC: '1' });
        polls.push(p.made.length);
        pollTimes.push(p.elapsed);
        for (const m of p.made) pollPages.add(`page=${m.query.get('page')},size=${m.query.get('size')}`);
      }
      const w = stats(warm);
      const pt = stats(pollTimes);
      console.log(`next start, GET / (${first.rows} rows, ${(first.bytes / 1024).toFixed(0)} KiB HTML, status ${first.status}):`);
      console.log(`  first render (cold server):  ${ms(first.elapsed)}`);
      console.log(`  warm renders:                median ${ms(w.median)}, p95 ${ms(w.p95)}`);
      console.log(`  poll (router.refresh, RSC):  median ${ms(pt.median)}, p95 ${ms(pt.p95)}`);
      const onePerRender = [first.made.length, ...perRender].every((n) => n === 1);
      const onePerPoll = polls.every((n) => n === 1);
      console.log(`  Kestra list requests per render: ${[...new Set([first.made.length, ...perRender])].join(',')}; per poll: ${[...new Set(polls)].join(',')} (${[...pollPages].join('; ')})`);
      console.log(`  one page per poll: ${onePerRender && onePerPoll ? 'yes' : 'NO'}`);
      if (!onePerRender || !onePerPoll) process.exitCode = 1;
    } finally {
      await dash.stop();
    }
  }
  if (withServer && approvals > 0) await benchApprovals(approvals);
} finally {
  await kestra.close();
}

// 3. approval latency on the local Kestra ---------------------------------------------

/** What this benchmark uses of test/support/local-kestra.ts. */
interface LocalKestraForBench {
  settings: { url: string; username: string; password: string };
  webhook(body: unknown): Promise<{ execution: { id: string } }>;
  waitFor(id: string, states?: string[]): Promise<unknown>;
  client: { getExecution(id: string): Promise<{ taskRunList?: Array<{ taskId: string; state: { histories?: Array<{ state: string; date: string }> } }> }> };
  stop(): Promise<void>;
}
async function benchApprovals(n: number): Promise<void> {
  // by a specifier in a variable: the dashboard's type-check (Next's ProcessEnv) must not reach the build scripts behind it
  const localKestraModule = '../test/support/local-kestra.js';
  const { startLocalKestra } = (await import(localKestraModule)) as { startLocalKestra(name: string): Promise<LocalKestraForBench> };
  const { startRecordingProxy } = await import('../test/support/recording-proxy.js');
  const { openBrowser, signIn } = await import('../test/dashboard/browser.js');
  console.log(`\napproval on the local Kestra: ${n} paused rollbacks, each approved in chromium`);
  const local = await startLocalKestra('bench-dashboard');
  const proxy = await startRecordingProxy(local.settings.url);
  const dash = await startDashboard({
    KESTRA_URL: proxy.url,
    KESTRA_USERNAME: local.settings.username,
    KESTRA_PASSWORD: local.settings.password,
    DASHBOARD_POLL_MS: '1000',
    ...(await authEnv()),
  });
  const browser = await openBrowser();
  try {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await local.webhook({ scenario: 'db-trouble-user-service', deployment_id: `bench-approval-${process.pid}-${i}`, require_approval: true, approval_below_confidence: 1.0 });
      ids.push(r.execution.id);
    }
    for (const id of ids) await local.waitFor(id);
    await signIn(browser.page, dash.url, LOGIN.user, LOGIN.password);
    // one poll of each page, as the browser's router.refresh asks for it
    const count = async (path: string) => {
      await fetch(`${dash.url}${path}`, { headers: { cookie: sessionCookie(), RSC: '1' } }).then((r) => r.text());
      const before = proxy.requests.length;
      await fetch(`${dash.url}${path}`, { headers: { cookie: sessionCookie(), RSC: '1' } }).then((r) => r.text());
      return proxy.requests.slice(before).map((r) => r.path.replace(/\/api\/v1\/main/, '').replace(ids[0]!, '{id}').replace(/\/[A-Za-z0-9]{22}$/, '/{taskRunId}'));
    };
    const listPoll = await count('/');
    const pausedPoll = await count(`/deployments/${ids[0]}`);
    const toRunning: number[] = [];
    const toAnswer: number[] = [];
    for (const id of ids) {
      const p = browser.page;
      await p.goto(`${dash.url}/deployments/${id}`);
      await p.locator('[data-action="approve"]').waitFor();
      const clicked = Date.now();
      await p.locator('[data-action="approve"]').click();
      await p.locator('[data-confirm="approve"]').click();
      await p.locator('[data-answer="ok"]').waitFor({ timeout: 60_000 });
      toAnswer.push(Date.now() - clicked);
      const running = await (async () => {
        for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
          const e = await local.client.getExecution(id);
          const at = e.taskRunList?.find((t) => t.taskId === 'rollback')?.state.histories?.find((h) => h.state === 'RUNNING')?.date;
          if (at) return Date.parse(at);
        }
        throw new Error(`the rollback task of ${id} did not start within 60 s`);
      })();
      toRunning.push(running - clicked);
    }
    for (const id of ids) await local.waitFor(id, ['SUCCESS', 'WARNING', 'FAILED', 'KILLED']);
    const donePoll = await count(`/deployments/${ids[0]}`);
    const r = stats(toRunning);
    const a = stats(toAnswer);
    console.log(`  click "Roll back now" (+ confirm) -> rollback task RUNNING: p50 ${ms(r.median)}, p95 ${ms(r.p95)}, max ${ms(Math.max(...toRunning))} (n=${n})`);
    console.log(`  click -> the dashboard's answer on screen:               p50 ${ms(a.median)}, p95 ${ms(a.p95)}`);
    console.log(`  Kestra requests per poll: list ${listPoll.length} (${listPoll.join(', ')})`);
    console.log(`    paused deployment page ${pausedPoll.length} (${pausedPoll.join(', ')})`);
    console.log(`    ended deployment page ${donePoll.length} (${donePoll.join(', ')})`);
  } finally {
    await browser.close();
    await dash.stop();
    await proxy.close();
    await local.stop();
  }
}
