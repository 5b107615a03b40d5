// Kestra task: collect one deployment's log lines around the deploy time, split
// into the baseline and canary windows, bounded and redacted, for the decide task.
//
// Inputs (environment):
//   DEPLOYMENT_ID, SERVICE, NAMESPACE, VERSION, PREVIOUS_VERSION, DEPLOYED_AT
//                   the deployment (src/task-io/deployment-env.ts)
//   BASELINE_WINDOW_MINUTES, CANARY_WINDOW_MINUTES  the windows (README.md, "Configuration"):
//                   baseline = the minutes before DEPLOYED_AT, canary = the minutes from it
//   LOKI_URL        when set, read Loki's query_range (one query per window, at most
//                   LOG_MAX_LINES lines each); otherwise `kubectl logs` of the deployment's pods
//   LOKI_SELECTOR   LogQL stream selector with {{service}} / {{namespace}}
//                   (default {namespace="{{namespace}}", app="{{service}}"})
//   KUBE_CONTEXT    kubectl context; KUBECONFIG is read by kubectl itself
//   LOG_MAX_LINES   most lines kept per window, the most recent (default 5000)
//   SCENARIO_FILE   optional: a scenario JSON written by collect-metrics; the logs are
//                   written INTO it (its `logs` field), so decide reads one file
//   OUTPUT_FILE     without SCENARIO_FILE: where to write {"baseline": [...], "canary": [...]}
//                   (default logs.json)
//   LOG_LEVEL
// Outputs (Kestra): log_source (loki | kubectl), baseline_lines, canary_lines,
//   new_error_signatures (error signatures seen in the canary and never in the baseline),
//   dropped ({baseline, canary}: lines over LOG_MAX_LINES), file.
// Failure: one line on stderr naming the reason, exit code 1 (2 for invalid configuration).
// Lines are redacted (splitLogWindows) before they are written anywhere.
// Synchronous fs: a task is one short process, and node:fs/promises would load
// readline and the streams at start-up (~1 ms per task).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Kestra from '../src/task-io/kestra.js';
import { createKubectlRunner } from '../src/actions/rollback.js';
import { createKubectlLogSource } from '../src/collect/kubectl-logs.js';
import { createLokiSource, type LogSource } from '../src/collect/log-sources.js';
import { DEFAULT_LOG_BOUNDS, splitLogWindows } from '../src/collect/log-window.js';
import { configOrExit } from '../src/config/env.js';
import { createLogger, forDeployment } from '../src/log.js';
import { analyzeLogs } from '../src/logs/signatures.js';
import { formatIssues } from '../src/scenario/load.js';
import { ScenarioSchema, type Deployment } from '../src/scenario/schema.js';
import { readDeploymentEnv } from '../src/task-io/deployment-env.js';

const LOKI_TIMEOUT_MS = 30_000;
/** kubectl's hard limit per command (get deployment, logs) */
const KUBECTL_TIMEOUT_MS = 120_000;

function maxLinesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.LOG_MAX_LINES?.trim();
  if (!raw) return DEFAULT_LOG_BOUNDS.maxLines;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    throw new Error(`LOG_MAX_LINES: expected a whole number of lines from 1 to 100000, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function lokiUrlFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.LOKI_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`LOKI_URL: expected an http(s) URL of Loki, e.g. http://loki.monitoring:3100, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`LOKI_URL: expected an http(s) URL, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

/** The raw lines of both windows. Loki is asked once per window, so neither starves the other of its limit. */
async function fetchLines(source: LogSource, deployment: Deployment, baselineStart: Date, deployedAt: Date, canaryEnd: Date): Promise<string[]> {
  if (source.name !== 'loki') return source.fetch(deployment, baselineStart, canaryEnd);
  const baseline = await source.fetch(deployment, baselineStart, new Date(deployedAt.getTime() - 1));
  const canary = await source.fetch(deployment, deployedAt, canaryEnd);
  return [...baseline, ...canary];
}

/** Writes `logs` into the scenario file (keeping everything else in it), atomically. */
async function mergeIntoScenario(file: string, deployment: Deployment, logs: { baseline: string[]; canary: string[] }): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`SCENARIO_FILE ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); run collect-metrics first or unset SCENARIO_FILE`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`SCENARIO_FILE ${file} is not JSON: ${(err as Error).message}`);
  }
  const before = ScenarioSchema.safeParse(raw);
  if (!before.success) throw new Error(`SCENARIO_FILE ${file} is not a valid scenario: ${formatIssues(before.error)}`);
  const theirs = before.data.deployment;
  if (theirs.deployment_id !== deployment.deployment_id || theirs.service !== deployment.service) {
    throw new Error(
      `SCENARIO_FILE ${file} is for deployment ${theirs.deployment_id} (${theirs.service}), not ${deployment.deployment_id} (${deployment.service}); refusing to mix their logs`,
    );
  }
  const merged = { ...(raw as Record<string, unknown>), logs };
  const after = ScenarioSchema.safeParse(merged);
  if (!after.success) throw new Error(`the scenario with logs is not valid: ${formatIssues(after.error)}`);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(merged, null, 2)}\n`);
  renameSync(tmp, file);
}

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['windows', 'kube']);
  const { deployment, deployedAt } = readDeploymentEnv();
  const maxLines = maxLinesFromEnv(process.env);
  const lokiUrl = lokiUrlFromEnv(process.env);
  const scenarioFile = process.env.SCENARIO_FILE?.trim() || undefined;
  const out = scenarioFile ?? (process.env.OUTPUT_FILE?.trim() || 'logs.json');
  const logger = forDeployment(createLogger({ level: config.logLevel, fd: 1 }), deployment.deployment_id);

  const baselineStart = new Date(deployedAt.getTime() - config.windows.baselineMinutes * 60_000);
  const canaryEnd = new Date(deployedAt.getTime() + config.windows.canaryMinutes * 60_000);
  const selector = process.env.LOKI_SELECTOR?.trim() || undefined;
  const source: LogSource = lokiUrl
    ? createLokiSource(lokiUrl, { timeoutMs: LOKI_TIMEOUT_MS, limit: maxLines, ...(selector ? { selector } : {}) })
    : createKubectlLogSource(createKubectlRunner({ timeoutMs: KUBECTL_TIMEOUT_MS }), config.kube.context ? { context: config.kube.context } : {});

  const lines = await fetchLines(source, deployment, baselineStart, deployedAt, canaryEnd);
  const windows = splitLogWindows(lines, deployedAt, baselineStart, { ...DEFAULT_LOG_BOUNDS, maxLines });
  const analysis = analyzeLogs(windows.baseline, windows.canary, { maxSignatures: Infinity });
  const newErrors = analysis.signatures.filter((s) => s.is_new && s.level === 'error').length;
  const logs = { baseline: windows.baseline, canary: windows.canary };

  if (scenarioFile) await mergeIntoScenario(scenarioFile, deployment, logs);
  else writeFileSync(out, `${JSON.stringify(logs, null, 2)}\n`);

  logger.info(
    {
      event: 'logs_collected',
      source: source.name,
      file: out,
      from: baselineStart.toISOString(),
      deployed_at: deployedAt.toISOString(),
      to: canaryEnd.toISOString(),
      fetched: lines.length,
      baseline_lines: analysis.baseline_lines,
      canary_lines: analysis.canary_lines,
      baseline_error_lines: analysis.baseline_error_lines,
      canary_error_lines: analysis.canary_error_lines,
      new_error_signatures: newErrors,
      dropped: windows.dropped,
    },
    'logs collected',
  );
  Kestra.outputs({
    log_source: source.name,
    baseline_lines: windows.baseline.length,
    canary_lines: windows.canary.length,
    new_error_signatures: newErrors,
    dropped: windows.dropped,
    file: out,
  });
}

main().catch((err) => {
  process.stderr.write(`collect-logs failed: ${String((err as Error).message ?? err).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
