// npm run bench:judge [-- --seconds N] [-- PATH...]
// Decisions per second of the algorithmic judge (log analysis included) over the
// mock scenarios, on one core (one Node thread). Target: >= 2,000/s.
import { parseCommandArgs } from '../src/cli/args.js';
import { judge, DEFAULT_THRESHOLDS } from '../src/judge/judge.js';
import { analyzeLogs } from '../src/logs/signatures.js';
import { expandScenarioPaths, loadScenarioFile } from '../src/scenario/load.js';

const { values, positionals } = parseCommandArgs(process.argv.slice(2), { seconds: { type: 'string', default: '3' } });
const seconds = Number(values.seconds);
const files = await expandScenarioPaths(positionals.length ? positionals : ['mock-data/scenarios']);
const scenarios = await Promise.all(files.map((f) => loadScenarioFile(f)));
if (scenarios.length === 0) throw new Error('no scenarios to benchmark');

const decideOnce = (i: number): string => {
  const s = scenarios[i % scenarios.length]!;
  const logs = analyzeLogs(s.logs?.baseline ?? [], s.logs?.canary ?? []);
  return judge({ step_seconds: s.step_seconds, metrics: s.metrics, logs }, DEFAULT_THRESHOLDS).decision;
};

// Warm up the JIT, then measure whole passes over the scenario set.
for (let i = 0; i < scenarios.length * 20; i++) decideOnce(i);
let decisions = 0;
let rollbacks = 0;
const start = process.hrtime.bigint();
const deadline = start + BigInt(Math.round(seconds * 1e9));
while (process.hrtime.bigint() < deadline) {
  for (let i = 0; i < scenarios.length; i++) if (decideOnce(i) === 'ROLLBACK') rollbacks++;
  decisions += scenarios.length;
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
const perSecond = decisions / elapsed;
console.log(
  JSON.stringify({
    scenarios: scenarios.length,
    decisions,
    seconds: Number(elapsed.toFixed(3)),
    decisions_per_second: Math.round(perSecond),
    mean_microseconds: Number(((elapsed / decisions) * 1e6).toFixed(1)),
    target_per_second: 2000,
    meets_target: perSecond >= 2000,
    rollback_share: Number((rollbacks / decisions).toFixed(3)),
  }),
);

// One decision on 7 metrics × (120 baseline + 60 canary) samples: the default
// windows at a finer step (target <= 2 ms).
{
  const names = ['error_rate', 'latency_p95_ms', 'latency_p99_ms', 'cpu_pct', 'memory_pct', 'request_rate', 'queue_depth'];
  const levels = [0.5, 180, 320, 35, 55, 400, 20];
  const noise = (n: number, level: number, seed: number) =>
    Array.from({ length: n }, (_, i) => level * (1 + 0.05 * Math.sin(i * 1.7 + seed) + 0.03 * Math.sin(i * 0.31 + 3 * seed)));
  const metrics = Object.fromEntries(
    names.map((name, k) => [name, { baseline: noise(120, levels[k]!, k), canary: noise(60, levels[k]! * (k === 1 ? 1.4 : 1), k + 7) }]),
  );
  for (let i = 0; i < 200; i++) judge({ step_seconds: 15, metrics }, DEFAULT_THRESHOLDS);
  const runs = 2000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) judge({ step_seconds: 15, metrics }, DEFAULT_THRESHOLDS);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  console.log(JSON.stringify({ metrics: 7, samples_per_metric: 180, mean_milliseconds: Number(ms.toFixed(3)), target_milliseconds: 2, meets_target: ms <= 2 }));
}

// One decision on a week at 5 s: 130,000 baseline and 130,000 canary samples (target <= 1 s).
{
  const wave = (n: number, level: number, seed: number) =>
    Array.from({ length: n }, (_, i) => level + Math.sin(i * 0.7 + seed) + 0.5 * Math.sin(i * 0.13 + 2 * seed));
  const metrics = { latency_p95_ms: { baseline: wave(130_000, 200, 1), canary: wave(130_000, 200, 2) } };
  judge({ step_seconds: 5, metrics }, DEFAULT_THRESHOLDS);
  const t0 = process.hrtime.bigint();
  const runs = 5;
  for (let i = 0; i < runs; i++) judge({ step_seconds: 5, metrics }, DEFAULT_THRESHOLDS);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  console.log(JSON.stringify({ window_samples: 130_000, mean_milliseconds: Number(ms.toFixed(1)), target_milliseconds: 1000, meets_target: ms <= 1000 }));
}
