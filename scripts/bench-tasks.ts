// npm run bench:tasks [-- --runs N]
// Cold start of each bundled task (node dist/tasks/<name>.cjs), against the same
// task under tsx (tsx tasks/<name>.ts) and bare `node -e 0`. Every ratio divides by
// a `node -e 0` timed in turn with the row's own runs, so load on the machine hits
// both alike. Target: a bundled task within 1.5x of bare node.
//
// Per row:
//   bundled_vs_node   the task run to completion on a small, offline input (mock
//                     data, dry runs): start-up plus the task's own (small) work;
//                     `within_target` is judged on this
//   startup_vs_node   the same bundle stopped by its first check (DRY_RUN=maybe,
//                     rejected, exit 2): modules loaded and initialised, configuration
//                     read. It also formats and prints the rejection, code the
//                     build's warm-up runs do not put in the code cache, so for the
//                     smallest tasks it can come out above the full run
//   no_cache_vs_node  the bundle built without its V8 code cache
//                     (scripts/build/code-cache.ts); `code_cache` says whether V8
//                     accepted the cache on this node
//
// The bundles load axios, the openai SDK and @octokit/rest only on the path that
// needs them (scripts/build/cold-start-plugins.ts, src/collect/load-axios.ts,
// src/llm/chat-client.ts, tasks/open-fix-pr.ts); `loads` says which of them a run
// loads. The mock/dry runs above load none, so three more rows time those paths,
// still offline: each fails fast against a closed loopback port.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from '../src/cli/args.js';
import { decide } from '../src/decision/decide.js';
import { DEFAULT_THRESHOLDS } from '../src/judge/judge.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { freeLoopbackPort } from '../src/util/free-port.js';
import { buildTasks } from './build.js';

const { values } = parseCommandArgs(process.argv.slice(2), { runs: { type: 'string', default: '15' } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'watchdog-bench-tasks-'));

