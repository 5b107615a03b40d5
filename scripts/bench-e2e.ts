// npm run bench:e2e [-- --runs N] [--concurrency 1,10,50,100] [--worker-threads N] [--bundles DIR] [--json]
// The task path measured end to end on the engine. Starts a private local Kestra
// (scripts/kestra/up.ts, state and training data in a temp dir, free ports, DRY_RUN,
// no CA bundle: scripts/kestra/private-env.ts), deploys the flows and bundles as
// kestra:deploy does, then:
//   single      N deployments of the judge path, one at a time (webhook with
//               {"scenario":"memory-leak-payment","deployment_id":<unique>}: ROLLBACK,
//               dry-run rollback and fix PR): webhook → decision available (the
//               execution's `decision` label, polled) and webhook → execution end
//   floor       the same flow shape with each task's `node dist/tasks/X.cjs` replaced by
//               a no-op node one-liner printing the outputs the real task printed
//               (scripts/bench-e2e-lib.ts floorFlow), N runs in turns with the real ones
//               (5 of each first, not counted), so both see the same engine and machine
//   tasks       per node task: p50 of RUNNING → end on the engine, real vs floor (what
//               `bench:tasks` measured off the engine, now where it is paid)
//   concurrent  n deployments at once for each n: all finished, training samples = n,
//               time until the last ends (drain); watched with one search per poll
//   memory      peak RSS of the engine (VmHWM) and of the task processes (node
//               descendants of the engine, sampled from /proc)
//   engine      spawn → first authenticated answer
//   node start  CPU of a bare `node -e 0` in the tasks' environment (and with the
//               caller's NODE_EXTRA_CA_CERTS, when set)
// --bundles DIR uploads prebuilt bundles instead of building (to compare builds);
// --worker-threads sets the local Kestra's kestra.worker.threads (KESTRA_WORKER_THREADS;
// default max(8, 8 × cores)). With --json the last line is one JSON object
// (scripts/bench-e2e-lib.ts BenchReport).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { createKestraClient } from '../src/kestra/client.js';
import { privateKestraEnv } from './kestra/private-env.js';
import { kestraSettings } from '../src/kestra/settings.js';
import {
  ENDED_STATES,
  FLOOR_FLOW_ID,
  busyPercent,
  cpuTimes,
  executionTimings,
  floorFlow,
  formatReport,
  hasDecision,
  hasEnded,
  nodeTasks,
  parentPid,
  percentile,
  processCpu,
  procMemory,
  summarise,
  type BenchExecution,
  type ConcurrentResult,
  type Sequential,
} from './bench-e2e-lib.js';
import { deploy } from './kestra/deploy.js';
import { kestraDown } from './kestra/down.js';
import { kestraUp } from './kestra/up.js';

const ROOT = resolve(import.meta.dirname, '..');
const FLOW_ID = 'devops-loop';
const SCENARIO = 'memory-leak-payment';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Deployments of each flow run before the counted ones. */
const WARM_UP_PAIRS = 5;
const say = (line: string) => process.stderr.write(`bench:e2e: ${line}\n`);

/** Task processes and the engine, sampled from /proc while the bench runs. */
class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  enginePeakKb = 0;
  taskPeakKb = 0;
  taskTotalPeakKb = 0;
  taskPeakAlive = 0;
  readonly taskPids = new Set<number>();

  constructor(private readonly enginePid: number | undefined) {}

  start(everyMs = 200): void {
    this.timer = setInterval(() => this.sample(), everyMs);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }
  engineNowKb(): number {
    return this.enginePid ? (this.read(this.enginePid)?.rssKb ?? 0) : 0;
  }
  private read(pid: number) {
    try {
      return procMemory(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return undefined;
    }
  }
  private sample(): void {
    if (!this.enginePid) return;
    const engine = this.read(this.enginePid);
    if (engine) this.enginePeakKb = Math.max(this.enginePeakKb, engine.hwmKb);
    const parents = new Map<number, number>();
    const nodes: number[] = [];
    for (const d of readdirSync('/proc')) {
      const pid = Number(d);
      if (!Number.isInteger(pid)) continue;
      try {
        const ppid = parentPid(readFileSync(`/proc/${pid}/stat`, 'utf8'));
        if (ppid !== undefined) parents.set(pid, ppid);
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node') nodes.push(pid);
      } catch {
        // gone meanwhile
      }
    }
    const underEngine = (pid: number) => {
      for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 8; p = parents.get(p), hops++) if (p === this.enginePid) return true;
      return false;
    };
    let total = 0;
    let alive = 0;
    for (const pid of nodes) {
      if (!underEngine(pid)) continue;
      const m = this.read(pid);
      if (!m) continue;
      this.taskPids.add(pid);
      this.taskPeakKb = Math.max(this.taskPeakKb, m.hwmKb);
      total += m.rssKb;
      alive++;
    }
    this.taskTotalPeakKb = Math.max(this.taskTotalPeakKb, total);
    this.taskPeakAlive = Math.max(this.taskPeakAlive, alive);
  }
}

