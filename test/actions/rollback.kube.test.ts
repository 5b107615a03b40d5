// src/actions/rollback.ts and tasks/rollback.ts with the REAL kubectl binary
// against a loopback Kubernetes API (test/support/fake-kube-api.ts): the
// server's state, not kubectl's word, shows what the rollback really did.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageTag, performRollback, type KubectlRunner } from '../../src/actions/rollback.js';
import type { RollbackTarget } from '../../src/actions/rollback-plan.js';
import { startFakeKubeApi, writeKubeconfig, REVISION_ANNOTATION, type FakeKubeApi, type Kubeconfig, recordingKubectl } from '../support/fake-kube-api.js';
import { commandEnv, makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';


const IMAGE = (tag: string) => `registry.example.com/payment-service:${tag}`;
const HISTORY = [{ image: IMAGE('v1.0.0') }, { image: IMAGE('v1.1.0') }];

describe('rollback with the real kubectl against a loopback Kubernetes API', () => {
  let api: FakeKubeApi;
  let kube: Kubeconfig;
  let kubectl: KubectlRunner;
  /** every argv performRollback handed to kubectl */
  let calls: string[][];

  beforeEach(async () => {
    api = await startFakeKubeApi([{ namespace: 'prod', name: 'payment-service', revisions: HISTORY }]);
    kube = await writeKubeconfig(api.url);
    calls = [];
    kubectl = recordingKubectl(kube, calls);
  });

  afterEach(async () => {
    await api?.close();
    await kube?.cleanup();
  });

  const target = (overrides: Partial<RollbackTarget> = {}): RollbackTarget => ({
    service: 'payment-service',
    namespace: 'prod',
    timeoutSeconds: 10,
    ...overrides,
  });
  const patches = () => api.requests.filter((r) => r.method === 'PATCH');

  it('real kubectl, loopback API: previous_version v1.0.0 rolls back to revision 1 and the server template is :v1.0.0', async () => {
    const result = await performRollback(target({ previous_version: 'v1.0.0' }), { kubectl, dryRun: false });

    expect(result).toMatchObject({ status: 'rolled-back', revision: 1, image: IMAGE('v1.0.0') });
    expect(result.error).toBeUndefined();
    expect(result.commands).toEqual([
      'kubectl -n prod get replicasets -o json',
      'kubectl -n prod rollout undo deployment/payment-service --to-revision=1',
      'kubectl -n prod rollout status deployment/payment-service --timeout=10s',
      "kubectl -n prod get deployment/payment-service -o 'jsonpath={.spec.template.spec.containers[*].image}'",
    ]);
    expect(calls).toEqual(result.argv.map((a) => a.slice(1)));
    // the server's state, not kubectl's word
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.0.0')]);
    const d = api.deployment('prod', 'payment-service')!;
    expect(d.metadata.annotations[REVISION_ANNOTATION]).toBe('3'); // the old template comes back as a new revision
    expect(d.status.observedGeneration).toBe(d.metadata.generation);
    // kubectl sent a JSON patch replacing the pod template with revision 1's
    expect(patches()).toHaveLength(1);
    expect(patches()[0]!.contentType).toMatch(/^application\/json-patch\+json/);
    expect(patches()[0]!.body).toContainEqual(expect.objectContaining({ op: 'replace', path: '/spec/template' }));
    // the ReplicaSet of v1.0.0 is re-used with the next revision, as the controller does
    const v1 = api.replicaSets('prod').filter((rs) => imageTag(rs.spec.template.spec.containers[0].image) === 'v1.0.0');
    expect(v1).toHaveLength(1);
    expect(v1[0]!.metadata.annotations[REVISION_ANNOTATION]).toBe('3');
  });

  it('real kubectl, loopback API: picks the highest revision carrying the version', async () => {
    api.addDeployment({
      namespace: 'prod',
      name: 'checkout',
      revisions: [{ image: 'reg/checkout:v2' }, { image: 'reg/checkout:v3' }, { image: 'reg/checkout:v2-debug' }, { image: 'reg/checkout:v4' }],
    });
    const result = await performRollback(target({ service: 'checkout', previous_version: 'v3' }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'rolled-back', revision: 2, image: 'reg/checkout:v3' });
    expect(api.templateImages('prod', 'checkout')).toEqual(['reg/checkout:v3']);
    // payment-service's ReplicaSets in the same namespace were not considered
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real kubectl, loopback API: without previous_version, rollout undo goes to the previous revision', async () => {
    const result = await performRollback(target(), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'rolled-back', image: IMAGE('v1.0.0') });
    expect(result.revision).toBeUndefined();
    expect(result.commands[0]).toBe('kubectl -n prod rollout undo deployment/payment-service');
    expect(result.commands.some((c) => c.includes('--to-revision'))).toBe(false);
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.0.0')]);
  });

  it('real kubectl, loopback API: a dry run sends no request and lists the exact commands', async () => {
    const result = await performRollback(target({ previous_version: 'v1.0.0', context: 'prod-eu' }), { kubectl, dryRun: true });
    expect(result.status).toBe('dry-run');
    expect(calls).toEqual([]);
    expect(api.requests).toEqual([]);
    expect(result.argv[0]).toEqual(['kubectl', '--context', 'prod-eu', '-n', 'prod', 'get', 'replicasets', '-o', 'json']);
    expect(result.commands).toEqual([
      'kubectl --context prod-eu -n prod get replicasets -o json',
      "kubectl --context prod-eu -n prod rollout undo deployment/payment-service '--to-revision=<revision of v1.0.0>'",
      'kubectl --context prod-eu -n prod rollout status deployment/payment-service --timeout=10s',
      "kubectl --context prod-eu -n prod get deployment/payment-service -o 'jsonpath={.spec.template.spec.containers[*].image}'",
    ]);
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real kubectl, loopback API: a deployment that does not exist fails with kubectl\'s NotFound', async () => {
    const result = await performRollback(target({ service: 'ghost-service' }), { kubectl, dryRun: false });
    expect(result.status).toBe('failed');
    expect(result.failedStep).toBe('undo');
    expect(result.error).toMatch(/roll back to the previous revision failed/);
    expect(result.error).toContain('deployments.apps "ghost-service" not found');
    expect(result.error).not.toContain('\n');
    expect(result.commands).toHaveLength(1); // nothing ran after the failure
    expect(patches()).toEqual([]);
  });

  it('real kubectl, loopback API: a deployment that does not exist with previous_version: not in the history', async () => {
    const result = await performRollback(target({ service: 'ghost-service', previous_version: 'v1.0.0' }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'find-revision' });
    expect(result.error).toMatch(/no rollout history for deployment\/ghost-service in namespace prod/);
  });

  it('real kubectl, loopback API: only one revision: no previous revision to go back to', async () => {
    api.addDeployment({ namespace: 'prod', name: 'fresh-service', revisions: [{ image: 'reg/fresh-service:v0.1.0' }] });
    const result = await performRollback(target({ service: 'fresh-service' }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'undo' });
    expect(result.error).toContain('no rollout history found for deployment "fresh-service"');
    expect(api.templateImages('prod', 'fresh-service')).toEqual(['reg/fresh-service:v0.1.0']);
    expect(patches()).toEqual([]);
  });

  it('real kubectl, loopback API: 403 Forbidden on the patch fails the undo step with the RBAC message', async () => {
    api.forbid = (r) => r.verb === 'patch';
    const result = await performRollback(target({ previous_version: 'v1.0.0' }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'undo', revision: 1 });
    // rollout undo patches through client-go's typed client: no "Error from server (Forbidden)" prefix
    expect(result.error).toContain('failed restoring revision 1: deployments.apps "payment-service" is forbidden');
    expect(result.error).toContain('cannot patch resource "deployments"');
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real kubectl, loopback API: 403 Forbidden on listing ReplicaSets fails before any change', async () => {
    api.forbid = (r) => r.resource === 'replicasets';
    const result = await performRollback(target({ previous_version: 'v1.0.0' }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'find-revision' });
    expect(result.error).toMatch(/Error from server \(Forbidden\): replicasets\.apps is forbidden/);
    expect(result.commands).toHaveLength(1);
    expect(patches()).toEqual([]);
  });

  it('real kubectl, loopback API: a previous_version that is not in the history fails and changes nothing', async () => {
    const result = await performRollback(target({ previous_version: 'v0.9.0' }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'find-revision' });
    expect(result.error).toContain('previous_version v0.9.0 is not in the rollout history of deployment/payment-service');
    expect(result.error).toContain(IMAGE('v1.0.0'));
    expect(result.commands).toEqual(['kubectl -n prod get replicasets -o json']);
    expect(patches()).toEqual([]);
  });

  it('real kubectl, loopback API: a rollout that never completes fails at rollout status', async () => {
    api.stallRollouts = true;
    const result = await performRollback(target({ previous_version: 'v1.0.0', timeoutSeconds: 1 }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'status', revision: 1 });
    expect(result.error).toMatch(/wait for the rollout to finish failed/);
    expect(result.error).toMatch(/timed out/i);
  });

  it.each<[string, Partial<RollbackTarget>]>([
    ['a service with a shell payload', { service: 'payment-service; rm -rf /' }],
    ['a service that looks like a flag', { service: '--all' }],
    ['an uppercase namespace', { namespace: 'Prod' }],
  ])('real kubectl, loopback API: %s is rejected before kubectl runs', async (_what, overrides) => {
    const result = await performRollback(target({ previous_version: 'v1.0.0', ...overrides }), { kubectl, dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'validate', commands: [] });
    expect(result.error).toMatch(/refusing to roll back: (service|namespace) ".*" is not a valid Kubernetes/);
    expect(calls).toEqual([]);
    expect(api.requests).toEqual([]);
  });
});

describe('tasks/rollback.ts with the real kubectl against a loopback Kubernetes API', () => {
  let api: FakeKubeApi;
  let kube: Kubeconfig;
  let dataDir: string;

  beforeEach(async () => {
    api = await startFakeKubeApi([{ namespace: 'prod', name: 'payment-service', revisions: HISTORY }]);
    kube = await writeKubeconfig(api.url, 'loopback');
    dataDir = await makeTempDir('rollback-task');
  });

  afterEach(async () => {
    await api?.close();
    await kube?.cleanup();
    await removeTempDir(dataDir);
  });

  const env = (overrides: Record<string, string | undefined>) =>
    commandEnv(dataDir, {
      PATH: `/usr/bin:${process.env.PATH ?? ''}`,
      HOME: kube.dir,
      KUBECONFIG: kube.path,
      KUBECACHEDIR: undefined,
      SERVICE: 'payment-service',
      NAMESPACE: 'prod',
      DEPLOYMENT_ID: 'deploy-42',
      VERSION: 'v1.1.0',
      PREVIOUS_VERSION: 'v1.0.0',
      DRY_RUN: 'false',
      KUBE_CONTEXT: 'loopback',
      ROLLOUT_TIMEOUT_SECONDS: '15',
      DEPLOYED_AT: undefined,
      ...overrides,
    });

  const outputsOf = (stdout: string) => {
    const line = stdout.split('\n').find((l) => l.startsWith('::{"outputs"'));
    expect(line, `no Kestra outputs line in:\n${stdout}`).toBeDefined();
    return JSON.parse(line!.slice(2, -2)).outputs as Record<string, unknown>;
  };

  it('real kubectl, loopback API: the task rolls back and prints the Kestra outputs', async () => {
    const r = await runTsx('tasks/rollback.ts', [], env({}), 60_000);
    expect(r.stderr.trim(), r.stdout).toBe('');
    expect(r.code).toBe(0);
    const outputs = outputsOf(r.stdout);
    expect(outputs).toMatchObject({ rollback_status: 'rolled-back', revision: 1, image: IMAGE('v1.0.0') });
    expect(String(outputs.commands).split('\n')).toEqual([
      'kubectl --context loopback -n prod get replicasets -o json',
      'kubectl --context loopback -n prod rollout undo deployment/payment-service --to-revision=1',
      'kubectl --context loopback -n prod rollout status deployment/payment-service --timeout=15s',
      "kubectl --context loopback -n prod get deployment/payment-service -o 'jsonpath={.spec.template.spec.containers[*].image}'",
    ]);
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.0.0')]);
    // pino lines on stdout carry the correlation id
    expect(r.stdout).toContain('"correlation_id":"deploy-42"');
  });

  it('real kubectl, loopback API: a failing rollback exits 1 with a one-line reason', async () => {
    api.forbid = (req) => req.verb === 'patch';
    const r = await runTsx('tasks/rollback.ts', [], env({}), 60_000);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rollback failed: roll back to that revision failed .*"payment-service" is forbidden/);
    expect(outputsOf(r.stdout)).toMatchObject({ rollback_status: 'failed', revision: 1 });
    expect(api.templateImages('prod', 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });
});
