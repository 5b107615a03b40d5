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

const SCENARIO = 'memory-leak-payment';

interface Scratch {
  repoRoot: string;
  work: string;
  scenarioFile: string;
  decisionFile: string;
}

/**
 * Each task's own inputs and the exit code its run must end with, in the order the
 * runs go (later ones read earlier outputs).
 */
const RUNS: Record<string, (s: Scratch) => { env: Record<string, string>; status: number }> = {
  'collect-metrics': (s) => ({
    env: { SOURCE: 'mock', SCENARIO, MOCK_DATA_DIR: join(s.repoRoot, 'mock-data/scenarios'), OUTPUT_FILE: s.scenarioFile },
    status: 0,
  }),
  // kubectl is not on PATH: fails after start-up, with its one-line reason
  'collect-logs': (s) => ({ env: { OUTPUT_FILE: join(s.work, 'logs.json') }, status: 1 }),
  decide: (s) => ({ env: { SCENARIO_FILE: s.scenarioFile, DECISION_FILE: s.decisionFile }, status: 0 }),
  'record-sample': (s) => ({ env: { DECISION_FILE: s.decisionFile }, status: 0 }),
  rollback: () => ({ env: {}, status: 0 }),
  'open-fix-pr': (s) => ({ env: { DECISION_FILE: s.decisionFile }, status: 0 }),
  // Kestra and Prometheus are down: unhealthy, exit 1
  'health-check': () => ({ env: {}, status: 1 }),
};

/** The tasks that have a warm-up run, in run order. */
export const WARM_UP_TASKS = Object.keys(RUNS);

/** Every warm-up run, in order, with its scratch files under `work`. */
export function warmUpRuns(repoRoot: string, work: string, closedUrl: string): Array<[string, WarmUp]> {
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
  const scratch: Scratch = { repoRoot, work, scenarioFile: join(work, 'scenario.json'), decisionFile: join(work, 'decision.json') };
  return Object.entries(RUNS).map(([task, run]) => {
    const { env, status } = run(scratch);
    return [task, { env: { ...base, ...env }, cwd: work, status }];
  });
}
