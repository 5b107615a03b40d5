// npm run bench:tasks [-- --runs N]
// Cold start of each bundled task (node dist/tasks/<name>.mjs), against the same
// task under tsx (tsx tasks/<name>.ts) and bare `node -e 0`, from the same run.
// Each task runs to completion on a small, offline input (mock data, dry runs),
// so the figure is start-up plus the task's own (small) work. Target: a bundled
// task within 1.5x of bare node.
//
// The bundles load axios, the openai SDK and @octokit/rest only on the path that
// needs them (scripts/build/cold-start-plugins.ts, src/collect/load-axios.ts,
// src/llm/chat-client.ts, tasks/open-fix-pr.ts); `loads` says which of them a run
// loads. The mock/dry runs above load none, so three more rows time those paths,
// still offline: each fails fast against a closed loopback port.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandArgs } from '../src/cli/args.js';
import { decide } from '../src/decision/decide.js';
import { DEFAULT_THRESHOLDS } from '../src/judge/judge.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { buildTasks } from './build.js';

const { values } = parseCommandArgs(process.argv.slice(2), { runs: { type: 'string', default: '15' } });
const runs = Number(values.runs);
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'watchdog-bench-tasks-'));

try {
  const bundles = await buildTasks(join(work, 'dist'));
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
  const closed = `http://127.0.0.1:${await closedPort()}`;
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
  const measure = (cmd: string, args: string[], env: NodeJS.ProcessEnv, status = 0) => {
    timeRun(cmd, args, env, status); // warm the file cache
    return median(Array.from({ length: runs }, () => timeRun(cmd, args, env, status)));
  };

  const bare = measure(process.execPath, ['-e', '0'], common);
  const tsx = join(root, 'node_modules/.bin/tsx');
  const plainRuns: Run[] = bundles
    .map((bundle) => bundle.split('/').pop()!.replace(/\.mjs$/, ''))
    .filter((name) => inputs[name])
    .map((name) => ({ task: name, run: PLAIN_RUNS[name] ?? '', env: inputs[name]!, loads: [], status: 0 }));
  const rows = [...plainRuns, ...variants].map(({ task, run, env: own, loads, status }) => {
    const env = { ...common, ...own };
    const bundled = measure(process.execPath, [join(work, 'dist', `${task}.mjs`)], env, status);
    const underTsx = measure(tsx, [join(root, 'tasks', `${task}.ts`)], env, status);
    return {
      task,
      bundled_ms: Number(bundled.toFixed(1)),
      tsx_ms: Number(underTsx.toFixed(1)),
      bundled_vs_node: Number((bundled / bare).toFixed(2)),
      tsx_vs_node: Number((underTsx / bare).toFixed(2)),
      within_target: bundled / bare <= 1.5,
      run,
      loads,
    };
  });
  console.log(JSON.stringify({ runs, node_e0_ms: Number(bare.toFixed(1)), target_ratio: 1.5, tasks: rows }, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}
