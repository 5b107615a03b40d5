// npm run bench:tasks [-- --runs N]
// Cold start of each bundled task (node dist/tasks/<name>.mjs), against the same
// task under tsx (tsx tasks/<name>.ts) and bare `node -e 0`, from the same run.
// Each task runs to completion on a small, offline input (mock data, dry runs),
// so the figure is start-up plus the task's own (small) work. Target: a bundled
// task within 1.5x of bare node.
import { spawnSync } from 'node:child_process';
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

  const timeRun = (cmd: string, args: string[], env: NodeJS.ProcessEnv): number => {
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: work, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString().trim().split('\n')[0]}`);
    return ms;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const measure = (cmd: string, args: string[], env: NodeJS.ProcessEnv) => {
    timeRun(cmd, args, env); // warm the file cache
    return median(Array.from({ length: runs }, () => timeRun(cmd, args, env)));
  };

  const bare = measure(process.execPath, ['-e', '0'], common);
  const tsx = join(root, 'node_modules/.bin/tsx');
  const rows = bundles
    .map((bundle) => bundle.split('/').pop()!.replace(/\.mjs$/, ''))
    .filter((name) => inputs[name])
    .map((name) => {
      const env = { ...common, ...inputs[name] };
      const bundled = measure(process.execPath, [join(work, 'dist', `${name}.mjs`)], env);
      const underTsx = measure(tsx, [join(root, 'tasks', `${name}.ts`)], env);
      return {
        task: name,
        bundled_ms: Number(bundled.toFixed(1)),
        tsx_ms: Number(underTsx.toFixed(1)),
        bundled_vs_node: Number((bundled / bare).toFixed(2)),
        tsx_vs_node: Number((underTsx / bare).toFixed(2)),
        within_target: bundled / bare <= 1.5,
      };
    });
  console.log(JSON.stringify({ runs, node_e0_ms: Number(bare.toFixed(1)), target_ratio: 1.5, tasks: rows }, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
