// The pure parts of `npm run bench:e2e` (scripts/bench-e2e.ts): the floor flow made
// from flows/devops-loop.yml, percentiles, timings read off an execution, /proc
// parsing and the report. No I/O here (test/build/bench-e2e-lib.test.ts).
import { parse, stringify } from 'yaml';

export const FLOOR_FLOW_ID = 'devops-loop-floor';
const NODE_COMMANDS = 'io.kestra.plugin.scripts.node.Commands';
/** `node dist/tasks/run.cjs dist/tasks/<bundle>.cjs` (the launcher, src/task-io/code-cache.ts) or `node dist/tasks/<bundle>.cjs`. */
const TASK_COMMAND = /^node (?:dist\/tasks\/run\.cjs )?dist\/tasks\/([a-z0-9-]+)\.cjs$/;

/** A task's step in the flow (the parts of Kestra's execution JSON the bench reads). */
export interface BenchTaskRun {
  id: string;
  taskId: string;
  state: { current: string; histories?: Array<{ state: string; date: string }> };
}
export interface BenchExecution {
  id: string;
  state: { current: string; startDate?: string; endDate?: string; histories?: Array<{ state: string; date: string }> };
  labels?: Array<{ key: string; value: string }>;
  taskRunList?: BenchTaskRun[];
}

export const ENDED_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'SKIPPED', 'PAUSED']);

export const hasDecision = (e: BenchExecution): boolean => (e.labels ?? []).some((l) => l.key === 'decision' && l.value !== '');
export const hasEnded = (e: BenchExecution): boolean => ENDED_STATES.has(e.state.current);

/**
 * The no-op command of one task: lists its working directory (what the engine copied
 * in: the `bench_files` output, item 3 of the check), writes the task's output files
 * (empty JSON) and prints `outputs` as its `::{"outputs":…}::` line, like the real
 * task. The JSON travels base64-encoded: no quoting issue in the shell, YAML or Pebble.
 */
export function noOpCommand(outputs: Record<string, unknown>, outputFiles: string[] = []): string {
  const b64 = Buffer.from(JSON.stringify({ outputs }), 'utf8').toString('base64');
  const writes = outputFiles.map((f) => `f.writeFileSync('${f.replace(/[^A-Za-z0-9._/-]/g, '')}','{}');`).join('');
  const js =
    `const f=require('fs'),o=JSON.parse(Buffer.from('${b64}','base64').toString());` +
    `o.outputs.bench_files=f.readdirSync('.',{recursive:true}).map(String).sort();${writes}` +
    `console.log('::'+JSON.stringify(o)+'::')`;
  return `node -e "${js}"`;
}

/** Every task map of a flow, nested ones (then, else, cases, defaults, errors, tasks) included. */
function* taskMaps(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) {
    for (const item of node) yield* taskMaps(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const map = node as Record<string, unknown>;
  if (typeof map.type === 'string' && typeof map.id === 'string') yield map;
  for (const key of ['tasks', 'then', 'else', 'defaults', 'errors', 'finally']) if (key in map) yield* taskMaps(map[key]);
  if (map.cases && typeof map.cases === 'object') for (const c of Object.values(map.cases as object)) yield* taskMaps(c);
}

/** The node tasks of a flow: task id → bundle name. */
export function nodeTasks(flowYaml: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const t of taskMaps(parse(flowYaml))) {
    if (t.type !== NODE_COMMANDS || !Array.isArray(t.commands)) continue;
    const m = String(t.commands[0] ?? '').match(TASK_COMMAND);
    if (m) found.set(String(t.id), m[1]!);
  }
  return found;
}

/**
 * The floor: flows/devops-loop.yml with id `devops-loop-floor` and each task's command
 * (`node dist/tasks/run.cjs dist/tasks/X.cjs`) replaced by a no-op printing `outputsByTask[taskId]`
 * (what the real task printed). Everything else — runner, namespace files, input
 * and output files, labels, the switch — stays, so the floor is the engine's own
 * cost of the same flow. A node task without outputs given is an error.
 */
export function floorFlow(flowYaml: string, outputsByTask: Record<string, Record<string, unknown>>): string {
  const flow = parse(flowYaml) as Record<string, unknown>;
  flow.id = FLOOR_FLOW_ID;
  flow.description = 'bench:e2e floor: devops-loop with every task script replaced by a no-op printing the same outputs (scripts/bench-e2e-lib.ts).';
  for (const t of taskMaps(flow)) {
    if (t.type !== NODE_COMMANDS || !Array.isArray(t.commands)) continue;
    if (!TASK_COMMAND.test(String(t.commands[0] ?? ''))) continue;
    const outputs = outputsByTask[String(t.id)];
    if (!outputs) throw new Error(`floorFlow: no outputs for task ${String(t.id)}`);
    const files = Array.isArray(t.outputFiles) ? t.outputFiles.map(String) : [];
    t.commands = [noOpCommand(outputs, files)];
  }
  return stringify(flow, { lineWidth: 0 });
}