/** CPU milliseconds of one bare `node -e 0` in `env` (the mean of `runs`, from this process's reaped children). */
function nodeStartCpuMs(env: NodeJS.ProcessEnv, runs = 10): number {
  const children = () => processCpu(readFileSync('/proc/self/stat', 'utf8'))?.childrenS ?? Number.NaN;
  const before = children();
  for (let i = 0; i < runs; i++) spawnSync('node', ['-e', '0'], { env, stdio: 'ignore' });
  return Math.round(((children() - before) * 1000) / runs);
}

async function main(): Promise<void> {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    runs: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '1,10,50,100' },
    'worker-threads': { type: 'string' },
    bundles: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs: expected a positive integer, got ${values.runs}`);
  const levels = values.concurrency!.split(',').filter(Boolean).map(Number);
  if (levels.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--concurrency: expected positive integers, e.g. 1,10,50,100`);

  const home = await mkdtemp(join(tmpdir(), 'watchdog-bench-e2e-'));
  const { env, trainingDir } = await privateKestraEnv(home, values['worker-threads'] ? { KESTRA_WORKER_THREADS: values['worker-threads'] } : {});
  const settings = kestraSettings(env);
  const client = createKestraClient({ ...settings, timeoutMs: 30_000 });
  const auth = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
  const api = `${settings.url}/api/v1/main`;
  let sampler: MemorySampler | undefined;

  try {
    say(`starting a private local Kestra on ${settings.url} (state in ${home})`);
    const up = await kestraUp({ env, say });
    const readyS = Number(((up.readyMs ?? Number.NaN) / 1000).toFixed(1));
    say(`engine ready in ${readyS} s (pid ${up.pid})`);
    sampler = new MemorySampler(up.pid);
    sampler.start();
    await deploy({ env, bundlesDir: join(home, 'dist/tasks') });
    if (values.bundles) {
      const dir = resolve(values.bundles);
      const files = readdirSync(dir, { recursive: true }).map(String).filter((n) => n.endsWith('.cjs'));
      for (const f of files) await client.uploadNamespaceFile(settings.namespace, `/dist/tasks/${f}`, await readFile(join(dir, f)));
      say(`uploaded the bundles of ${values.bundles} over the built ones`);
    }

    let seq = 0;
    const tag = Date.now().toString(36);
    const webhook = async (flowId: string): Promise<{ id: string; sentAt: number }> => {
      const body = { scenario: SCENARIO, deployment_id: `bench-${tag}-${++seq}` };
      const sentAt = Date.now();
      const res = await fetch(`${api}/executions/webhook/${settings.namespace}/${flowId}/${settings.webhookKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`webhook ${flowId}: HTTP ${res.status} ${await res.text()}`);
      return { id: ((await res.json()) as { id: string }).id, sentAt };
    };
    const get = (id: string) => client.getExecution(id) as Promise<BenchExecution>;
    const since = (flowId: string, t: number) => ({
      'filters[namespace][EQUALS]': settings.namespace,
      'filters[flowId][EQUALS]': flowId,
      'filters[startDate][GREATER_THAN_OR_EQUAL_TO]': new Date(t).toISOString(),
    });
    /** How many executions of a flow started at or after `t` (ms since the epoch) have ended. */
    const endedSince = async (flowId: string, t: number): Promise<number> =>
      (await client.searchExecutions({ ...since(flowId, t), 'filters[state][IN]': [...ENDED_STATES].join(',') }, 1, 1)).total;
    /** Every execution of a flow started at or after `t`, page by page. */
    const startedSince = async (flowId: string, t: number): Promise<BenchExecution[]> => {
      const found: BenchExecution[] = [];
      for (let page = 1; ; page++) {
        const { results, total } = await client.searchExecutions(since(flowId, t), page, 100);
        found.push(...(results as BenchExecution[]));
        if (results.length === 0 || found.length >= total) return found;
      }
    };

    /** One deployment on its own: decision seen (polled) and end. */
    const runOnce = async (flowId: string): Promise<{ e: BenchExecution; decisionMs: number; endMs: number; taskMs: Record<string, number> }> => {
      const { id, sentAt } = await webhook(flowId);
      let decisionAt: number | undefined;
      let e: BenchExecution;
      const deadline = Date.now() + 120_000;
      for (;;) {
        e = await get(id);
        if (decisionAt === undefined && hasDecision(e)) decisionAt = Date.now();
        if (hasEnded(e)) break;
        if (Date.now() > deadline) throw new Error(`${flowId} execution ${id} still ${e.state.current} after 120 s`);
        await sleep(20);
      }
      const endAt = Date.now();
      if (e.state.current !== 'SUCCESS') throw new Error(`${flowId} execution ${id} ended ${e.state.current}`);
      return { e, decisionMs: (decisionAt ?? endAt) - sentAt, endMs: endAt - sentAt, taskMs: executionTimings(e, sentAt).taskMs };
    };
    const record = (into: Sequential, r: Awaited<ReturnType<typeof runOnce>>) => {
      into.runs++;
      into.decisionMs.push(r.decisionMs);
      into.endMs.push(r.endMs);
      for (const [task, ms] of Object.entries(r.taskMs)) (into.taskMs[task] ??= []).push(ms);
    };

    const samples = () => {
      const f = join(trainingDir, 'samples.jsonl');
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '').length : 0;
    };

    // the floor prints what the real tasks printed in a first run
    say('single: a first deployment, whose task outputs the floor prints');
    const first = (await runOnce(FLOW_ID)).e;
    const source = readFileSync(join(ROOT, 'flows', `${FLOW_ID}.yml`), 'utf8');
    const outputsByTask: Record<string, Record<string, unknown>> = {};
    for (const taskId of nodeTasks(source).keys()) {
      const run = first.taskRunList?.find((r) => r.taskId === taskId);
      if (!run) {
        outputsByTask[taskId] = {}; // not on the judge path (collect_logs): never runs in either flow
        continue;
      }
      const res = await fetch(`${api}/outputs/tasks/${first.id}/${run.id}`, { headers: { authorization: auth } });
      const outputs = (await res.json()) as { vars?: Record<string, unknown> };
      outputsByTask[taskId] = outputs.vars ?? {};
    }
    await client.upsertFlows(settings.namespace, [floorFlow(source, outputsByTask)]);

    // Real and floor in turns, after warming up both: the engine's JIT keeps getting
    // faster for minutes, and whichever flow ran first would pay for it alone.
    say(`single: ${runs} deployments of ${FLOW_ID} and ${runs} of ${FLOOR_FLOW_ID}, in turns (+${WARM_UP_PAIRS} of each to warm up)`);
    const real: Sequential = { runs: 0, decisionMs: [], endMs: [], taskMs: {} };
    const floor: Sequential = { runs: 0, decisionMs: [], endMs: [], taskMs: {} };
    let floorFirst: BenchExecution | undefined;
    for (let i = 0; i < WARM_UP_PAIRS + runs; i++) {
      const r = await runOnce(FLOW_ID);
      const f = await runOnce(FLOOR_FLOW_ID);
      floorFirst ??= f.e;
      if (i < WARM_UP_PAIRS) continue;
      record(real, r);
      record(floor, f);
    }
    // item 3: what the engine put in each task's working directory (the floor lists it)
    const namespaceFiles: Record<string, string[]> = {};
    for (const r of floorFirst!.taskRunList ?? []) {
      if (!nodeTasks(source).has(r.taskId)) continue;
      const res = await fetch(`${api}/outputs/tasks/${floorFirst!.id}/${r.id}`, { headers: { authorization: auth } });
      const files = ((await res.json()) as { vars?: { bench_files?: string[] } }).vars?.bench_files;
      if (files) namespaceFiles[r.taskId] = files;
    }

    const concurrent: ConcurrentResult[] = [];
    for (const n of levels) {
      const before = samples();
      say(`concurrent: ${n} deployments at once`);
      const cpu0 = cpuTimes(readFileSync('/proc/stat', 'utf8'));
      const engineCpu = () => (up.pid ? processCpu(readFileSync(`/proc/${up.pid}/stat`, 'utf8')) : undefined);
      const engine0 = engineCpu();
      const t0 = Date.now();
      const sent = await Promise.all(Array.from({ length: n }, () => webhook(FLOW_ID)));
      const pending = new Map(sent.map((s) => [s.id, s]));
      const done: Array<{ e: BenchExecution; sentAt: number }> = [];
      const deadline = t0 + Math.max(120_000, n * 6_000);
      // One count per poll (a search for the level's ended executions, size 1), then the
      // executions themselves once: the watching must not be what loads the engine.
      while ((await endedSince(FLOW_ID, t0)) < n && Date.now() < deadline) await sleep(500);
      for (const e of await startedSince(FLOW_ID, t0)) {
        const s = pending.get(e.id);
        if (!s || !hasEnded(e)) continue;
        pending.delete(e.id);
        done.push({ e, sentAt: s.sentAt });
      }
      const cpu1 = cpuTimes(readFileSync('/proc/stat', 'utf8'));
      const engine1 = engineCpu();
      const drainS = Number(((Math.max(...done.map((d) => (d.e.state.endDate ? Date.parse(d.e.state.endDate) : Date.now())), t0) - t0) / 1000).toFixed(1));
      const states: Record<string, number> = {};
      for (const d of done) states[d.e.state.current] = (states[d.e.state.current] ?? 0) + 1;
      if (pending.size > 0) states.UNFINISHED = pending.size;
      const decisions = done.map((d) => executionTimings(d.e, d.sentAt).decisionMs).filter((x): x is number => x !== undefined);
      concurrent.push({
        n,
        finished: done.filter((d) => d.e.state.current === 'SUCCESS').length,
        samples: samples() - before,
        drain_s: pending.size > 0 ? Number.NaN : drainS,
        decision_p50_ms: Math.round(percentile(decisions, 50)),
        decision_p95_ms: Math.round(percentile(decisions, 95)),
        cpu_busy_pct: cpu0 && cpu1 ? busyPercent(cpu0, cpu1) : Number.NaN,
        engine_cpu_s: engine0 && engine1 ? Number((engine1.selfS - engine0.selfS).toFixed(1)) : Number.NaN,
        tasks_cpu_s: engine0 && engine1 ? Number((engine1.childrenS - engine0.childrenS).toFixed(1)) : Number.NaN,
        states,
      });
      say(`  ${JSON.stringify(concurrent[concurrent.length - 1])}`);
      if (pending.size > 0) {
        say(`  ${pending.size} still running at the deadline: stopping here`);
        break;
      }
    }

    sampler.stop();
    // the tasks run without a CA bundle (private-env.ts); what the caller's would cost them
    const callerCa = process.env.NODE_EXTRA_CA_CERTS ?? '';
    const nodeStart = {
      cpu_ms: nodeStartCpuMs(env),
      ...(callerCa !== '' ? { with_extra_ca_certs_ms: nodeStartCpuMs({ ...env, NODE_EXTRA_CA_CERTS: callerCa }) } : {}),
    };
    const report = summarise(real, floor, {
      concurrent,
      engine: {
        ready_s: readyS,
        rss_mb: Math.round(sampler.engineNowKb() / 1024),
        peak_rss_mb: Math.round(sampler.enginePeakKb / 1024),
        worker_threads: values['worker-threads'] ?? 'default (max(8, 8 x cores))',
      },
      task_processes: {
        count: sampler.taskPids.size,
        peak_rss_mb: Math.round(sampler.taskPeakKb / 1024),
        peak_total_rss_mb: Math.round(sampler.taskTotalPeakKb / 1024),
        peak_alive: sampler.taskPeakAlive,
      },
      node_start: nodeStart,
      namespace_files: namespaceFiles,
    });
    process.stdout.write(`${formatReport(report)}\n`);
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    sampler?.stop();
    await kestraDown(env).catch((err) => say(`kestra:down: ${(err as Error).message}`));
    await rm(home, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  process.stderr.write(
    `${err instanceof UsageError ? 'usage: npm run bench:e2e -- [--runs N] [--concurrency 1,10,50,100] [--worker-threads N] [--bundles DIR] [--json]\n' : ''}bench:e2e failed: ${(err as Error).message}\n`,
  );
  process.exit(1);
}
