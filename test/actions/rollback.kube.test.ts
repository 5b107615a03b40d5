// src/actions/rollback.ts and tasks/rollback.ts with kubectl v1.34.4 against a REAL
// Kubernetes control plane on loopback (test/support/local-cluster.ts: etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler, kwok's fake node). The
// revisions, ReplicaSets and rollout status are the real controllers' own; the
// cluster's state, read back with kubectl, shows what the rollback really did.
// One cluster for the file; each test has a namespace of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageTag, performRollback, REVISION_ANNOTATION } from '../../src/actions/rollback.js';
import type { RollbackTarget } from '../../src/actions/rollback-plan.js';
import {
  CLUSTER_START_TIMEOUT_MS,
  CLUSTER_TEST_TIMEOUT_MS,
  createDeploymentWithHistory,
  deploymentJson,
  replicaSetsJson,
  rollbackRules,
  serviceAccountKubeconfig,
  recordingRunner,
  startTestCluster,
  templateImages,
  type TestCluster,
} from '../support/local-cluster.js';
import { commandEnv, runTsx } from '../support/run-command.js';

const IMAGE = (tag: string) => `registry.example.com/payment-service:${tag}`;
const HISTORY = [IMAGE('v1.0.0'), IMAGE('v1.1.0')];

let cluster: TestCluster;
let scratch: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  scratch = await mkdtemp(join(tmpdir(), 'rollback-kube-'));
}, CLUSTER_START_TIMEOUT_MS);

afterAll(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 30_000);

/** A namespace with payment-service at revisions v1.0.0 (1) and v1.1.0 (2, current). */
async function paymentService(prefix: string, images = HISTORY, unschedulable?: number[]): Promise<string> {
  const namespace = await cluster.namespace(prefix);
  await createDeploymentWithHistory(cluster, { namespace, name: 'payment-service', images, ...(unschedulable ? { unschedulable } : {}) });
  return namespace;
}

const target = (namespace: string, overrides: Partial<RollbackTarget & { version: string }> = {}): RollbackTarget & { version?: string } => ({
  service: 'payment-service',
  namespace,
  timeoutSeconds: 30,
  ...overrides,
});