/** Nearest-rank percentile (p in 0..100) of `values`; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** When a task run reached `state` (its last such history entry), in ms since the epoch. */
function stateTime(run: BenchTaskRun, states: ReadonlySet<string>): number | undefined {
  const h = (run.state.histories ?? []).filter((x) => states.has(x.state));
  return h.length > 0 ? Date.parse(h[h.length - 1]!.date) : undefined;
}

/**
 * Timings off an ended execution, from `sentAt` (ms since the epoch, just before the
 * webhook POST): decision = the decision_labels task's end (the flow sets the
 * `decision` label there); end = the execution's end. Per node task: RUNNING → its end
 * (the worker's share: working directory, namespace and input files, the process).
 */
export function executionTimings(e: BenchExecution, sentAt: number): { decisionMs?: number; endMs?: number; taskMs: Record<string, number> } {
  const ended = new Set(['SUCCESS', 'WARNING', 'FAILED', 'KILLED']);
  const runs = e.taskRunList ?? [];
  const labels = runs.find((r) => r.taskId === 'decision_labels');
  const decisionAt = labels ? stateTime(labels, ended) : undefined;
  const endAt = e.state.endDate ? Date.parse(e.state.endDate) : undefined;
  const taskMs: Record<string, number> = {};
  for (const r of runs) {
    const start = stateTime(r, new Set(['RUNNING']));
    const end = stateTime(r, ended);
    if (start !== undefined && end !== undefined) taskMs[r.taskId] = end - start;
  }
  return {
    ...(decisionAt !== undefined ? { decisionMs: decisionAt - sentAt } : {}),
    ...(endAt !== undefined ? { endMs: endAt - sentAt } : {}),
    taskMs,
  };
}

/** VmRSS and VmHWM (peak) of a /proc/<pid>/status text, in kB. */
export function procMemory(status: string): { rssKb: number; hwmKb: number } | undefined {
  const rss = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  const hwm = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
  return rss && hwm ? { rssKb: Number(rss[1]), hwmKb: Number(hwm[1]) } : undefined;
}

/** The parent pid of a /proc/<pid>/stat text (the command name may hold spaces and parentheses). */
export function parentPid(stat: string): number | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const ppid = Number(stat.slice(close + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/**
 * CPU seconds of a process from its /proc/<pid>/stat text: its own (utime + stime) and
 * its waited-for children's (cutime + cstime: for the engine, the task processes it
 * reaped, with their shells). `ticksPerSecond`: the kernel's USER_HZ, 100 on Linux.
 */
export function processCpu(stat: string, ticksPerSecond = 100): { selfS: number; childrenS: number } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  // fields after the command: state(3) ppid(4) … utime(14) stime(15) cutime(16) cstime(17)
  const f = stat.slice(close + 2).split(' ').map(Number);
  const at = (field: number) => f[field - 3] ?? 0;
  return { selfS: (at(14) + at(15)) / ticksPerSecond, childrenS: (at(16) + at(17)) / ticksPerSecond };
}

/** Busy and total jiffies of all CPUs from a /proc/stat text (busy: all but idle and iowait). */
export function cpuTimes(stat: string): { busy: number; total: number } | undefined {
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: total - idle, total };
}

/** Percentage of CPU time busy between two cpuTimes readings. */
export function busyPercent(a: { busy: number; total: number }, b: { busy: number; total: number }): number {
  const total = b.total - a.total;
  return total > 0 ? Math.round((100 * (b.busy - a.busy)) / total) : Number.NaN;
}

export interface Sequential {
  runs: number;
  decisionMs: number[];
  endMs: number[];
  /** per node task id: its on-engine durations */
  taskMs: Record<string, number[]>;
}

export interface ConcurrentResult {
  n: number;
  finished: number;
  samples: number;
  drain_s: number;
  decision_p50_ms: number;
  decision_p95_ms: number;
  /** the whole machine's CPUs, busy while the level ran (any other load included) */
  cpu_busy_pct: number;
  /** CPU seconds of the engine's JVM and of the task processes it ran, while the level ran */
  engine_cpu_s: number;
  tasks_cpu_s: number;
  states: Record<string, number>;
}

