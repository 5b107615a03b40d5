// src/collect/kubectl-logs.ts with kubectl v1.34.4 against a REAL Kubernetes control
// plane on loopback (test/support/local-cluster.ts): the apiserver proxies each
// container's log to kwok's node, which serves it from a file in the container
// runtime's format with the kubelet's own reader (timestamps, sinceTime, tailLines);
// plus the pure helpers on their own. One cluster for the file, a namespace per test.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubectlLogSource, deploymentSelector, orderKubectlLogLines } from '../../src/collect/kubectl-logs.js';
import { LogSourceError } from '../../src/collect/log-sources.js';
import { splitLogWindows } from '../../src/collect/log-window.js';
import {
  CLUSTER_START_TIMEOUT_MS,
  CLUSTER_TEST_TIMEOUT_MS,
  addPodWithLogs,
  createDeploymentWithHistory,
  rollbackRules,
  serviceAccountKubeconfig,
  recordingRunner,
  startTestCluster,
  type TestCluster,
} from '../support/local-cluster.js';

const OLD_POD = 'payment-service-6f7c9d8b5-abcde';
const NEW_POD = 'payment-service-7d9f8b6c4-xyz12';
const deployedAt = new Date('2026-11-23T10:00:00Z');
const from = new Date('2026-11-23T09:30:00Z');
const to = new Date('2026-11-23T10:10:00Z');

let cluster: TestCluster;
let scratch: string;

beforeAll(async () => {
  cluster = await startTestCluster();
  scratch = await mkdtemp(join(tmpdir(), 'kubectl-logs-'));
}, CLUSTER_START_TIMEOUT_MS);

afterAll(async () => {
  await cluster?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}, 30_000);

/**
 * A namespace with payment-service (selector app=payment-service, scaled to 0 so only the
 * pods below match), two of its pods (the old one with a sidecar) and one of another app,
 * lines before and after the deploy.
 */
async function seedPods(prefix: string): Promise<string> {
  const namespace = await cluster.namespace(prefix);
  await createDeploymentWithHistory(cluster, { namespace, name: 'payment-service', images: ['reg/payment-service:v1.0.0'], replicas: 0 });
  await addPodWithLogs(
    cluster,
    {
      namespace,
      name: OLD_POD,
      labels: { app: 'payment-service', 'pod-template-hash': '6f7c9d8b5' },
      containers: {
        app: [
          { time: '2026-11-23T09:20:00Z', text: 'INFO too old for the baseline window' },
          { time: '2026-11-23T09:40:00.25Z', text: 'INFO served request id=1' },
          { time: '2026-11-23T09:59:59.999999999Z', text: 'WARN slow request took 900ms' },
          { time: '2026-11-23T10:02:00.5Z', text: 'ERROR db timeout after 5000ms' },
        ],
        proxy: [{ time: '2026-11-23T09:45:00Z', text: '"GET /health HTTP/1.1" 200' }],
      },
    },
    scratch,
  );
  await addPodWithLogs(
    cluster,
    {
      namespace,
      name: NEW_POD,
      labels: { app: 'payment-service', 'pod-template-hash': '7d9f8b6c4' },
      containers: {
        app: [
          { time: '2026-11-23T10:00:00Z', text: 'INFO starting v1.1.0' },
          { time: '2026-11-23T10:01:00.000000001Z', text: 'INFO password=hunter2 login ok' },
          { time: '2026-11-23T11:03:00+01:00', text: 'ERROR NullPointerException in CheckoutHandler' },
          { time: '2026-11-23T10:20:00Z', text: 'INFO after the canary window' },
        ],
      },
    },
    scratch,
  );
  await addPodWithLogs(cluster, { namespace, name: 'billing-5c4d8-qwert', labels: { app: 'billing' }, containers: { app: [{ time: '2026-11-23T09:50:00Z', text: 'ERROR not ours' }] } }, scratch);
  return namespace;
}

const deploymentIn = (namespace: string) => ({ deployment_id: 'deploy-42', service: 'payment-service', namespace, version: 'v1.1.0', previous_version: 'v1.0.0' });

// timestamps as the kubelet prints them (RFC 3339 with nine fixed fraction digits, the
// offset the runtime recorded), whatever the runtime wrote
const EXPECTED = [
  `2026-11-23T09:40:00.250000000Z [pod/${OLD_POD}/app] INFO served request id=1`,
  `2026-11-23T09:45:00.000000000Z [pod/${OLD_POD}/proxy] "GET /health HTTP/1.1" 200`,
  `2026-11-23T09:59:59.999999999Z [pod/${OLD_POD}/app] WARN slow request took 900ms`,
  `2026-11-23T10:00:00.000000000Z [pod/${NEW_POD}/app] INFO starting v1.1.0`,
  `2026-11-23T10:01:00.000000001Z [pod/${NEW_POD}/app] INFO password=hunter2 login ok`,
  `2026-11-23T10:02:00.500000000Z [pod/${OLD_POD}/app] ERROR db timeout after 5000ms`,
  `2026-11-23T11:03:00.000000000+01:00 [pod/${NEW_POD}/app] ERROR NullPointerException in CheckoutHandler`,
];

