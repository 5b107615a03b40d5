// kestra:deploy and trigger against the Kestra API double on 127.0.0.1 (fast, no JVM;
// test/kestra/local-kestra.test.ts runs the same client against the real local Kestra):
// the requests the scripts send — flows as application/x-yaml to the namespace upsert
// endpoint, bundles as multipart namespace files, the webhook with the deployment body,
// the flow outputs from their own endpoint (Kestra 2.0) — and their error messages.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../../scripts/kestra/deploy.js';
import { createKestraClient, waitForExecution } from '../../src/kestra/client.js';
import { startKestraDouble, type KestraDouble } from '../support/kestra-api-double.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runTsx } from '../support/run-command.js';

const WEBHOOK_KEY = 'test-webhook-key-1';

describe('kestra:deploy and trigger against the Kestra API double', () => {
  let kestra: KestraDouble;
  let tmp: string;
  const env = () => ({
    KESTRA_URL: kestra.url,
    KESTRA_USERNAME: kestra.username,
    KESTRA_PASSWORD: kestra.password,
    WEBHOOK_KEY,
  });

  beforeEach(async () => {
    kestra = await startKestraDouble({ secrets: { WEBHOOK_KEY } });
    tmp = await makeTempDir('kestra-deploy');
  });
  afterEach(async () => {
    await kestra.close();
    await removeTempDir(tmp);
  });

  it('uploads every bundle and demo scenario as namespace files and upserts every flow, idempotently', async () => {
    const report = await deploy({ env: env() });
    expect(report.flows.map((f) => f.id).sort()).toEqual(['devops-loop', 'watchdog-health']);
    const decide = kestra.namespaceFiles.get('ai.devops.commander:/dist/tasks/decide.cjs');
    expect(decide?.equals(await readFile(join(REPO_ROOT, 'dist/tasks/decide.cjs')))).toBe(true);
    expect(kestra.namespaceFiles.has('ai.devops.commander:/mock-data/scenarios/memory-leak-payment.json')).toBe(true);
    expect(kestra.flows.get('ai.devops.commander/devops-loop')?.source).toBe((await readFile(join(REPO_ROOT, 'flows/devops-loop.yml'), 'utf8')).trim());
    const upsert = kestra.requests.find((r) => r.method === 'POST' && r.path === '/api/v1/main/flows/ai.devops.commander')!;
    expect(upsert.contentType).toMatch(/^application\/x-yaml/);
    expect(upsert.query.get('delete')).toBe('false');
    const upload = kestra.requests.find((r) => r.path === '/api/v1/main/namespaces/ai.devops.commander/files')!;
    expect(upload.contentType).toMatch(/^multipart\/form-data; boundary=/);

    const again = await deploy({ env: env() });
    expect(again.flows.map((f) => f.revision)).toEqual(report.flows.map((f) => f.revision));
  }, 60_000);

  it('names the credentials on a 401 and kestra:up when Kestra is unreachable', async () => {
    await expect(deploy({ env: { ...env(), KESTRA_PASSWORD: 'Wrong-password-9' } })).rejects.toThrow(
      /401 Unauthorized: check KESTRA_USERNAME and KESTRA_PASSWORD/,
    );
    kestra.setDown(true);
    await expect(deploy({ env: env() })).rejects.toThrow(/unreachable .*npm run kestra:up or set KESTRA_URL/);
    await expect(deploy({ env: { ...env(), KESTRA_URL: 'not a url' } })).rejects.toThrow('KESTRA_URL: expected an http(s) URL');
  }, 30_000);

  it('trigger --wait sends the scenario\'s deployment to the webhook and prints the finished execution', async () => {
    await deploy({ env: env() });
    // Stand in for the flow run: end each execution the webhook creates the way devops-loop does.
    const timer = setInterval(() => {
      for (const e of kestra.executions.values()) {
        if (e.state.current !== 'CREATED') continue;
        const body = (e.trigger?.variables.body ?? {}) as Record<string, string>;
        kestra.completeExecution(e.id, {
          state: 'SUCCESS',
          outputs: { deployment_id: body.deployment_id, service: body.service, decision: 'ROLLBACK', confidence: 0.97, rollback_status: 'dry-run' },
        });
      }
    }, 200);
    try {
      const r = await runTsx('scripts/trigger.ts', ['--scenario', 'memory-leak-payment', '--wait', '--timeout', '20'], commandEnv(tmp, env()), 40_000);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const printed = JSON.parse(r.stdout.trim()) as Record<string, any>;
      expect(printed.state).toBe('SUCCESS');
      expect(printed.outputs.decision).toBe('ROLLBACK');
      expect(printed.outputs.confidence).toBe(0.97);
      // Kestra 2.0: the execution has no outputs; they come from /outputs/executions/{id}
      expect(kestra.requests.some((q) => q.method === 'GET' && q.path === `/api/v1/main/outputs/executions/${printed.execution_id}`)).toBe(true);
      expect(printed.url).toBe(`${kestra.url}/ui/main/executions/ai.devops.commander/devops-loop/${printed.execution_id}`);
      const webhook = kestra.requests.find((q) => q.path.startsWith('/api/v1/main/executions/webhook/'))!;
      expect(webhook.path).toBe(`/api/v1/main/executions/webhook/ai.devops.commander/devops-loop/${WEBHOOK_KEY}`);
      const body = JSON.parse(webhook.body.toString('utf8')) as Record<string, string>;
      expect(body).toMatchObject({ scenario: 'memory-leak-payment', service: 'payment-service' });
      expect(body.deployment_id).toBe(printed.deployment_id);
      expect(Number.isNaN(Date.parse(body.deployed_at!))).toBe(false);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);

  it('trigger names a wrong webhook key and an unknown scenario', async () => {
    await deploy({ env: env() });
    const wrongKey = await runTsx('scripts/trigger.ts', ['--scenario', 'memory-leak-payment'], commandEnv(tmp, { ...env(), WEBHOOK_KEY: 'another-key-42' }), 30_000);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/trigger failed: webhook ai.devops.commander\/devops-loop: HTTP 404: Webhook not found/);
    const unknown = await runTsx('scripts/trigger.ts', ['--scenario', 'no-such-scenario'], commandEnv(tmp, env()), 30_000);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/trigger failed: .*no-such-scenario/);
  }, 60_000);

  it('trigger --wait exits 1 on a failed execution, with the outputs it has', async () => {
    await deploy({ env: env() });
    const timer = setInterval(() => {
      for (const e of kestra.executions.values()) {
        if (e.state.current === 'CREATED') kestra.completeExecution(e.id, { state: 'FAILED' });
      }
    }, 200);
    try {
      const r = await runTsx('scripts/trigger.ts', ['--scenario', 'healthy-hotfix', '--wait', '--timeout', '20'], commandEnv(tmp, env()), 40_000);
      expect(r.code).toBe(1);
      const printed = JSON.parse(r.stdout.trim()) as Record<string, any>;
      expect(printed.state).toBe('FAILED');
      expect(printed.outputs).toEqual({});
    } finally {
      clearInterval(timer);
    }
  }, 60_000);

  it('getExecutionOutputs: the flow outputs, {} while an execution has none, an error for an unknown one', async () => {
    const client = createKestraClient(kestra);
    const done = kestra.addExecution({ state: 'SUCCESS', outputs: { decision: 'CONTINUE', confidence: 0.8 } });
    expect(await client.getExecutionOutputs(done.id)).toEqual({ decision: 'CONTINUE', confidence: 0.8 });
    expect(await client.getExecution(done.id)).not.toHaveProperty('outputs');
    const early = kestra.addExecution({ state: 'FAILED' });
    expect(await client.getExecutionOutputs(early.id)).toEqual({});
    await expect(client.getExecutionOutputs('noSuchExecution')).rejects.toThrow(/GET execution noSuchExecution: HTTP 404/);
    await expect(createKestraClient({ ...kestra, password: 'Wrong-password-9' }).checkCredentials()).rejects.toMatchObject({ status: 401 });
    await client.checkCredentials();
  });

  it('waitForExecution stops at PAUSED (awaiting approval) and times out with the state it saw', async () => {
    const client = createKestraClient(kestra);
    const paused = kestra.addExecution({ state: 'PAUSED' });
    expect((await waitForExecution(client, paused.id, { timeoutMs: 1000 })).state.current).toBe('PAUSED');
    const running = kestra.addExecution({ state: 'RUNNING' });
    await expect(waitForExecution(client, running.id, { timeoutMs: 300, intervalMs: 100 })).rejects.toThrow(
      `execution ${running.id} is still RUNNING after 0 s`,
    );
  });
});
