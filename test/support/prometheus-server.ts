// A real Prometheus for tests, loaded with a scenario's series.
//
// Each scenario metric becomes a gauge series
//   watchdog_test_metric{metric="<name>",service="<service>",namespace="<namespace>"}
// with one sample per non-null scenario value, at the instants collectMetrics
// evaluates (src/collect/prometheus.ts: windowInstants). Null samples are simply
// absent. The OpenMetrics file is turned into TSDB blocks with
// `promtool tsdb create-blocks-from openmetrics`, then `prometheus` (Debian
// package `prometheus`, 2.42) serves them on a free 127.0.0.1 port with no
// scrape targets and 100 years of retention.
//
// Gaps: Prometheus' default 5-minute lookback would fill a missing sample with the
// previous one. The server is started with --query.lookback-delta set to half the
// step (smaller than the spacing of samples), so a missing sample comes back
// missing (null) while the plain-gauge templates (testTemplates) still see the
// sample exactly at each evaluation instant.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { windowInstants } from '../../src/collect/prometheus.js';
import { escapeLabelValue } from '../../src/collect/promql.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { freeLoopbackPort } from '../../src/util/free-port.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? 'prometheus';
export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? 'promtool';
export const TEST_METRIC = 'watchdog_test_metric';

export interface LoadedScenario {
  scenario: Scenario;
  /** aligned to the scenario's step */
  deployedAt: Date;
}

export interface PrometheusServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** The collection windows that reproduce a scenario's window lengths (every metric must share them). */
export function scenarioWindows(scenario: Scenario): { baselineMinutes: number; canaryMinutes: number; stepSeconds: number } {
  const step = scenario.step_seconds;
  const lengths = new Set(Object.values(scenario.metrics).map((m) => `${m.baseline.length}/${m.canary.length}`));
  if (lengths.size !== 1) throw new Error(`scenario ${scenario.id}: metrics have different window lengths (${[...lengths].join(', ')})`);
  const [b, c] = [...lengths][0]!.split('/').map(Number) as [number, number];
  return { baselineMinutes: (b * step) / 60, canaryMinutes: (c * step) / 60, stepSeconds: step };
}

/** A step-aligned deployment time `hoursAgo` hours before now: inside the TSDB's range, windows fully in the past. */
export function alignedDeployedAt(stepSeconds: number, hoursAgo = 3, now = Date.now()): Date {
  const stepMs = stepSeconds * 1000;
  return new Date(Math.floor((now - hoursAgo * 3_600_000) / stepMs) * stepMs);
}

/** Templates selecting the test gauges: one per scenario metric. */
export function testTemplates(metricNames: string[]): Record<string, string> {
  return Object.fromEntries(
    metricNames.map((name) => [
      name,
      `${TEST_METRIC}{metric="${escapeLabelValue(name)}",service="{{service}}",namespace="{{namespace}}"}`,
    ]),
  );
}

/** The OpenMetrics exposition of the scenarios' series (timestamps in seconds), ending in `# EOF`. */
export function openMetricsText(loaded: LoadedScenario[]): string {
  const lines = [`# TYPE ${TEST_METRIC} gauge`, `# HELP ${TEST_METRIC} scenario series for deploy-watchdog tests`];
  for (const { scenario, deployedAt } of loaded) {
    const instants = windowInstants(deployedAt, scenarioWindows(scenario));
    for (const [name, m] of Object.entries(scenario.metrics)) {
      const labels = `metric="${escapeLabelValue(name)}",service="${escapeLabelValue(scenario.deployment.service)}",namespace="${escapeLabelValue(scenario.deployment.namespace)}"`;
      const pairs: Array<[number, number | null]> = [
        ...m.baseline.map((v, i): [number, number | null] => [instants.baseline[i]!, v]),
        ...m.canary.map((v, i): [number, number | null] => [instants.canary[i]!, v]),
      ];
      for (const [ts, v] of pairs) if (v !== null) lines.push(`${TEST_METRIC}{${labels}} ${v} ${ts}`);
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** A free loopback port (src/util/free-port.ts), under the name the tests use. */
export const freePort = freeLoopbackPort;

function run(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command} (${err.message}); install the Debian package "prometheus"`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${output.slice(-2000)}`));
    });
  });
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Runs `prometheus` in `dir` (removed on stop) with a config and extra flags on a free
 * 127.0.0.1 port, after `prepare(dataDir)` (e.g. a promtool backfill), and waits until
 * /-/ready answers. Shared by the two starters below.
 */
async function launchPrometheus(
  configYaml: string,
  flags: string[],
  options: { readyTimeoutMs?: number; prepare?: (dataDir: string, dir: string) => Promise<void> } = {},
): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'watchdog-prometheus-'));
  const dataDir = join(dir, 'data');
  let child: ChildProcess | undefined;
  let log = '';
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await options.prepare?.(dataDir, dir);
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, configYaml);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn(
      PROMETHEUS_BIN,
      [`--config.file=${config}`, `--storage.tsdb.path=${dataDir}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn', ...flags],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (log = (log + d).slice(-4000)));
    const spawnError = new Promise<never>((_, reject) =>
      child!.once('error', (err) => reject(new Error(`cannot run ${PROMETHEUS_BIN} (${err.message}); install the Debian package "prometheus"`))),
    );
    spawnError.catch(() => {});
    const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prometheus exited early: ${log}`);
      const ready = await Promise.race([
        fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        ),
        spawnError,
      ]);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`prometheus on ${url} not ready in time: ${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, port, dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Starts Prometheus serving the scenarios' series; stop() kills it and removes its data. */
export async function startPrometheusWithScenarios(
  loaded: LoadedScenario[],
  options: { lookbackDelta?: string; readyTimeoutMs?: number } = {},
): Promise<PrometheusServer> {
  const steps = loaded.map((l) => l.scenario.step_seconds);
  const lookback = options.lookbackDelta ?? `${Math.max(1, Math.floor(Math.min(...steps, 60) / 2))}s`;
  return launchPrometheus('global:\n  scrape_interval: 1h\nscrape_configs: []\n', ['--storage.tsdb.retention.time=100y', `--query.lookback-delta=${lookback}`], {
    ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
    prepare: async (dataDir, dir) => {
      const input = join(dir, 'series.om.txt');
      await writeFile(input, openMetricsText(loaded));
      await run(PROMTOOL_BIN, ['tsdb', 'create-blocks-from', 'openmetrics', input, dataDir]);
    },
  });
}

/**
 * Starts Prometheus with the given prometheus.yml (e.g. scraping a loopback target,
 * src/demo/prometheus-config.ts) on an empty TSDB in a temp dir, on a free
 * 127.0.0.1 port, with Prometheus' own lookback (scraped series end with staleness
 * markers). stop() kills it and removes the temp dir.
 */
export async function startPrometheusWithConfig(
  configYaml: string,
  options: { readyTimeoutMs?: number; extraArgs?: string[] } = {},
): Promise<PrometheusServer> {
  return launchPrometheus(configYaml, options.extraArgs ?? [], options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {});
}
