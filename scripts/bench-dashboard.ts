// npm run bench:dashboard: the dashboard's list with 500 executions in the
// Kestra API double (test/support/kestra-api-double.ts).
//  1. in process: the API answer (one page of 500 executions) -> validated rows ->
//     view model -> server-rendered HTML of the list (react-dom/server);
//  2. the built dashboard (`next build`, `next start`): the first render of the
//     list page and warm renders over HTTP, and the Kestra requests each render
//     (= each poll) makes: exactly one page of executions.
// Flags: --no-server skips part 2; --runs N (default 30).
import { createElement } from 'react';
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
    });
    try {
      const page = async (headers: Record<string, string> = {}) => {
        const before = searches().length;
        const t0 = performance.now();
        const res = await fetch(`${dash.url}/`, { headers });
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
} finally {
  await kestra.close();
}