export interface BenchReport {
  single: { runs: number; decision_p50_ms: number; decision_p95_ms: number; end_p50_ms: number; end_p95_ms: number };
  floor: { runs: number; decision_p50_ms: number; decision_p95_ms: number; end_p50_ms: number };
  ratio_p50: number;
  /** the former bench:tasks, on the engine: p50 of each node task (RUNNING → end), real and floor */
  tasks: Array<{ task: string; real_p50_ms: number; floor_p50_ms: number; overhead_ms: number }>;
  concurrent: ConcurrentResult[];
  engine: { ready_s: number; rss_mb: number; peak_rss_mb: number; worker_threads: string };
  task_processes: { count: number; peak_rss_mb: number; peak_total_rss_mb: number; peak_alive: number };
  /**
   * CPU of a bare `node -e 0` in the environment the engine gives its tasks: the start
   * every task process pays before its own code. `with_extra_ca_certs_ms`: the same
   * start with the caller's NODE_EXTRA_CA_CERTS, which the bench's tasks run without
   * (Node 20 parses its whole CA store at every start while it is set).
   */
  node_start: { cpu_ms: number; with_extra_ca_certs_ms?: number };
  namespace_files: Record<string, string[]>;
}

const round = (x: number, digits = 0) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

export function summarise(
  real: Sequential,
  floor: Sequential,
  rest: Omit<BenchReport, 'single' | 'floor' | 'ratio_p50' | 'tasks'>,
): BenchReport {
  const single = {
    runs: real.runs,
    decision_p50_ms: round(percentile(real.decisionMs, 50)),
    decision_p95_ms: round(percentile(real.decisionMs, 95)),
    end_p50_ms: round(percentile(real.endMs, 50)),
    end_p95_ms: round(percentile(real.endMs, 95)),
  };
  const fl = {
    runs: floor.runs,
    decision_p50_ms: round(percentile(floor.decisionMs, 50)),
    decision_p95_ms: round(percentile(floor.decisionMs, 95)),
    end_p50_ms: round(percentile(floor.endMs, 50)),
  };
  const tasks = Object.keys(real.taskMs)
    .filter((t) => floor.taskMs[t])
    .map((task) => {
      const r = percentile(real.taskMs[task]!, 50);
      const f = percentile(floor.taskMs[task]!, 50);
      return { task, real_p50_ms: round(r), floor_p50_ms: round(f), overhead_ms: round(r - f) };
    });
  return { single, floor: fl, ratio_p50: round(single.decision_p50_ms / fl.decision_p50_ms, 2), tasks, ...rest };
}

/** The human-readable report (the --json line follows it). */
export function formatReport(r: BenchReport): string {
  const lines = [
    `engine: ready in ${r.engine.ready_s} s; RSS ${r.engine.rss_mb} MB at the end, peak ${r.engine.peak_rss_mb} MB; worker threads ${r.engine.worker_threads}`,
    `single (${r.single.runs} sequential deployments of the judge path): webhook → decision p50 ${r.single.decision_p50_ms} ms, p95 ${r.single.decision_p95_ms} ms; → end p50 ${r.single.end_p50_ms} ms, p95 ${r.single.end_p95_ms} ms`,
    `floor  (${r.floor.runs}, no-op tasks, same flow shape):       webhook → decision p50 ${r.floor.decision_p50_ms} ms, p95 ${r.floor.decision_p95_ms} ms; → end p50 ${r.floor.end_p50_ms} ms`,
    `ratio (decision p50 / floor): ${r.ratio_p50} (target ≤ 1.3, and ≤ 2000 ms)`,
    'task              real p50   floor p50   task code',
    ...r.tasks.map((t) => `${t.task.padEnd(16)} ${String(t.real_p50_ms).padStart(6)} ms ${String(t.floor_p50_ms).padStart(8)} ms ${String(t.overhead_ms).padStart(8)} ms`),
    'concurrent  finished  samples  drain     cpu busy  cpu s engine/tasks  decision p50/p95',
    ...r.concurrent.map(
      (c) =>
        `${String(c.n).padStart(10)}  ${String(c.finished).padStart(8)}  ${String(c.samples).padStart(7)}  ${`${c.drain_s} s`.padStart(7)}  ${`${c.cpu_busy_pct} %`.padStart(8)}  ${`${c.engine_cpu_s}/${c.tasks_cpu_s}`.padStart(18)}  ${c.decision_p50_ms}/${c.decision_p95_ms} ms  ${JSON.stringify(c.states)}`,
    ),
    `node -e 0 in the tasks' environment: ${r.node_start.cpu_ms} ms CPU${
      r.node_start.with_extra_ca_certs_ms !== undefined
        ? `; ${r.node_start.with_extra_ca_certs_ms} ms with your NODE_EXTRA_CA_CERTS, which the tasks here run without (Node 20 parses its CA store at every start while it is set)`
        : ''
    }`,
    `task processes: ${r.task_processes.count} seen; peak RSS ${r.task_processes.peak_rss_mb} MB each, ${r.task_processes.peak_total_rss_mb} MB together (${r.task_processes.peak_alive} alive at once)`,
    ...Object.entries(r.namespace_files).map(([task, files]) => `files in ${task}'s working directory: ${files.join(', ')}`),
  ];
  return lines.join('\n');
}
