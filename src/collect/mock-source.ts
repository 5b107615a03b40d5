// source=mock: the metrics and logs of a bundled scenario, for demos without a
// Prometheus. `name` is a file in mock-data/scenarios/ (without .json).
import { join, resolve } from 'node:path';
import { loadScenarioFile } from '../scenario/load.js';
import type { Deployment, Scenario } from '../scenario/schema.js';

export const DEFAULT_MOCK_DIR = 'mock-data/scenarios';

export interface MockData {
  file: string;
  deployment: Deployment;
  step_seconds: number;
  metrics: Scenario['metrics'];
  logs?: { baseline: string[]; canary: string[] };
}

export async function readMockScenario(name: string, dir: string = DEFAULT_MOCK_DIR): Promise<MockData> {
  const bare = name.trim().replace(/\.json$/, '');
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(bare)) {
    throw new Error(`mock scenario name "${name}" is not a file name in ${dir} ([a-z0-9._-]+, e.g. memory-leak-payment)`);
  }
  const file = join(resolve(dir), `${bare}.json`);
  const scenario = await loadScenarioFile(file);
  return {
    file,
    deployment: scenario.deployment,
    step_seconds: scenario.step_seconds,
    metrics: scenario.metrics,
    ...(scenario.logs ? { logs: scenario.logs } : {}),
  };
}
