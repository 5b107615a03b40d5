// The devops-loop and watchdog-health flows on the real Kestra 2.0 engine (the local
// Kestra), fed through its webhook and API as a CD system and an SRE would.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKestra, type LocalKestra } from '../support/local-kestra.js';

let kestra: LocalKestra;

beforeAll(async () => {
  kestra = await startLocalKestra('devops-loop');
}, 300_000);

afterAll(async () => {
  await kestra?.stop();
});

let counter = 0;
const deploymentId = (what: string) => `engine-${what}-${process.pid}-${++counter}`;

function samples(): Array<{ deployment_id: string }> {
  const file = join(kestra.trainingDir, 'samples.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { deployment_id: string });
}

const taskIds = (execution: { taskRunList?: Array<{ taskId: string }> }) => (execution.taskRunList ?? []).map((t) => t.taskId);

describe('devops-loop on the Kestra engine', () => {
  it('ROLLBACK: a bad deployment is rolled back (dry run), a fix PR is prepared, one sample is recorded', async () => {
    const id = deploymentId('rollback');
    const { status, execution } = await kestra.webhook({ scenario: 'memory-leak-payment', deployment_id: id, service: 'payment-service', version: 'v2.0.0-bad', previous_version: 'v1.9.0' });
    expect(status).toBe(200);
    const done = await kestra.waitFor(execution.id);
    expect(done.state.current).toBe('SUCCESS');
    const outputs = await kestra.client.getExecutionOutputs(execution.id);
    expect(outputs).toMatchObject({ decision: 'ROLLBACK', rollback_status: 'dry-run', sample_status: 'recorded', deployment_id: id, service: 'payment-service' });
    expect(taskIds(done)).toEqual(expect.arrayContaining(['rollback', 'open_fix_pr']));
    const labels = Object.fromEntries((done.labels ?? []).map((l) => [l.key, l.value]));
    expect(labels).toMatchObject({ decision: 'ROLLBACK', service: 'payment-service', deployment_id: id });
    expect(samples().filter((s) => s.deployment_id === id)).toHaveLength(1);
  }, 120_000);

  it('CONTINUE: a healthy deployment is kept, nothing is rolled back', async () => {
    const id = deploymentId('continue');
    const { execution } = await kestra.webhook({ scenario: 'healthy-hotfix', deployment_id: id, service: 'checkout', version: 'v3.1.1' });
    const done = await kestra.waitFor(execution.id);
    expect(done.state.current).toBe('SUCCESS');
    expect(await kestra.client.getExecutionOutputs(execution.id)).toMatchObject({ decision: 'CONTINUE', rollback_status: 'not-needed' });
    expect(taskIds(done)).toContain('keep_deployment');
    expect(taskIds(done)).not.toContain('rollback');
  }, 120_000);

  it('a demo body with only a scenario uses the scenario\'s own deployment', async () => {
    const { execution } = await kestra.webhook({ scenario: 'db-trouble-user-service' });
    const done = await kestra.waitFor(execution.id);
    expect(done.state.current).toBe('SUCCESS');
    const outputs = await kestra.client.getExecutionOutputs(execution.id);
    expect(outputs.service).toBe('user-service');
    expect(outputs.decision).toBe('ROLLBACK');
  }, 120_000);

  it('a malformed webhook (no service) fails fast with its reason, records nothing and rolls nothing back', async () => {
    const before = samples().length;
    const started = Date.now();
    const { execution } = await kestra.webhook({ version: 'v2.0.0', deployment_id: deploymentId('malformed') });
    const done = await kestra.waitFor(execution.id);
    expect(done.state.current).toBe('FAILED');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(taskIds(done)).not.toContain('collect_metrics');
    const errors = await kestra.client.getLogs(execution.id, 'ERROR');
    const handler = errors.find((l) => l.taskId === 'log_failure');
    expect(handler?.message).toContain('service and version are required');
    expect(samples().length).toBe(before);
    // the outputs still render on a failed run
    expect(await kestra.client.getExecutionOutputs(execution.id)).toMatchObject({ decision: 'NONE', rollback_status: 'not-needed' });
  }, 60_000);

  it('approval: a ROLLBACK below the confidence pauses; resume rolls back', async () => {
    const id = deploymentId('approve');
    const { execution } = await kestra.webhook({ scenario: 'memory-leak-payment', deployment_id: id, service: 'payment-service', version: 'v2.0.0-bad', require_approval: true, approval_below_confidence: 1.0 });
    const paused = await kestra.waitFor(execution.id);
    expect(paused.state.current).toBe('PAUSED');
    expect(taskIds(paused)).not.toContain('rollback');
    await kestra.client.resumeExecution(execution.id);
    const done = await kestra.waitFor(execution.id, ['SUCCESS', 'FAILED', 'KILLED']);
    expect(done.state.current).toBe('SUCCESS');
    expect((await kestra.client.getExecutionOutputs(execution.id)).rollback_status).toBe('dry-run');
  }, 120_000);

  it('approval: kill keeps the deployment (no rollback); a typed manual run pauses the same way', async () => {
    const created = await kestra.client.createExecution(kestra.settings.namespace, 'devops-loop', {
      scenario: 'db-trouble-user-service',
      deployment_id: deploymentId('reject'),
      service: 'user-service',
      version: 'v1.8.0',
      require_approval: 'true',
      approval_below_confidence: '1.0',
    });
    expect((await kestra.waitFor(created.id)).state.current).toBe('PAUSED');
    await kestra.client.killExecution(created.id);
    const done = await kestra.waitFor(created.id, ['KILLED', 'SUCCESS', 'FAILED']);
    expect(done.state.current).toBe('KILLED');
    expect(taskIds(done)).not.toContain('rollback');
  }, 120_000);

  it('without require_approval a ROLLBACK never pauses', async () => {
    const { execution } = await kestra.webhook({ scenario: 'memory-leak-payment', deployment_id: deploymentId('no-gate'), service: 'payment-service', version: 'v2.0.0-bad', approval_below_confidence: 1.0 });
    const done = await kestra.waitFor(execution.id);
    expect(done.state.current).toBe('SUCCESS');
    expect(taskIds(done)).not.toContain('wait_for_approval');
  }, 120_000);

  it('a re-delivered webhook records one sample', async () => {
    const id = deploymentId('redelivery');
    const body = { scenario: 'healthy-hotfix', deployment_id: id, service: 'checkout', version: 'v3.1.1' };
    const first = await kestra.webhook(body);
    await kestra.waitFor(first.execution.id);
    const second = await kestra.webhook(body);
    expect((await kestra.waitFor(second.execution.id)).state.current).toBe('SUCCESS');
    expect((await kestra.client.getExecutionOutputs(second.execution.id)).sample_status).toBe('duplicate');
    expect(samples().filter((s) => s.deployment_id === id)).toHaveLength(1);
  }, 120_000);

  it('the health flow runs and says which component is down', async () => {
    const created = await kestra.client.createExecution(kestra.settings.namespace, 'watchdog-health', {});
    const done = await kestra.waitFor(created.id, ['SUCCESS', 'FAILED', 'WARNING'], 120_000);
    // Prometheus is pointed at a closed port: the watchdog is unhealthy, and says why.
    expect(done.state.current).toBe('FAILED');
    const handler = (await kestra.client.getLogs(created.id, 'ERROR')).find((l) => l.taskId === 'log_unhealthy');
    expect(handler?.message).toMatch(/prometheus/i);
  }, 150_000);

  it('wrong credentials get 401, the webhook needs none', async () => {
    const res = await fetch(`${kestra.settings.url}/api/v1/main/executions/search`, {
      headers: { authorization: `Basic ${Buffer.from(`${kestra.settings.username}:wrong-Password-1`).toString('base64')}` },
    });
    expect(res.status).toBe(401);
    const unknown = await fetch(`${kestra.settings.url}/api/v1/main/executions/webhook/${kestra.settings.namespace}/devops-loop/not-the-key`, { method: 'POST' });
    expect(unknown.status).toBe(404);
  });
});
