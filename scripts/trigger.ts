// npm run --silent trigger -- --scenario NAME [--wait] [--timeout SECONDS] [--deployment-id ID]
// Sends the deployment webhook to the devops-loop flow for a mock-data scenario, as a
// CD system would: the scenario's deployment (with a fresh deployment_id unless one is
// given, so each trigger is a new deployment; pass the same id to re-deliver) and the
// scenario name, so the flow reads the scenario's metrics instead of Prometheus.
// Without --wait: prints {"execution_id", "url"}. With --wait: polls the execution and
// prints one JSON object {execution_id, state, outputs, url}; exit 1 unless it succeeded.
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { createKestraClient, waitForExecution } from '../src/kestra/client.js';
import { WATCHDOG_NAMESPACE } from '../src/kestra/flow-model.js';
import { kestraSettings } from '../src/kestra/settings.js';
import { readMockScenario, DEFAULT_MOCK_DIR } from '../src/collect/mock-source.js';

const USAGE = 'usage: npm run --silent trigger -- --scenario NAME [--wait] [--timeout SECONDS] [--deployment-id ID]';

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
  const scenario = await readMockScenario(values.scenario, DEFAULT_MOCK_DIR);
  const settings = kestraSettings();
  const client = createKestraClient(settings);
  const deploymentId = values['deployment-id'] ?? `${scenario.deployment.deployment_id}-${Date.now().toString(36)}`;
  const body = {
    ...scenario.deployment,
    deployment_id: deploymentId,
    deployed_at: new Date().toISOString(),
    scenario: values.scenario,
  };
  const { id } = await client.triggerWebhook(WATCHDOG_NAMESPACE, 'devops-loop', settings.webhookKey, body);
  const url = `${settings.url}/ui/main/executions/${WATCHDOG_NAMESPACE}/devops-loop/${id}`;
  if (!values.wait) {
    process.stdout.write(`${JSON.stringify({ execution_id: id, deployment_id: deploymentId, url })}\n`);
    return 0;
  }
  const execution = await waitForExecution(client, id, { timeoutMs: timeout * 1000 });
  process.stdout.write(
    `${JSON.stringify({ execution_id: id, deployment_id: deploymentId, state: execution.state.current, outputs: execution.outputs ?? {}, url })}\n`,
  );
  return execution.state.current === 'SUCCESS' || execution.state.current === 'PAUSED' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof UsageError ? `${USAGE}\n` : ''}trigger failed: ${(err as Error).message}\n`);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
