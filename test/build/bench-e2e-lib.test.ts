// The pure parts of npm run bench:e2e (scripts/bench-e2e-lib.ts): the floor flow made
// from flows/devops-loop.yml, its no-op command run for real, percentiles, timings off
// an execution, /proc parsing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FLOOR_FLOW_ID,
  busyPercent,
  cpuTimes,
  executionTimings,
  floorFlow,
  nodeTasks,
  noOpCommand,
  parentPid,
  percentile,
  processCpu,
  procMemory,
  summarise,
  type BenchExecution,
} from '../../scripts/bench-e2e-lib.js';
import { makeTempDir, removeTempDir, REPO_ROOT } from '../support/run-command.js';

const FLOW = readFileSync(join(REPO_ROOT, 'flows', 'devops-loop.yml'), 'utf8');
const TASKS = ['collect_metrics', 'collect_logs', 'decide', 'record_sample', 'rollback', 'open_fix_pr'];

describe('the floor flow', () => {
  const outputs = Object.fromEntries(TASKS.map((t) => [t, { task: t, quote: "it's {{ not pebble }} \"x\"", nested: { n: 1 } }]));
  const floor = parse(floorFlow(FLOW, outputs)) as Record<string, any>;
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeTempDir(d);
  });

  it('finds every node task of devops-loop and its bundle', () => {
    expect([...nodeTasks(FLOW).keys()].sort()).toEqual([...TASKS].sort());
    expect(nodeTasks(FLOW).get('open_fix_pr')).toBe('open-fix-pr');
  });

  it('is devops-loop under its own id, with no task script left and everything else as it was', () => {
    expect(floor.id).toBe(FLOOR_FLOW_ID);
    const text = floorFlow(FLOW, outputs);
    expect(text).not.toMatch(/node dist\/tasks\//);
    expect(text).not.toContain('---');
    const real = parse(FLOW) as Record<string, any>;
    expect(floor.triggers).toEqual(real.triggers);
    expect(floor.outputs).toEqual(real.outputs);
    expect(floor.tasks.map((t: any) => t.id)).toEqual(real.tasks.map((t: any) => t.id));
    const decide = floor.tasks.find((t: any) => t.id === 'decide');
    const realDecide = real.tasks.find((t: any) => t.id === 'decide');
    expect({ ...decide, commands: undefined }).toEqual({ ...realDecide, commands: undefined });
  });

  it('a node task without outputs is an error', () => {
    expect(() => floorFlow(FLOW, { decide: {} })).toThrow(/no outputs for task/);
  });

  it("the no-op command prints the task's outputs line, lists its directory and writes its output files", async () => {
    const dir = await makeTempDir('floor-noop');
    dirs.push(dir);
    const command = noOpCommand(outputs.decide!, ['decision.json']);
    const r = spawnSync('/bin/sh', ['-c', command], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const line = r.stdout.trim();
    expect(line.startsWith('::{') && line.endsWith('}::')).toBe(true);
    const printed = JSON.parse(line.slice(2, -2));
    expect(printed.outputs).toEqual({ ...outputs.decide, bench_files: [] });
    expect(await readFile(join(dir, 'decision.json'), 'utf8')).toBe('{}');
    expect(await readdir(dir)).toEqual(['decision.json']);
  });
});

describe('numbers', () => {
  it('percentile: nearest rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95)).toBe(19);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('executionTimings: decision at decision_labels’ end, the end, each task RUNNING → end', () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString();
    const sentAt = Date.parse(at(0));
    const e: BenchExecution = {
      id: 'x',
      state: { current: 'SUCCESS', endDate: at(900) },
      taskRunList: [
        { id: '1', taskId: 'decide', state: { current: 'SUCCESS', histories: [{ state: 'CREATED', date: at(100) }, { state: 'RUNNING', date: at(150) }, { state: 'SUCCESS', date: at(400) }] } },
        { id: '2', taskId: 'decision_labels', state: { current: 'SUCCESS', histories: [{ state: 'RUNNING', date: at(420) }, { state: 'SUCCESS', date: at(430) }] } },
      ],
    };
    expect(executionTimings(e, sentAt)).toEqual({ decisionMs: 430, endMs: 900, taskMs: { decide: 250, decision_labels: 10 } });
  });

  it('cpuTimes and busyPercent read /proc/stat', () => {
    const a = cpuTimes('cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 50 0 50 350 50 0 0 0 0 0\n')!;
    expect(a).toEqual({ busy: 200, total: 1000 });
    const b = cpuTimes('cpu  250 0 150 800 100 0 0 0 0 0\n')!;
    expect(busyPercent(a, b)).toBe(67);
    expect(cpuTimes(readFileSync('/proc/stat', 'utf8'))!.total).toBeGreaterThan(0);
  });

  it('processCpu: own and reaped children CPU seconds from /proc/<pid>/stat', () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
    expect(processCpu('42 (java (x)) S 1 42 42 0 -1 0 0 0 0 0 150 50 300 100 20 0')).toEqual({ selfS: 2, childrenS: 4 });
    expect(processCpu(readFileSync('/proc/self/stat', 'utf8'))!.selfS).toBeGreaterThanOrEqual(0);
  });

  it('procMemory and parentPid read /proc', () => {
    expect(procMemory('Name:\tjava\nVmHWM:\t  512000 kB\nVmRSS:\t  400000 kB\n')).toEqual({ rssKb: 400000, hwmKb: 512000 });
    expect(procMemory('Name:\tzombie\n')).toBeUndefined();
    expect(parentPid('1234 (node (x) y) S 77 1234 1234 0 -1')).toBe(77);
    expect(parentPid(readFileSync('/proc/self/stat', 'utf8'))).toBe(process.ppid);
  });

  it('summarise: the --json shape the issue asks for, ratio of the decision p50s', () => {
    const r = summarise(
      { runs: 2, decisionMs: [1000, 1200], endMs: [2000, 2100], taskMs: { decide: [300, 310] } },
      { runs: 2, decisionMs: [800, 900], endMs: [1500, 1600], taskMs: { decide: [150, 160] } },
      {
        concurrent: [{ n: 10, finished: 10, samples: 10, drain_s: 5, decision_p50_ms: 1, decision_p95_ms: 2, cpu_busy_pct: 90, engine_cpu_s: 1, tasks_cpu_s: 2, states: { SUCCESS: 10 } }],
        engine: { ready_s: 8, rss_mb: 500, peak_rss_mb: 600, worker_threads: '16' },
        task_processes: { count: 1, peak_rss_mb: 50, peak_total_rss_mb: 50, peak_alive: 1 },
        node_start: { cpu_ms: 45, with_extra_ca_certs_ms: 130 },
        namespace_files: {},
      },
    );
    expect(r.single).toMatchObject({ runs: 2, decision_p50_ms: 1000, decision_p95_ms: 1200, end_p50_ms: 2000 });
    expect(r.floor.decision_p50_ms).toBe(800);
    expect(r.ratio_p50).toBe(1.25);
    expect(r.tasks).toEqual([{ task: 'decide', real_p50_ms: 300, floor_p50_ms: 150, overhead_ms: 150 }]);
    expect(r.concurrent[0]).toMatchObject({ n: 10, finished: 10, samples: 10, drain_s: 5 });
    expect(r.engine).toMatchObject({ ready_s: 8, rss_mb: 500 });
  });
});