describe('rollback with kubectl v1.34.4 against a real control plane (kube-apiserver, controllers, kwok)', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  it('real cluster: previous_version v1.0.0 rolls back to revision 1, verified on the server as :v1.0.0', async () => {
    const ns = await paymentService('to-version');
    const calls: string[][] = [];
    const result = await performRollback(target(ns, { previous_version: 'v1.0.0' }), { kubectl: recordingRunner(cluster.runner(), calls), dryRun: false });

    expect(result).toMatchObject({ status: 'rolled-back', revision: 1, image: IMAGE('v1.0.0'), imageBefore: IMAGE('v1.1.0') });
    expect(result.error).toBeUndefined();
    const image = `kubectl -n ${ns} get deployment/payment-service -o 'jsonpath={.spec.template.spec.containers[*].image}'`;
    expect(result.commands).toEqual([
      image,
      `kubectl -n ${ns} get replicasets -o json`,
      `kubectl -n ${ns} rollout undo deployment/payment-service --to-revision=1`,
      `kubectl -n ${ns} rollout status deployment/payment-service --timeout=30s`,
      image,
    ]);
    expect(calls).toEqual(result.argv.map((a) => a.slice(1)));
    // the cluster's state, not kubectl's word
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.0.0')]);
    const d = await deploymentJson(cluster, ns, 'payment-service');
    expect(d.metadata.annotations[REVISION_ANNOTATION]).toBe('3'); // the old template comes back as a new revision
    expect(d.status.observedGeneration).toBe(d.metadata.generation);
    expect(d.status.updatedReplicas).toBe(1);
    expect(d.status.availableReplicas).toBe(1);
    // the controller re-used revision 1's ReplicaSet and gave it revision 3
    const v1 = (await replicaSetsJson(cluster, ns)).filter((rs) => imageTag(rs.spec.template.spec.containers[0].image) === 'v1.0.0');
    expect(v1).toHaveLength(1);
    expect(v1[0].metadata.annotations[REVISION_ANNOTATION]).toBe('3');
    expect(v1[0].status.readyReplicas).toBe(1);
  });

  it('real cluster: picks the highest revision carrying the version, ignoring other deployments in the namespace', async () => {
    const ns = await paymentService('highest');
    await createDeploymentWithHistory(cluster, { namespace: ns, name: 'checkout', images: ['reg/checkout:v2', 'reg/checkout:v3', 'reg/checkout:v2-debug', 'reg/checkout:v4'] });
    const result = await performRollback(target(ns, { service: 'checkout', previous_version: 'v3' }), { kubectl: cluster.runner(), dryRun: false });
    expect(result).toMatchObject({ status: 'rolled-back', revision: 2, image: 'reg/checkout:v3', imageBefore: 'reg/checkout:v4' });
    expect(await templateImages(cluster, ns, 'checkout')).toEqual(['reg/checkout:v3']);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real cluster: without previous_version, rollout undo goes to the previous revision', async () => {
    const ns = await paymentService('previous');
    const result = await performRollback(target(ns), { kubectl: cluster.runner(), dryRun: false });
    expect(result).toMatchObject({ status: 'rolled-back', image: IMAGE('v1.0.0'), imageBefore: IMAGE('v1.1.0') });
    expect(result.revision).toBeUndefined();
    expect(result.commands).toContain(`kubectl -n ${ns} rollout undo deployment/payment-service`);
    expect(result.commands.some((c) => c.includes('--to-revision'))).toBe(false);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.0.0')]);
  });

  it('real cluster: a re-delivered rollback changes nothing the second time', async () => {
    const ns = await paymentService('redelivered');
    const deps = { kubectl: cluster.runner(), dryRun: false };
    const first = await performRollback(target(ns, { previous_version: 'v1.0.0' }), deps);
    expect(first).toMatchObject({ status: 'rolled-back', revision: 1 });
    const after1 = await deploymentJson(cluster, ns, 'payment-service');
    const rsAfter1 = (await replicaSetsJson(cluster, ns)).map((rs) => `${rs.metadata.name}@${rs.metadata.annotations[REVISION_ANNOTATION]}`).sort();

    const second = await performRollback(target(ns, { previous_version: 'v1.0.0' }), deps);
    // revision 3 now carries v1.0.0: undo to it is kubectl's "skipped rollback"
    expect(second).toMatchObject({ status: 'rolled-back', revision: 3, image: IMAGE('v1.0.0'), imageBefore: IMAGE('v1.0.0') });
    const after2 = await deploymentJson(cluster, ns, 'payment-service');
    expect(after2.metadata.generation).toBe(after1.metadata.generation);
    expect(after2.metadata.annotations[REVISION_ANNOTATION]).toBe('3');
    expect(after2.metadata.resourceVersion).toBe(after1.metadata.resourceVersion);
    const rsAfter2 = (await replicaSetsJson(cluster, ns)).map((rs) => `${rs.metadata.name}@${rs.metadata.annotations[REVISION_ANNOTATION]}`).sort();
    expect(rsAfter2).toEqual(rsAfter1);
  });

  it('real cluster: a re-delivered rollback without previous_version does not undo the undo', async () => {
    const ns = await paymentService('redelivered-previous');
    const deps = { kubectl: cluster.runner(), dryRun: false };
    const first = await performRollback(target(ns, { version: 'v1.1.0' }), deps);
    expect(first).toMatchObject({ status: 'rolled-back', image: IMAGE('v1.0.0'), imageBefore: IMAGE('v1.1.0') });
    const after1 = await deploymentJson(cluster, ns, 'payment-service');

    const second = await performRollback(target(ns, { version: 'v1.1.0' }), deps);
    expect(second).toMatchObject({ status: 'rolled-back', image: IMAGE('v1.0.0'), imageBefore: IMAGE('v1.0.0') });
    expect(second.commands.some((c) => c.includes('rollout undo'))).toBe(false);
    const after2 = await deploymentJson(cluster, ns, 'payment-service');
    expect(after2.metadata.resourceVersion).toBe(after1.metadata.resourceVersion);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.0.0')]);
  });

  it('real cluster: without previous_version, a deployment still running the bad version is rolled back', async () => {
    const ns = await paymentService('bad-still-running');
    const result = await performRollback(target(ns, { version: 'v1.1.0' }), { kubectl: cluster.runner(), dryRun: false });
    expect(result).toMatchObject({ status: 'rolled-back', image: IMAGE('v1.0.0') });
    expect(result.commands).toContain(`kubectl -n ${ns} rollout undo deployment/payment-service`);
  });

  it('real cluster: a dry run sends no request and lists the exact commands', async () => {
    const ns = await paymentService('dry-run');
    const calls: string[][] = [];
    const result = await performRollback(target(ns, { previous_version: 'v1.0.0', context: 'prod-eu' }), {
      kubectl: recordingRunner(cluster.runner(), calls),
      dryRun: true,
    });
    expect(result.status).toBe('dry-run');
    expect(calls).toEqual([]);
    expect(result.commands[1]).toBe(`kubectl --context prod-eu -n ${ns} rollout undo deployment/payment-service '--to-revision=<revision of v1.0.0>'`);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it("real cluster: a deployment that does not exist fails with the apiserver's NotFound", async () => {
    const ns = await cluster.namespace('ghost');
    const result = await performRollback(target(ns, { service: 'ghost-service' }), { kubectl: cluster.runner(), dryRun: false });
    expect(result.status).toBe('failed');
    expect(result.failedStep).toBe('undo');
    expect(result.error).toMatch(/roll back to the previous revision failed/);
    expect(result.error).toContain('deployments.apps "ghost-service" not found');
    expect(result.error).not.toContain('\n');
    expect(result.imageBefore).toBeUndefined();
    expect(result.commands.at(-1)).toContain('rollout undo'); // nothing ran after the failure
  });

  it('real cluster: a deployment that does not exist, with previous_version: no rollout history', async () => {
    const ns = await cluster.namespace('ghost-version');
    const result = await performRollback(target(ns, { service: 'ghost-service', previous_version: 'v1.0.0' }), { kubectl: cluster.runner(), dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'find-revision' });
    expect(result.error).toContain(`no rollout history for deployment/ghost-service in namespace ${ns}`);
  });

  it('real cluster: a deployment with no earlier revision fails and is left as it was', async () => {
    const ns = await cluster.namespace('one-revision');
    await createDeploymentWithHistory(cluster, { namespace: ns, name: 'fresh-service', images: ['reg/fresh-service:v0.1.0'] });
    const before = await deploymentJson(cluster, ns, 'fresh-service');
    const result = await performRollback(target(ns, { service: 'fresh-service' }), { kubectl: cluster.runner(), dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'undo', imageBefore: 'reg/fresh-service:v0.1.0' });
    // kubectl finds no revision before the current one
    expect(result.error).toMatch(/roll back to the previous revision failed \(kubectl exit 1\): error: (unable to find specified revision|no rollout history)/);
    const after = await deploymentJson(cluster, ns, 'fresh-service');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(await templateImages(cluster, ns, 'fresh-service')).toEqual(['reg/fresh-service:v0.1.0']);
  });

  it('real cluster: a previous_version that is not in the history fails and changes nothing', async () => {
    const ns = await paymentService('unknown-version');
    const result = await performRollback(target(ns, { previous_version: 'v0.9.0' }), { kubectl: cluster.runner(), dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'find-revision' });
    expect(result.error).toContain('previous_version v0.9.0 is not in the rollout history of deployment/payment-service');
    expect(result.error).toContain(IMAGE('v1.0.0'));
    expect(result.commands.some((c) => c.includes('rollout undo'))).toBe(false);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real cluster: a ServiceAccount whose RBAC forbids patch fails the undo with the apiserver\'s reason', async () => {
    const ns = await paymentService('forbidden');
    const kubeconfig = await serviceAccountKubeconfig(cluster, ns, 'watchdog', rollbackRules(['get', 'list', 'watch']), scratch);
    const result = await performRollback(target(ns, { previous_version: 'v1.0.0' }), { kubectl: cluster.runner(kubeconfig), dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'undo', revision: 1, imageBefore: IMAGE('v1.1.0') });
    expect(result.error).toContain('deployments.apps "payment-service" is forbidden');
    expect(result.error).toContain(`User "system:serviceaccount:${ns}:watchdog" cannot patch resource "deployments"`);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real cluster: the same ServiceAccount allowed to patch rolls back', async () => {
    const ns = await paymentService('allowed');
    const kubeconfig = await serviceAccountKubeconfig(cluster, ns, 'watchdog', rollbackRules(['get', 'list', 'watch', 'patch']), scratch);
    const result = await performRollback(target(ns, { previous_version: 'v1.0.0' }), { kubectl: cluster.runner(kubeconfig), dryRun: false });
    expect(result).toMatchObject({ status: 'rolled-back', revision: 1, image: IMAGE('v1.0.0') });
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.0.0')]);
  });

  it('real cluster: a rollout that never becomes ready fails at rollout status after the timeout, never reported as rolled back', async () => {
    // revision 1's pod template fits no node: its pods stay Pending
    const ns = await paymentService('never-ready', HISTORY, [0]);
    const started = Date.now();
    const result = await performRollback(target(ns, { previous_version: 'v1.0.0', timeoutSeconds: 3 }), { kubectl: cluster.runner(), dryRun: false });
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(result).toMatchObject({ status: 'failed', failedStep: 'status', revision: 1 });
    expect(result.image).toBeUndefined();
    expect(result.error).toMatch(/wait for the rollout to finish failed/);
    expect(result.error).toMatch(/timed out/i);
    // the old pods still serve: the controller keeps v1.1.0 available while v1.0.0 is Pending
    const d = await deploymentJson(cluster, ns, 'payment-service');
    expect(d.status.availableReplicas).toBe(1);
    expect(d.status.updatedReplicas ?? 0).toBe(1);
    const pending = JSON.parse((await cluster.kubectl(['-n', ns, 'get', 'pods', '--field-selector=status.phase=Pending', '-o', 'json'])).stdout).items;
    expect(pending.length).toBeGreaterThanOrEqual(1);
  });

  it.each<[string, Partial<RollbackTarget>]>([
    ['a service with a shell payload', { service: 'payment-service; rm -rf /' }],
    ['a service that looks like a flag', { service: '--all' }],
    ['an uppercase namespace', { namespace: 'Prod' }],
  ])('real cluster: %s is rejected before kubectl runs', async (_what, overrides) => {
    const calls: string[][] = [];
    const result = await performRollback({ ...target('prod', { previous_version: 'v1.0.0' }), ...overrides }, { kubectl: recordingRunner(cluster.runner(), calls), dryRun: false });
    expect(result).toMatchObject({ status: 'failed', failedStep: 'validate', commands: [] });
    expect(result.error).toMatch(/refusing to roll back: (service|namespace) ".*" is not a valid Kubernetes/);
    expect(calls).toEqual([]);
  });
});

describe('tasks/rollback.ts with kubectl v1.34.4 against a real control plane', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  const env = (ns: string, kubeconfig: string, overrides: Record<string, string | undefined> = {}) =>
    commandEnv(scratch, {
      // the cluster's kubectl first: on some images /usr/bin/kubectl is another program
      PATH: `${dirname(cluster.kubectlPath)}:${process.env.PATH ?? ''}`,
      HOME: scratch,
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: undefined,
      SERVICE: 'payment-service',
      NAMESPACE: ns,
      DEPLOYMENT_ID: 'deploy-42',
      VERSION: 'v1.1.0',
      PREVIOUS_VERSION: 'v1.0.0',
      DRY_RUN: 'false',
      ROLLOUT_TIMEOUT_SECONDS: '30',
      DEPLOYED_AT: undefined,
      ...overrides,
    });

  const outputsOf = (stdout: string) => {
    const line = stdout.split('\n').find((l) => l.startsWith('::{"outputs"'));
    expect(line, `no Kestra outputs line in:\n${stdout}`).toBeDefined();
    return JSON.parse(line!.slice(2, -2)).outputs as Record<string, unknown>;
  };

  it('real cluster: the task rolls back and prints the image before and after as Kestra outputs', async () => {
    const ns = await paymentService('task');
    const r = await runTsx('tasks/rollback.ts', [], env(ns, cluster.kubeconfig, { KUBE_CONTEXT: 'local' }), 90_000);
    expect(r.stderr.trim(), r.stdout).toBe('');
    expect(r.code).toBe(0);
    const outputs = outputsOf(r.stdout);
    expect(outputs).toMatchObject({
      rollback_status: 'rolled-back',
      revision: 1,
      image: IMAGE('v1.0.0'),
      image_before: IMAGE('v1.1.0'),
      image_after: IMAGE('v1.0.0'),
    });
    expect(String(outputs.commands).split('\n')).toContain(`kubectl --context local -n ${ns} rollout undo deployment/payment-service --to-revision=1`);
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.0.0')]);
    expect(r.stdout).toContain('"correlation_id":"deploy-42"');
  });

  it('real cluster: RBAC forbidding patch: the task exits 1 with a one-line reason', async () => {
    const ns = await paymentService('task-forbidden');
    const kubeconfig = await serviceAccountKubeconfig(cluster, ns, 'watchdog', rollbackRules(['get', 'list', 'watch']), scratch);
    const r = await runTsx('tasks/rollback.ts', [], env(ns, kubeconfig), 90_000);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rollback failed: roll back to that revision failed .*"payment-service" is forbidden: User "system:serviceaccount:.*:watchdog" cannot patch/);
    expect(outputsOf(r.stdout)).toMatchObject({ rollback_status: 'failed', revision: 1, image: null, image_after: null, image_before: IMAGE('v1.1.0') });
    expect(await templateImages(cluster, ns, 'payment-service')).toEqual([IMAGE('v1.1.0')]);
  });

  it('real cluster: a rollout that never becomes ready: FAILED after ROLLOUT_TIMEOUT_SECONDS', async () => {
    const ns = await paymentService('task-never-ready', HISTORY, [0]);
    const started = Date.now();
    const r = await runTsx('tasks/rollback.ts', [], env(ns, cluster.kubeconfig, { ROLLOUT_TIMEOUT_SECONDS: '2' }), 90_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^rollback failed: wait for the rollout to finish failed .*timed out/i);
    expect(outputsOf(r.stdout)).toMatchObject({ rollback_status: 'failed', image: null });
  });
});