describe('kubectl log source: kubectl v1.34.4 against a real control plane (pod logs served by kwok)', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  it('real cluster: two pods, lines before and after the deploy come back time-ordered, timestamp first', async () => {
    const ns = await seedPods('ordered');
    const calls: string[][] = [];
    const lines = await createKubectlLogSource(recordingRunner(cluster.runner(), calls)).fetch(deploymentIn(ns), from, to);
    expect(lines).toEqual(EXPECTED);
    expect(calls).toEqual([
      ['-n', ns, 'get', 'deployment/payment-service', '-o', 'json'],
      ['-n', ns, 'logs', '-l', 'app=payment-service', '--all-containers', '--timestamps', '--prefix', `--since-time=${from.toISOString()}`, '--max-log-requests=10', '--tail=-1'],
    ]);
    // the other app's pod in the same namespace was not read
    expect(lines.join('\n')).not.toContain('not ours');
  });

  it('real cluster: splitLogWindows splits the lines at the deploy time and redacts', async () => {
    const ns = await seedPods('windows');
    const lines = await createKubectlLogSource(cluster.runner()).fetch(deploymentIn(ns), from, to);
    const w = splitLogWindows(lines, deployedAt, from);
    expect(w.baseline).toEqual(EXPECTED.slice(0, 3));
    expect(w.canary).toHaveLength(4);
    expect(w.canary[0]).toBe(EXPECTED[3]);
    expect(w.canary[1]).toContain(`[pod/${NEW_POD}/app] INFO password=[redacted] login ok`);
    expect(w.canary.join('\n')).not.toContain('hunter2');
    expect(w.dropped).toEqual({ baseline: 0, canary: 0 });
  });

  it('real cluster: --context, --max-log-requests and --tail per pod reach kubectl and the node', async () => {
    const ns = await seedPods('tail');
    const calls: string[][] = [];
    const source = createKubectlLogSource(recordingRunner(cluster.runner(), calls), { context: 'local', maxLogRequests: 3, tailPerPod: 2 });
    const lines = await source.fetch(deploymentIn(ns), from, to);
    expect(calls[1]).toEqual(expect.arrayContaining(['--context', 'local', '--max-log-requests=3', '--tail=2']));
    expect(calls[1]!.slice(0, 2)).toEqual(['--context', 'local']);
    // the last two lines of each container (kubelet semantics: tail first), then since/to
    expect(lines).toEqual([EXPECTED[1], EXPECTED[2], EXPECTED[5], EXPECTED[6]]);
  });

  it('real cluster: a deployment whose pods are gone gives no lines, not an error', async () => {
    const ns = await cluster.namespace('idle');
    await createDeploymentWithHistory(cluster, { namespace: ns, name: 'idle-service', images: ['reg/idle-service:v1'], replicas: 0 });
    await expect(createKubectlLogSource(cluster.runner()).fetch({ ...deploymentIn(ns), service: 'idle-service' }, from, to)).resolves.toEqual([]);
  });

  it('real cluster: a deployment that does not exist is a clear LogSourceError and no logs are read', async () => {
    const ns = await seedPods('ghost');
    const calls: string[][] = [];
    const source = createKubectlLogSource(recordingRunner(cluster.runner(), calls));
    const fetch = source.fetch({ ...deploymentIn(ns), service: 'ghost-service' }, from, to);
    await expect(fetch).rejects.toThrow(LogSourceError);
    await expect(source.fetch({ ...deploymentIn(ns), service: 'ghost-service' }, from, to)).rejects.toThrow(
      new RegExp(`kubectl found no deployment/ghost-service in namespace ${ns}: .*deployments\\.apps "ghost-service" not found; check SERVICE and NAMESPACE`),
    );
    expect(calls.every((c) => !c.includes('logs'))).toBe(true);
  });

  it('real cluster: a namespace that does not exist says so', async () => {
    await expect(createKubectlLogSource(cluster.runner()).fetch(deploymentIn('staging'), from, to)).rejects.toThrow(
      /kubectl found no deployment\/payment-service in namespace staging: .*not found/,
    );
  });

  it('real cluster: RBAC without get on pods/log: the error names the permission to grant', async () => {
    const ns = await seedPods('no-pod-logs');
    const rules = rollbackRules(['get', 'list', 'watch']).map((r) => (r.resources.includes('pods') ? { ...r, resources: ['pods'] } : r));
    const kubeconfig = await serviceAccountKubeconfig(cluster, ns, 'watchdog', rules, scratch);
    await expect(createKubectlLogSource(cluster.runner(kubeconfig)).fetch(deploymentIn(ns), from, to)).rejects.toThrow(
      new RegExp(`kubectl may not read the pod logs of deployment/payment-service in namespace ${ns} \\(-l app=payment-service\\): .*cannot get resource "pods/log".*; grant list on pods and get on pods/log in namespace ${ns}`),
    );
  });

  it('real cluster: RBAC without get on deployments: the error names the permissions to grant', async () => {
    const ns = await seedPods('no-deployments');
    const rules = rollbackRules(['get']).filter((r) => !r.resources.includes('deployments'));
    const kubeconfig = await serviceAccountKubeconfig(cluster, ns, 'watchdog', rules, scratch);
    await expect(createKubectlLogSource(cluster.runner(kubeconfig)).fetch(deploymentIn(ns), from, to)).rejects.toThrow(
      new RegExp(`kubectl may not read deployment/payment-service in namespace ${ns}: Error from server \\(Forbidden\\).*; grant the task's service account get on deployments`),
    );
  });

  it("real cluster: an unknown context fails with kubectl's message", async () => {
    await expect(createKubectlLogSource(cluster.runner(), { context: 'no-such-context' }).fetch(deploymentIn('prod'), from, to)).rejects.toThrow(
      /kubectl could not read deployment\/payment-service in namespace prod \(context no-such-context\) \(exit 1\): .*no-such-context.*; check KUBECONFIG, KUBE_CONTEXT/,
    );
  });

  it('refuses names that are not Kubernetes names before kubectl runs', async () => {
    const calls: string[][] = [];
    const source = createKubectlLogSource(recordingRunner(cluster.runner(), calls));
    await expect(source.fetch({ ...deploymentIn('prod'), service: '--all' }, from, to)).rejects.toThrow(/not a valid Kubernetes name/);
    await expect(source.fetch({ ...deploymentIn('prod'), namespace: 'Prod' }, from, to)).rejects.toThrow(/not a valid Kubernetes namespace/);
    expect(calls).toEqual([]);
  });
});

