// kestra:up, the client and kestra:down against the real local Kestra (local-kestra/:
// Kestra 2.0's engine in one JVM), on free loopback ports with its state in a temporary
// KESTRA_HOME, and a small flow of its own in a namespace of its own (the project's
// flows are test/engine's business): the webhook, a Pause resumed and one killed, the
// flow outputs from their endpoint, the logs, a typed manual run, 401 on wrong
// credentials; kestra:up is idempotent and kestra:down stops exactly that JVM.
// Skipped without a Java 21+ (or without Maven when local-kestra/ needs a build).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kestraDown } from '../../scripts/kestra/down.js';
import { isAlive } from '../../scripts/kestra/state.js';
import { findJava, kestraUp, moduleBuildReason, type KestraUpResult } from '../../scripts/kestra/up.js';
import { createKestraClient, waitForExecution, type KestraClient } from '../../src/kestra/client.js';
import { kestraSettings } from '../../src/kestra/settings.js';
import { freeLoopbackPort } from '../../src/util/free-port.js';
import { commandEnv, makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';

function cannotRun(): string | undefined {
  try {
    findJava();
  } catch (err) {
    return (err as Error).message;
  }
  if (moduleBuildReason() && spawnSync('mvn', ['-v']).error) return 'local-kestra/ needs a build and mvn is not installed';
  return undefined;
}
const skip = cannotRun();
if (skip) process.stderr.write(`local-kestra.test.ts skipped: ${skip}\n`);

const NS = 'test.watchdog.client';
const FLOW = `id: client-check
namespace: ${NS}
inputs:
  - id: name
    type: STRING
    defaults: nobody
  - id: times
    type: INT
    defaults: 1
triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ secret('WEBHOOK_KEY') }}"
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ trigger.body.name ?? inputs.name }} x{{ inputs.times }}"
  - id: approval
    type: io.kestra.plugin.core.flow.Pause
outputs:
  - id: greeting
    type: STRING
    value: "hi {{ trigger.body.name ?? inputs.name }}"
`;

describe.skipIf(skip !== undefined)('the local Kestra (kestra:up, client, kestra:down)', () => {
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  let up: KestraUpResult;
  let client: KestraClient;

  beforeAll(async () => {
    home = await makeTempDir('local-kestra-client');
    env = commandEnv(join(home, 'training-data'), {
      KESTRA_HOME: join(home, 'kestra'),
      KESTRA_URL: `http://127.0.0.1:${await freeLoopbackPort()}`,
      KESTRA_CONTROLLER_PORT: String(await freeLoopbackPort()),
      WEBHOOK_KEY: 'client-check-key-1',
    });
    up = await kestraUp({ env, say: () => {} });
    client = createKestraClient(kestraSettings(env));
    await client.upsertFlows(NS, [FLOW]);
  }, 300_000);
  afterAll(async () => {
    if (env.KESTRA_HOME) await kestraDown(env).catch(() => undefined);
    await removeTempDir(home);
  }, 60_000);

  it('started the JVM it records, answered, and wrote its config and log in KESTRA_HOME', () => {
    expect(up.started).toBe(true);
    expect(up.pid).toBeGreaterThan(0);
    expect(up.readyMs).toBeGreaterThan(0);
    expect(up.engineMs).toBeGreaterThan(0);
    expect(readFileSync(join(env.KESTRA_HOME!, 'kestra.pid'), 'utf8')).toBe(String(up.pid));
    expect(readFileSync(join(env.KESTRA_HOME!, 'application.yml'), 'utf8')).toContain(`port: ${env.KESTRA_CONTROLLER_PORT}`);
    expect(readFileSync(join(env.KESTRA_HOME!, 'kestra.log'), 'utf8')).toMatch(/Local Kestra ready on http:\/\/127\.0\.0\.1:\d+ in \d+ ms/);
  });

  it('kestra:up again leaves it running', async () => {
    const r = await runTsx('scripts/kestra/up.ts', [], env, 30_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Kestra already running: ${env.KESTRA_URL} (user admin@kestra.io); pid ${up.pid}\n`);
  });

  it('webhook, Pause, outputs from their endpoint, resume, logs', async () => {
    const { id } = await client.triggerWebhook(NS, 'client-check', 'client-check-key-1', { name: 'ada' });
    const paused = await waitForExecution(client, id, { timeoutMs: 60_000, intervalMs: 200 });
    expect(paused.state.current).toBe('PAUSED');
    expect(paused).not.toHaveProperty('outputs');
    expect(await client.getExecutionOutputs(id)).toEqual({});
    await client.resumeExecution(id);
    const done = await waitForExecution(client, id, { timeoutMs: 60_000, intervalMs: 200 });
    expect(done.state.current).toBe('SUCCESS');
    expect(await client.getExecutionOutputs(id)).toEqual({ greeting: 'hi ada' });
    const logs = await client.getLogs(id);
    expect(logs.find((l) => l.taskId === 'hello')?.message).toBe('hello ada x1');
    expect(await client.getLogs(id, 'ERROR')).toEqual([]);
    await expect(client.resumeExecution(id)).rejects.toThrow(/HTTP 409: .*is not paused/);
  }, 120_000);

  it('a typed manual run, killed while paused', async () => {
    const created = await client.createExecution(NS, 'client-check', { name: 'bob', times: '3' });
    expect(await waitForExecution(client, created.id, { timeoutMs: 60_000, intervalMs: 200 }).then((e) => e.state.current)).toBe('PAUSED');
    expect((await client.getLogs(created.id, 'INFO')).map((l) => l.message)).toContain('hello bob x3');
    await client.killExecution(created.id);
    expect((await waitForExecution(client, created.id, { timeoutMs: 60_000, intervalMs: 200 })).state.current).toBe('KILLED');
    await expect(client.killExecution(created.id)).rejects.toThrow(/HTTP 409: .*already finished/);
  }, 120_000);

  it('wrong credentials get 401; a wrong webhook key 404', async () => {
    const wrong = createKestraClient({ ...kestraSettings(env), password: 'Wrong-password-9' });
    await expect(wrong.checkCredentials()).rejects.toMatchObject({ status: 401 });
    await expect(wrong.getExecutionOutputs('x')).rejects.toThrow(/401 Unauthorized: check KESTRA_USERNAME and KESTRA_PASSWORD/);
    await expect(client.triggerWebhook(NS, 'client-check', 'not-the-key', {})).rejects.toMatchObject({ status: 404 });
  });

  it('kestra:down stops exactly that JVM and removes the pid file', async () => {
    const r = await runTsx('scripts/kestra/down.ts', [], env, 60_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`stopped the local Kestra (pid ${up.pid})\n`);
    expect(isAlive(up.pid!)).toBe(false);
    expect(existsSync(join(env.KESTRA_HOME!, 'kestra.pid'))).toBe(false);
  }, 60_000);
});
