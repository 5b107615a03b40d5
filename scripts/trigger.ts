// npm run --silent trigger -- --scenario NAME [--wait] [--timeout SECONDS] [--deployment-id ID]
// Sends the deployment webhook to the devops-loop flow for a mock-data scenario, as a
// CD system would: the scenario's deployment (with a fresh deployment_id unless one is
// given, so each trigger is a new deployment; pass the same id to re-deliver) and the
// scenario name, so the flow reads the scenario's metrics instead of Prometheus.
// Without --wait: prints {"execution_id", "deployment_id", "url"}. With --wait: polls the
// execution and prints one JSON object {execution_id, deployment_id, state, outputs, url},
// the outputs being the flow's (Kestra 2.0 serves them apart from the execution); exit 1
// unless it succeeded (or paused for approval), with the failed tasks' errors on stderr.
// `url` is the execution in Kestra's UI (the local Kestra has no UI: see the dashboard).
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { createKestraClient, waitForExecution, type KestraClient, type KestraExecution } from '../src/kestra/client.js';
import { WATCHDOG_NAMESPACE } from '../src/kestra/flow-model.js';
import { kestraSettings } from '../src/kestra/settings.js';
import { readMockScenario, DEFAULT_MOCK_DIR } from '../src/collect/mock-source.js';

const USAGE = 'usage: npm run --silent trigger -- --scenario NAME [--wait] [--timeout SECONDS] [--deployment-id ID]';
export const FLOW_ID = 'devops-loop';

export interface TriggerResult {
  execution_id: string;
  deployment_id: string;
  url: string;
  /** with wait: the state the execution ended (or paused) in, and the flow's outputs */
  state?: string;
  outputs?: Record<string, unknown>;
  /** with wait: from the webhook call to the outputs read */
  elapsed_ms?: number;
  /** with wait, when it did not succeed: the failed tasks and their error lines */
  problems?: string[];
}

/** The failed tasks of an execution and their last error lines, for a human. */
export async function executionProblems(client: KestraClient, execution: KestraExecution): Promise<string[]> {
  const failed = (execution.taskRunList ?? []).filter((t) => t.state.current === 'FAILED' || t.state.current === 'KILLED').map((t) => t.taskId);
  let errors: string[] = [];
  try {
    const logs = await client.getLogs(execution.id, 'ERROR');
    errors = logs.slice(-5).map((l) => `${l.taskId ?? 'execution'}: ${l.message.split('\n')[0]!.slice(0, 300)}`);
  } catch {
    // the logs are a courtesy; the state says enough
  }
  return [...(failed.length ? [`failed tasks: ${failed.join(', ')}`] : []), ...errors];
}

export async function triggerScenario(opts: {
  scenario: string;
  wait: boolean;
  timeoutMs?: number;
  deploymentId?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<TriggerResult> {
  const scenario = await readMockScenario(opts.scenario, DEFAULT_MOCK_DIR);
  const settings = kestraSettings(opts.env);
  const client = createKestraClient(settings);
  const deploymentId = opts.deploymentId ?? `${scenario.deployment.deployment_id}-${Date.now().toString(36)}`;
  const body = {
    ...scenario.deployment,
    deployment_id: deploymentId,
    deployed_at: new Date().toISOString(),
    scenario: opts.scenario,
  };
  const sent = Date.now();
  const { id } = await client.triggerWebhook(WATCHDOG_NAMESPACE, FLOW_ID, settings.webhookKey, body);
  const url = `${settings.url}/ui/main/executions/${WATCHDOG_NAMESPACE}/${FLOW_ID}/${id}`;
  if (!opts.wait) return { execution_id: id, deployment_id: deploymentId, url };
  const execution = await waitForExecution(client, id, { timeoutMs: opts.timeoutMs ?? 120_000 });
  const outputs = await client.getExecutionOutputs(id);
  const elapsed = Date.now() - sent;
  const state = execution.state.current;
  const ok = state === 'SUCCESS' || state === 'PAUSED';
  return {
    execution_id: id,
    deployment_id: deploymentId,
    state,
    outputs,
    url,
    elapsed_ms: elapsed,
    ...(ok ? {} : { problems: await executionProblems(client, execution) }),
  };
}

async function main(): Promise<number> {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    scenario: { type: 'string' },
    wait: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '120' },
    'deployment-id': { type: 'string' },
  });
  if (!values.scenario) throw new UsageError('--scenario is required (a file name in mock-data/scenarios without .json)');
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout: expected seconds > 0, got "${values.timeout}"`);
  const r = await triggerScenario({
    scenario: values.scenario,
    wait: values.wait!,
    timeoutMs: timeout * 1000,
    ...(values['deployment-id'] ? { deploymentId: values['deployment-id'] } : {}),
  });
  const { problems, elapsed_ms: _elapsed, ...printed } = r;
  process.stdout.write(`${JSON.stringify(printed)}\n`);
  if (!values.wait) return 0;
  for (const line of problems ?? []) process.stderr.write(`trigger: ${line}\n`);
  return r.state === 'SUCCESS' || r.state === 'PAUSED' ? 0 : 1;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof UsageError ? `${USAGE}\n` : ''}trigger failed: ${(err as Error).message}\n`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
