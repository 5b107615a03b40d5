// The real local Kestra (local-kestra/: Kestra 2.0's engine) for a test file: started
// through `npm run kestra:up`'s own code on free loopback ports, with its state (H2,
// storage, log) and the training data in a temporary directory, the flows, bundles and
// demo scenarios deployed as `npm run kestra:deploy` does; stopped and removed after.
import { join } from 'node:path';
import { kestraDown } from '../../scripts/kestra/down.js';
import { deploy } from '../../scripts/kestra/deploy.js';
import { privateKestraEnv } from '../../scripts/kestra/private-env.js';
import { kestraUp } from '../../scripts/kestra/up.js';
import { createKestraClient, type KestraClient, type KestraExecution } from '../../src/kestra/client.js';
import { kestraSettings, type KestraSettings } from '../../src/kestra/settings.js';
import { makeTempDir, removeTempDir } from './run-command.js';

export interface LocalKestra {
  env: NodeJS.ProcessEnv;
  settings: KestraSettings;
  client: KestraClient;
  trainingDir: string;
  /** POST the deployment webhook (no auth, as a CD system sends it) */
  webhook(body: unknown): Promise<{ status: number; execution: KestraExecution }>;
  /** polls until the execution is in one of `states` (default: ended or paused) */
  waitFor(id: string, states?: string[], timeoutMs?: number): Promise<KestraExecution>;
  stop(): Promise<void>;
}

const ENDED = ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED', 'PAUSED'];

export async function startLocalKestra(name: string, extraEnv: Record<string, string> = {}): Promise<LocalKestra> {
  const home = await makeTempDir(`local-kestra-${name}`);
  const { env, trainingDir } = await privateKestraEnv(home, extraEnv);
  const stop = async () => {
    await kestraDown(env).catch(() => undefined);
    await removeTempDir(home);
  };
  try {
    await kestraUp({ env, say: () => {} });
    await deploy({ env, bundlesDir: join(home, 'dist/tasks') });
  } catch (err) {
    await stop();
    throw err;
  }
  const settings = kestraSettings(env);
  const client = createKestraClient(settings);
  return {
    env,
    settings,
    client,
    trainingDir,
    async webhook(body) {
      const res = await fetch(`${settings.url}/api/v1/main/executions/webhook/${settings.namespace}/devops-loop/${settings.webhookKey}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, execution: (await res.json()) as KestraExecution };
    },
    async waitFor(id, states = ENDED, timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const execution = await client.getExecution(id);
        if (states.includes(execution.state.current)) return execution;
        if (Date.now() > deadline) throw new Error(`execution ${id} is still ${execution.state.current} after ${timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop,
  };
}