try {
  const bundles = await buildTasks(join(work, 'dist'), { codeCache: true });
  await buildTasks(join(work, 'dist-no-cache'), { codeCache: false });
  const scenarioFile = join(root, 'mock-data/scenarios/memory-leak-payment.json');
  const scenario = await loadScenarioFile(scenarioFile);
  const decisionFile = join(work, 'decision.json');
  const record = await decide(
    { deployment: scenario.deployment, step_seconds: scenario.step_seconds, metrics: scenario.metrics },
    { thresholds: DEFAULT_THRESHOLDS },
  );
  writeFileSync(decisionFile, JSON.stringify(record));

  const { deployment } = scenario;
  const common: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    DRY_RUN: 'true',
    TRAINING_DATA_DIR: join(work, 'training'),
    DEPLOYMENT_ID: deployment.deployment_id,
    SERVICE: deployment.service,
    NAMESPACE: deployment.namespace,
    VERSION: deployment.version,
    ...(deployment.previous_version ? { PREVIOUS_VERSION: deployment.previous_version } : {}),
  };
  const inputs: Record<string, NodeJS.ProcessEnv> = {
    'collect-metrics': { SOURCE: 'mock', SCENARIO: 'memory-leak-payment', MOCK_DATA_DIR: join(root, 'mock-data/scenarios'), OUTPUT_FILE: join(work, 'scenario.json') },
    decide: { SCENARIO_FILE: scenarioFile, DECISION_FILE: join(work, 'decision-out.json') },
    rollback: {},
    'record-sample': { DECISION_FILE: decisionFile },
    'open-fix-pr': { DECISION_FILE: decisionFile },
  };
  const PLAIN_RUNS: Record<string, string> = {
    'collect-metrics': 'SOURCE=mock',
    decide: 'no LLM key (judge alone)',
    rollback: 'DRY_RUN=true',
    'record-sample': 'the decision file above',
    'open-fix-pr': 'dry run (no token)',
  };
  // The lazily loaded libraries' paths, offline: a closed loopback port refuses at once.
  const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
  interface Run {
    task: string;
    run: string;
    env: NodeJS.ProcessEnv;
    loads: string[];
    /** the exit code this run ends with */
    status: number;
  }
  const variants: Run[] = [
    {
      task: 'collect-metrics',
      run: 'SOURCE=prometheus, Prometheus unreachable (exit 1)',
      env: { SOURCE: 'prometheus', PROMETHEUS_URL: closed, OUTPUT_FILE: join(work, 'scenario-prometheus.json') },
      loads: ['axios'],
      status: 1,
    },
    {
      task: 'decide',
      run: 'LLM key set, endpoint unreachable (judge decides)',
      env: { ...inputs.decide, LLM_API_KEY: 'sk-bench-not-a-key', LLM_BASE_URL: `${closed}/v1`, LLM_MAX_RETRIES: '0' },
      loads: ['openai'],
      status: 0,
    },
    {
      task: 'open-fix-pr',
      run: 'live (token, DRY_RUN=false), GitHub unreachable (exit 1)',
      env: { ...inputs['open-fix-pr'], DRY_RUN: 'false', GITHUB_TOKEN: ['ghp', 'benchNotAToken0123456789'].join('_'), GITHUB_REPOSITORY: 'acme/gitops', GITHUB_API_URL: closed },
      loads: ['@octokit/rest'],
      status: 1,
    },
  ];

  const timeRun = (cmd: string, args: string[], env: NodeJS.ProcessEnv, status: number): number => {
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.error) throw r.error;
    if (r.status !== status) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString().trim().split('\n')[0]}`);
    return ms;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  interface Timed {
    cmd: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    status: number;
  }
  /** Medians of runs taken in turn (a, b, c, a, b, c, ...), so a change in the machine's load hits them alike. */
  const measureTogether = (timed: Timed[]): number[] => {
    for (const t of timed) timeRun(t.cmd, t.args, t.env, t.status); // warm the file cache
    const samples = timed.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) timed.forEach((t, k) => samples[k]!.push(timeRun(t.cmd, t.args, t.env, t.status)));
    return samples.map(median);
  };

  const tsx = join(root, 'node_modules/.bin/tsx');
  const plainRuns: Run[] = bundles
    .map((bundle) => bundle.split('/').pop()!.replace(/\.cjs$/, ''))
    .filter((name) => inputs[name])
    .map((name) => ({ task: name, run: PLAIN_RUNS[name] ?? '', env: inputs[name]!, loads: [], status: 0 }));
  const bares: number[] = [];
  const rows = [...plainRuns, ...variants].map(({ task, run, env: own, loads, status }) => {
    const env = { ...common, ...own };
    const bundle = join(work, 'dist', `${task}.cjs`);
    const node = (file: string, runEnv = env, runStatus = status): Timed => ({ cmd: process.execPath, args: [file], env: runEnv, status: runStatus });
    const [bare, bundled, noCache, startup] = measureTogether([
      { cmd: process.execPath, args: ['-e', '0'], env: common, status: 0 },
      node(bundle),
      node(join(work, 'dist-no-cache', `${task}.cjs`)),
      // start-up alone: the same bundle, stopped by its first check (a configuration it rejects, exit 2)
      node(bundle, { ...env, DRY_RUN: 'maybe' }, 2),
    ]) as [number, number, number, number];
    bares.push(bare);
    const [underTsx] = measureTogether([{ cmd: tsx, args: [join(root, 'tasks', `${task}.ts`)], env, status }]) as [number];
    const report = spawnSync(process.execPath, [bundle], { cwd: work, env: { ...env, WATCHDOG_CODE_CACHE_REPORT: '1' }, encoding: 'utf8' });
    const codeCache = /code cache: (\w+)/.exec(report.stderr)?.[1] ?? 'unknown';
    const ratio = (ms: number) => Number((ms / bare).toFixed(2));
    return {
      task,
      run,
      bundled_ms: Number(bundled.toFixed(1)),
      bundled_vs_node: ratio(bundled),
      within_target: bundled / bare <= 1.5,
      startup_vs_node: ratio(startup),
      no_cache_vs_node: ratio(noCache),
      tsx_vs_node: ratio(underTsx),
      node_e0_ms: Number(bare.toFixed(1)),
      code_cache: codeCache,
      loads,
    };
  });
  console.log(JSON.stringify({ runs, node_e0_ms: Number(median(bares).toFixed(1)), target_ratio: 1.5, tasks: rows }, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
