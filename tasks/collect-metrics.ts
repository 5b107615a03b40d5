// Kestra task: collect one deployment's metrics into a scenario-format JSON file,
// which the decide task reads as SCENARIO_FILE.
//
// Inputs (environment):
//   SOURCE          prometheus (default) | mock
//   SCENARIO        source=mock: the name of a file in MOCK_DATA_DIR (e.g. memory-leak-payment);
//                   its metrics and logs are used as they are
//   MOCK_DATA_DIR   source=mock: where the mock scenarios live (default mock-data/scenarios)
//   DEPLOYMENT_ID, SERVICE, NAMESPACE, VERSION, PREVIOUS_VERSION, DEPLOYED_AT
//                   the deployment (src/task-io/deployment-env.ts); required for
//                   source=prometheus; with source=mock and no DEPLOYMENT_ID the mock
//                   scenario's own deployment is used; with DEPLOYMENT_ID, the fields
//                   not given (SERVICE, VERSION, PREVIOUS_VERSION) come from the scenario
//   PROMETHEUS_URL, BASELINE_WINDOW_MINUTES, CANARY_WINDOW_MINUTES, STEP_SECONDS
//                   the configuration in README.md
//   PROMETHEUS_TIMEOUT_MS  per Prometheus request (default 10000)
//   PROMQL_<METRIC>, PROMQL_EXTRA  query overrides and custom KPIs (src/collect/promql.ts)
//   OUTPUT_FILE     where to write the scenario JSON (default scenario.json; list it in
//                   the Kestra task's outputFiles)
// Outputs (Kestra): scenario_file, source, deployment (the resolved deployment fields),
//   deployed_at (ISO), metrics (names), samples ({metric: {baseline, canary}}
//   counts of non-null samples), no_data (metrics without a single sample).
// Failure: one line on stderr naming the reason, exit code 1 (2 for invalid configuration).
// Synchronous fs: a task is one short process, and node:fs/promises would load
// readline and the streams at start-up (~1 ms per task).
import { writeFileSync } from 'node:fs';
import Kestra from '../src/task-io/kestra.js';
import { readMockScenario, DEFAULT_MOCK_DIR } from '../src/collect/mock-source.js';
import { collectMetrics, createPrometheusClient, metricsWithoutData, type CollectedMetrics } from '../src/collect/prometheus.js';
import { templatesFromEnv } from '../src/collect/promql.js';
import { configOrExit } from '../src/config/env.js';
import { createLogger, forDeployment } from '../src/log.js';
import { formatIssues } from '../src/scenario/load.js';
import { ScenarioSchema, type Deployment, type ScenarioInput } from '../src/scenario/schema.js';
import { readDeploymentEnv } from '../src/task-io/deployment-env.js';

/** A scenario id ([a-z0-9._-]+) from a deployment id. */
function scenarioId(deploymentId: string): string {
  const id = deploymentId
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return id || 'deployment';
}

/** The environment with the mock deployment's fields where the environment leaves them empty. */
function overMock(env: NodeJS.ProcessEnv, mock: Deployment): NodeJS.ProcessEnv {
  const fallback: Record<string, string | undefined> = {
    SERVICE: mock.service,
    NAMESPACE: mock.namespace,
    VERSION: mock.version,
    PREVIOUS_VERSION: mock.previous_version,
  };
  const out: NodeJS.ProcessEnv = { ...env };
  for (const [name, value] of Object.entries(fallback)) if (!out[name]?.trim() && value) out[name] = value;
  return out;
}

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['prometheus', 'windows']);
  const source = (process.env.SOURCE?.trim() || 'prometheus').toLowerCase();
  if (source !== 'prometheus' && source !== 'mock') throw new Error(`SOURCE: expected prometheus or mock, got ${JSON.stringify(source)}`);
  const out = process.env.OUTPUT_FILE?.trim() || 'scenario.json';

  let deployment: Deployment;
  let stepSeconds: number;
  let metrics: CollectedMetrics;
  let logs: { baseline: string[]; canary: string[] } | undefined;
  let description: string;
  let deployedAt: Date;

  if (source === 'mock') {
    const name = process.env.SCENARIO?.trim();
    if (!name) throw new Error('SCENARIO is not set: with SOURCE=mock give the name of a mock scenario, e.g. memory-leak-payment');
    const mock = await readMockScenario(name, process.env.MOCK_DATA_DIR?.trim() || DEFAULT_MOCK_DIR);
    // A demo run that names its deployment (DEPLOYMENT_ID, maybe SERVICE, VERSION…) keeps
    // the scenario's own values for the fields it leaves out.
    const given = process.env.DEPLOYMENT_ID?.trim() ? readDeploymentEnv(overMock(process.env, mock.deployment)) : undefined;
    deployment = given?.deployment ?? mock.deployment;
    deployedAt = given?.deployedAt ?? new Date();
    stepSeconds = mock.step_seconds;
    metrics = mock.metrics;
    logs = mock.logs;
    description = `mock metrics and logs from ${name}`;
  } else {
    const input = readDeploymentEnv();
    deployment = input.deployment;
    deployedAt = input.deployedAt;
    stepSeconds = config.windows.stepSeconds;
    const templates = templatesFromEnv();
    const client = createPrometheusClient(config.prometheus.url, { timeoutMs: config.prometheus.timeoutMs });
    metrics = await collectMetrics(deployment, input.deployedAt, config.windows, client, templates);
    description = `collected from Prometheus at ${config.prometheus.url} around the deployment at ${input.deployedAt.toISOString()} (baseline ${config.windows.baselineMinutes} min, canary ${config.windows.canaryMinutes} min)`;
  }

  const scenario: ScenarioInput = {
    id: scenarioId(deployment.deployment_id),
    description,
    deployment,
    step_seconds: stepSeconds,
    metrics,
    ...(logs ? { logs } : {}),
  };
  const checked = ScenarioSchema.safeParse(scenario);
  if (!checked.success) throw new Error(`the collected scenario is not valid: ${formatIssues(checked.error)}`);
  writeFileSync(out, `${JSON.stringify(checked.data, null, 2)}\n`);

  const noData = metricsWithoutData(metrics);
  const samples = Object.fromEntries(
    Object.entries(metrics).map(([name, m]) => [
      name,
      { baseline: m.baseline.filter((v) => v !== null).length, canary: m.canary.filter((v) => v !== null).length },
    ]),
  );
  forDeployment(createLogger({ level: config.logLevel, fd: 1 }), deployment.deployment_id).info(
    { event: 'metrics_collected', source, file: out, metrics: Object.keys(metrics), no_data: noData },
    'metrics collected',
  );
  // The resolved deployment goes out too: the flow's later tasks read it from here, so
  // a demo run (scenario only) and a webhook run hand them the same fields.
  Kestra.outputs({
    scenario_file: out,
    source,
    deployment,
    deployed_at: deployedAt.toISOString(),
    metrics: Object.keys(metrics),
    samples,
    no_data: noData,
  });
}

main().catch((err) => {
  process.stderr.write(`collect-metrics failed: ${String((err as Error).message ?? err).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
