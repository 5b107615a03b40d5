// npm run bench:rollback [-- --runs N]: rollback from task start to verified image on
// the local cluster. Starts a private cluster (control-plane.ts, in a temp directory),
// then per run: a fresh namespace with payment-service at v1.0.0 (revision 1) and
// v1.1.0 (revision 2, current), and tasks/rollback.ts's work timed from its start:
//   in-process  performRollback with the cluster's kubectl (what the task does after start-up)
//   task        node dist/tasks/run.cjs dist/tasks/rollback.cjs as Kestra runs it (process
//               start included), when the bundles exist (npm run build); else tsx tasks/rollback.ts
// Prints p50/p90/max per mode as one JSON object, then stops the cluster.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createKubectlRunner, performRollback } from '../../src/actions/rollback.js';
import { buildClusterBinaries, ROOT } from './binaries.js';
import { runKubectl, startCluster, type LocalCluster } from './control-plane.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs: expected a whole number >= 1, got ${values.runs}`);

const say = (line: string) => process.stderr.write(`bench:rollback: ${line}\n`);
const image = (tag: string) => `registry.example.com/payment-service:${tag}`;

function manifest(tag: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'payment-service' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'payment-service' } },
      template: { metadata: { labels: { app: 'payment-service' } }, spec: { containers: [{ name: 'payment-service', image: image(tag) }] } },
    },
  };
}

async function prepare(c: LocalCluster, ns: string): Promise<void> {
  const k = (args: string[], input?: string) => runKubectl(c.kubectl, c.kubeconfig, args, input);
  await k(['create', 'namespace', ns]);
  for (const tag of ['v1.0.0', 'v1.1.0']) {
    await k(['-n', ns, 'apply', '-f', '-'], JSON.stringify(manifest(tag)));
    await k(['-n', ns, 'rollout', 'status', 'deployment/payment-service', '--timeout=60s']);
  }
}

const built = () => existsSync(join(ROOT, 'dist/tasks/run.cjs')) && existsSync(join(ROOT, 'dist/tasks/rollback.cjs'));

function runTask(c: LocalCluster, ns: string): Promise<number> {
  const [cmd, args] = built() ? ['node', [join(ROOT, 'dist/tasks/run.cjs'), join(ROOT, 'dist/tasks/rollback.cjs')]] : [join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'tasks/rollback.ts')]];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, args as string[], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: `${dirname(c.kubectl)}:${process.env.PATH ?? ''}`,
        HOME: tmpdir(),
        KUBECONFIG: c.kubeconfig,
        SERVICE: 'payment-service',
        NAMESPACE: ns,
        DEPLOYMENT_ID: `bench-${ns}`,
        VERSION: 'v1.1.0',
        PREVIOUS_VERSION: 'v1.0.0',
        DRY_RUN: 'false',
        ROLLOUT_TIMEOUT_SECONDS: '60',
        LOG_LEVEL: 'warn',
      },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const ms = performance.now() - started;
      if (code !== 0 || !out.includes('"rollback_status":"rolled-back"')) reject(new Error(`the rollback task failed (exit ${code}): ${out.trim().slice(-600)}`));
      else resolve(ms);
    });
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!);
};
const summary = (xs: number[]) => ({ runs: xs.length, p50_ms: pct(xs, 50), p90_ms: pct(xs, 90), max_ms: Math.round(Math.max(...xs)) });

async function main(): Promise<void> {
  await buildClusterBinaries(say);
  const dir = mkdtempSync(join(tmpdir(), 'bench-rollback-'));
  const t0 = performance.now();
  const cluster = await startCluster({ dir, say });
  const clusterReadyMs = Math.round(performance.now() - t0);
  const inProcess: number[] = [];
  const task: number[] = [];
  try {
    const kubectl = createKubectlRunner({ binary: cluster.kubectl, kubeconfig: cluster.kubeconfig });
    for (let i = 0; i < RUNS; i++) {
      const a = `bench-a-${i}`;
      await prepare(cluster, a);
      const started = performance.now();
      const r = await performRollback({ service: 'payment-service', namespace: a, previous_version: 'v1.0.0', timeoutSeconds: 60 }, { kubectl, dryRun: false });
      const ms = performance.now() - started;
      if (r.status !== 'rolled-back' || r.image !== image('v1.0.0')) throw new Error(`run ${i}: ${r.status}: ${r.error ?? r.image}`);
      inProcess.push(ms);
      const b = `bench-b-${i}`;
      await prepare(cluster, b);
      task.push(await runTask(cluster, b));
      say(`run ${i + 1}/${RUNS}: in-process ${Math.round(ms)} ms, task ${Math.round(task.at(-1)!)} ms`);
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    `${JSON.stringify({
      what: 'rollback from task start to verified image (undo to the revision of previous_version, rollout status, image check) on the local cluster',
      cluster_ready_ms: clusterReadyMs,
      in_process: summary(inProcess),
      task: { ...summary(task), runner: built() ? 'node dist/tasks/run.cjs dist/tasks/rollback.cjs' : 'tsx tasks/rollback.ts' },
    })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`bench:rollback failed: ${(err as Error).message}\n`);
  process.exit(1);
});
