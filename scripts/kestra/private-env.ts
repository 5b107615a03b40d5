// The environment of a private local Kestra (tests, bench:e2e): its state and the
// training data (and the tasks' code cache) under `home`, free loopback ports, dry runs,
// no keys, no extra CA bundle, and a Prometheus URL on a closed port unless the caller
// gives one.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/util/free-port.js';

export async function privateKestraEnv(home: string, extra: Record<string, string> = {}): Promise<{ env: NodeJS.ProcessEnv; trainingDir: string }> {
  const trainingDir = join(home, 'training-data');
  mkdirSync(trainingDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KESTRA_HOME: join(home, 'kestra'),
    KESTRA_URL: `http://127.0.0.1:${await freeLoopbackPort()}`,
    KESTRA_CONTROLLER_PORT: String(await freeLoopbackPort()),
    TRAINING_DATA_DIR: trainingDir,
    DRY_RUN: 'true',
    // nothing listens on port 9
    PROMETHEUS_URL: 'http://127.0.0.1:9',
    TOGETHER_API_KEY: '',
    GITHUB_TOKEN: '',
    // Every endpoint of a private Kestra is on loopback over plain HTTP: no CA bundle
    // is needed, and with one set Node 20 parses its CA store at every task's start.
    NODE_EXTRA_CA_CERTS: '',
    // the tasks' code cache (dist/tasks/run.cjs) goes with the rest of this Kestra
    WATCHDOG_CODE_CACHE_DIR: join(home, 'code-cache'),
    ...extra,
  };
  return { env, trainingDir };
}
