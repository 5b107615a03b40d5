// Seeds for the Kestra API double: devops-loop executions as the flow leaves
// them in Kestra 2.0, with a real decision record (decide() on a mock scenario,
// judge only) and the scenario file in the execution's internal storage, the
// flow outputs behind /outputs/executions/{id} and the labels the flow sets
// (service, version, deployment_id after metrics collection; decision,
// confidence, decided_by after the decide task).
import { readFile } from 'node:fs/promises';
import { decide, decideInput } from '../../src/decision/decide.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import { parseScenarioText } from '../../src/scenario/load.js';
import type { KestraDouble, KestraExecution, KestraExecutionSeed } from '../support/kestra-api-double.js';

export interface SeededDeployment {
  execution: KestraExecution;
  decision: 'ROLLBACK' | 'CONTINUE';
  service: string;
  version: string;
}

function storageUri(executionId: string, task: string, file: string): string {
  return `kestra:///ai/devops/commander/devops-loop/executions/${executionId}/tasks/${task}/run-${executionId.slice(0, 6)}/${file}`;
}

/** A finished devops-loop execution for a mock scenario (mock-data/scenarios/NAME.json). */
export async function seedDecidedExecution(
  kestra: KestraDouble,
  scenarioName: string,
  opts: { id: string; startDate: string; durationMs?: number; extraOutputs?: Record<string, unknown> },
): Promise<SeededDeployment> {
  const file = `mock-data/scenarios/${scenarioName}.json`;
  const scenario = parseScenarioText(await readFile(file, 'utf8'), file);
  const record = await decide(decideInput(scenario), { thresholds: DEFAULT_THRESHOLDS });
  const deployedAt = new Date(Date.parse(opts.startDate) - 10 * 60_000).toISOString();
  const decisionUri = storageUri(opts.id, 'decide', 'decision.json');
  const scenarioUri = storageUri(opts.id, 'collect-metrics', 'scenario.json');
  kestra.putExecutionFile(decisionUri, JSON.stringify(record));
  kestra.putExecutionFile(
    scenarioUri,
    JSON.stringify({ ...scenario, expected: undefined, deployment: { ...scenario.deployment, deployed_at: deployedAt } }),
  );
  const d = scenario.deployment;
  const execution = kestra.addExecution({
    id: opts.id,
    state: 'SUCCESS',
    startDate: opts.startDate,
    endDate: new Date(Date.parse(opts.startDate) + (opts.durationMs ?? 4200)).toISOString(),
    labels: {
      service: d.service,
      version: d.version,
      deployment_id: d.deployment_id,
      decision: record.decision,
      confidence: String(record.confidence),
      decided_by: record.decided_by,
    },
    outputs: {
      deployment_id: d.deployment_id,
      service: d.service,
      namespace: d.namespace,
      version: d.version,
      previous_version: d.previous_version ?? '',
      decision: record.decision,
      confidence: record.confidence,
      decided_by: record.decided_by,
      health_score: record.health_score === null ? '' : String(record.health_score), // a STRING output in flows/devops-loop.yml
      summary: record.summary,
      reasoning: record.reasoning,
      rollback_status: record.decision === 'ROLLBACK' ? 'dry-run' : 'not-needed',
      pr_url: record.decision === 'ROLLBACK' ? 'https://github.com/acme/gitops/pull/42' : '',
      sample_status: 'recorded',
      decision_file: decisionUri,
      scenario_file: scenarioUri,
      ...opts.extraOutputs,
    },
  });
  return { execution, decision: record.decision, service: d.service, version: d.version };
}

/** Executions not decided (yet): running, paused for approval, failed; labelled by metrics collection, no outputs. */
export function seedUndecided(kestra: KestraDouble, state: KestraExecutionSeed['state'], service: string, id: string, startDate: string) {
  return kestra.addExecution({
    id,
    state,
    startDate,
    labels: { service, version: 'v9.9.9', deployment_id: `deploy-${id}` },
  });
}

/** `count` synthetic finished executions (for the benchmark and the page-size tests). */
export function seedMany(kestra: KestraDouble, count: number, now = Date.now()): void {
  const services = ['payment-service', 'checkout-service', 'search', 'orders', 'auth', 'media', 'billing', 'ledger'];
  for (let i = 0; i < count; i++) {
    const service = services[i % services.length]!;
    const rollback = i % 7 === 0;
    const start = new Date(now - i * 97_000).toISOString();
    kestra.addExecution({
      id: `bulk${String(i).padStart(5, '0')}`,
      state: i % 50 === 1 ? 'RUNNING' : i % 50 === 2 ? 'FAILED' : 'SUCCESS',
      startDate: start,
      endDate: i % 50 === 1 ? undefined : new Date(Date.parse(start) + 3000 + (i % 13) * 250).toISOString(),
      labels: {
        service,
        version: `v1.${i}.0`,
        deployment_id: `deploy-${i}`,
        ...(i % 50 === 1 || i % 50 === 2 ? {} : { decision: rollback ? 'ROLLBACK' : 'CONTINUE', confidence: rollback ? '0.93' : '0.81', decided_by: 'judge' }),
      },
      outputs:
        i % 50 === 1 || i % 50 === 2
          ? undefined
          : {
              deployment_id: `deploy-${i}`,
              service,
              namespace: 'prod',
              version: `v1.${i}.0`,
              previous_version: `v1.${i - 1}.0`,
              decision: rollback ? 'ROLLBACK' : 'CONTINUE',
              confidence: rollback ? 0.93 : 0.81,
              decided_by: 'judge',
              health_score: rollback ? 41.5 : 96,
              summary: `synthetic deployment ${i}`,
              reasoning: 'synthetic',
              rollback_status: rollback ? 'dry-run' : 'not-needed',
              pr_url: '',
              sample_status: 'recorded',
              decision_file: `kestra:///bulk/${i}/decision.json`,
              scenario_file: `kestra:///bulk/${i}/scenario.json`,
            },
    });
  }
}
