// The build-time warm-up run of each task, whose compiled code becomes the bundle's
// V8 code cache (code-cache.ts). Each runs offline and touches nothing outside its
// scratch directory: mock metrics, dry runs, no kubectl on PATH, every URL on a
// closed loopback port. Together they are the flow's path in small: collect-metrics
// writes the scenario, decide reads it, record-sample and open-fix-pr read the decision.
//
// A run that ends early (collect-logs without kubectl, health-check with nothing to
// probe) still caches the task's start-up: modules, configuration, logger.
import { join } from 'node:path';
import type { WarmUp } from './code-cache.js';

/** Tasks in the order their warm-up runs must go (later ones read earlier outputs). */
export const WARM_UP_ORDER = ['collect-metrics', 'collect-logs', 'decide', 'record-sample', 'rollback', 'open-fix-pr', 'health-check'];

const SCENARIO = 'memory-leak-payment';

export function warmUpRuns(repoRoot: string, work: string, closedUrl: string): Record<string, WarmUp> {
  const base: Record<string, string> = {
    // no kubectl, no git, nothing else to run
    PATH: join(work, 'no-binaries'),
    HOME: work,
    DRY_RUN: 'true',
    TRAINING_DATA_DIR: join(work, 'training-data'),
    PROMETHEUS_URL: closedUrl,
    LLM_BASE_URL: `${closedUrl}/v1`,
    GITHUB_API_URL: closedUrl,
    KESTRA_URL: closedUrl,
    KUBECONFIG: join(work, 'no-kubeconfig'),
    DEPLOYMENT_ID: 'warm-up-payment-api-v2',
    SERVICE: 'payment-api',
    NAMESPACE: 'prod',
    VERSION: 'v2.0.0',
    PREVIOUS_VERSION: 'v1.9.0',
    DEPLOYED_AT: '2026-01-01T00:00:00Z',
  };
  const scenarioFile = join(work, 'scenario.json');
  const decisionFile = join(work, 'decision.json');
  const run = (env: Record<string, string>, status = 0): WarmUp => ({ env: { ...base, ...env }, cwd: work, status });
  return {
    'collect-metrics': run({
      SOURCE: 'mock',
      SCENARIO,
      MOCK_DATA_DIR: join(repoRoot, 'mock-data/scenarios'),
      OUTPUT_FILE: scenarioFile,
    }),
    // kubectl is not on PATH: fails after start-up, with its one-line reason
    'collect-logs': run({ OUTPUT_FILE: join(work, 'logs.json') }, 1),
    decide: run({ SCENARIO_FILE: scenarioFile, DECISION_FILE: decisionFile }),
    'record-sample': run({ DECISION_FILE: decisionFile }),
    rollback: run({}),
    'open-fix-pr': run({ DECISION_FILE: decisionFile }),
    // Kestra and Prometheus are down: unhealthy, exit 1
    'health-check': run({}, 1),
  };
}