describe('kubectl log lines and selectors (pure)', () => {
  it('moves the [pod/…] prefix after the timestamp, orders by time to the nanosecond, keeps ties in order, bounds both ends', () => {
    const stdout = [
      '[pod/a/app] 2026-11-23T10:00:00.000000002Z second',
      '[pod/a/app] 2026-11-23T10:00:01Z tie one',
      '[pod/b/app] 2026-11-23T09:00:00Z before from',
      '[pod/b/app] 2026-11-23T10:00:00.000000001Z first',
      '[pod/b/app] 2026-11-23T10:00:01Z tie two',
      '[pod/b/app]    at com.example.Handler(Handler.java:42)',
      '[pod/a/app] 2026-11-23T10:30:00Z after to\r',
      '',
    ].join('\n');
    expect(orderKubectlLogLines(stdout, new Date('2026-11-23T09:30:00Z'), new Date('2026-11-23T10:10:00Z'))).toEqual([
      '2026-11-23T10:00:00.000000001Z [pod/b/app] first',
      '2026-11-23T10:00:00.000000002Z [pod/a/app] second',
      '2026-11-23T10:00:01Z [pod/a/app] tie one',
      '2026-11-23T10:00:01Z [pod/b/app] tie two',
      '[pod/b/app]    at com.example.Handler(Handler.java:42)',
    ]);
  });

  it('turns matchLabels and matchExpressions into a -l selector', () => {
    const json = JSON.stringify({
      spec: {
        selector: {
          matchLabels: { app: 'payment-service', tier: 'api' },
          matchExpressions: [
            { key: 'track', operator: 'In', values: ['stable', 'canary'] },
            { key: 'env', operator: 'NotIn', values: ['dev'] },
            { key: 'team', operator: 'Exists' },
            { key: 'legacy', operator: 'DoesNotExist' },
          ],
        },
      },
    });
    expect(deploymentSelector(json)).toBe('app=payment-service,tier=api,track in (stable,canary),env notin (dev),team,!legacy');
    expect(deploymentSelector('{"spec":{}}')).toBe('');
    expect(() => deploymentSelector('not json')).toThrow(/did not print JSON/);
  });
});
