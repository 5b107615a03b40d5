// src/collect/kubectl-logs.ts with the REAL kubectl binary against a loopback
// Kubernetes API (test/support/fake-kube-api.ts) that serves pods and their logs
// the way the kubelet does; plus the pure helpers on their own.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KubectlRunner } from '../../src/actions/rollback.js';
import { createKubectlLogSource, deploymentSelector, orderKubectlLogLines } from '../../src/collect/kubectl-logs.js';
import { LogSourceError } from '../../src/collect/log-sources.js';
import { splitLogWindows } from '../../src/collect/log-window.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi, type Kubeconfig, recordingKubectl } from '../support/fake-kube-api.js';


const OLD_POD = 'payment-service-6f7c9d8b5-abcde';
const NEW_POD = 'payment-service-7d9f8b6c4-xyz12';
const deployment = { deployment_id: 'deploy-42', service: 'payment-service', namespace: 'prod', version: 'v1.1.0', previous_version: 'v1.0.0' };
const deployedAt = new Date('2026-11-23T10:00:00Z');
const from = new Date('2026-11-23T09:30:00Z');
const to = new Date('2026-11-23T10:10:00Z');

/** Two pods of payment-service (the old one with a sidecar) and one of another app, lines before and after the deploy. */
function seedPods(api: FakeKubeApi): void {
  api.addDeployment({ namespace: 'prod', name: 'payment-service', revisions: [{ image: 'reg/payment-service:v1.0.0' }, { image: 'reg/payment-service:v1.1.0' }] });
  api.addPod({
    namespace: 'prod',
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
  });
  api.addPod({
    namespace: 'prod',
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
  });
  api.addPod({ namespace: 'prod', name: 'billing-5c4d8-qwert', labels: { app: 'billing' }, containers: { app: [{ time: '2026-11-23T09:50:00Z', text: 'ERROR not ours' }] } });
}

const EXPECTED = [
  `2026-11-23T09:40:00.25Z [pod/${OLD_POD}/app] INFO served request id=1`,
  `2026-11-23T09:45:00Z [pod/${OLD_POD}/proxy] "GET /health HTTP/1.1" 200`,
  `2026-11-23T09:59:59.999999999Z [pod/${OLD_POD}/app] WARN slow request took 900ms`,
  `2026-11-23T10:00:00Z [pod/${NEW_POD}/app] INFO starting v1.1.0`,
  `2026-11-23T10:01:00.000000001Z [pod/${NEW_POD}/app] INFO password=hunter2 login ok`,
  `2026-11-23T10:02:00.5Z [pod/${OLD_POD}/app] ERROR db timeout after 5000ms`,
  `2026-11-23T11:03:00+01:00 [pod/${NEW_POD}/app] ERROR NullPointerException in CheckoutHandler`,
];

describe('kubectl log source: real kubectl against a loopback Kubernetes API', () => {
  let api: FakeKubeApi;
  let kube: Kubeconfig;
  let kubectl: KubectlRunner;
  let calls: string[][];

  beforeEach(async () => {
    api = await startFakeKubeApi();
    seedPods(api);
    kube = await writeKubeconfig(api.url, 'loopback');
    calls = [];
    kubectl = recordingKubectl(kube, calls);
  });

  afterEach(async () => {
    await api?.close();
    await kube?.cleanup();
  });

  const logRequests = () => api.resourceRequests().filter((r) => r.path.endsWith('/log'));

  it('real kubectl, loopback API: two pods, lines before and after the deploy come back time-ordered, timestamp first', async () => {
    const lines = await createKubectlLogSource(kubectl).fetch(deployment, from, to);
    expect(lines).toEqual(EXPECTED);

    expect(calls).toEqual([
      ['-n', 'prod', 'get', 'deployment/payment-service', '-o', 'json'],
      ['-n', 'prod', 'logs', '-l', 'app=payment-service', '--all-containers', '--timestamps', '--prefix', `--since-time=${from.toISOString()}`, '--max-log-requests=10', '--tail=-1'],
    ]);
    // what kubectl asked the API for: the pods by the deployment's selector, then each container's log
    const podLists = api.resourceRequests().filter((r) => r.path === '/api/v1/namespaces/prod/pods');
    expect(podLists.map((r) => r.query.labelSelector)).toEqual(['app=payment-service']);
    const logs = logRequests();
    expect(logs.map((r) => `${r.path.split('/')[6]}/${r.query.container}`).sort()).toEqual([`${OLD_POD}/app`, `${OLD_POD}/proxy`, `${NEW_POD}/app`]);
    for (const r of logs) {
      expect(r.query.timestamps).toBe('true');
      expect(Date.parse(r.query.sinceTime!)).toBe(from.getTime());
      expect(r.query.tailLines).toBeUndefined();
    }
    expect(logs.some((r) => r.path.includes('billing'))).toBe(false);
  });

  it('real kubectl, loopback API: splitLogWindows splits the lines at the deploy time and redacts', async () => {
    const lines = await createKubectlLogSource(kubectl).fetch(deployment, from, to);
    const w = splitLogWindows(lines, deployedAt, from);
    expect(w.baseline).toEqual(EXPECTED.slice(0, 3));
    expect(w.canary).toHaveLength(4);
    expect(w.canary[0]).toBe(EXPECTED[3]);
    expect(w.canary[1]).toContain(`[pod/${NEW_POD}/app] INFO password=[redacted] login ok`);
    expect(w.canary.join('\n')).not.toContain('hunter2');
    expect(w.dropped).toEqual({ baseline: 0, canary: 0 });
  });

  it('real kubectl, loopback API: --context, --max-log-requests and --tail per pod reach kubectl and the API', async () => {
    const source = createKubectlLogSource(kubectl, { context: 'loopback', maxLogRequests: 3, tailPerPod: 2 });
    const lines = await source.fetch(deployment, from, to);
    expect(calls[1]).toEqual(expect.arrayContaining(['--context', 'loopback', '--max-log-requests=3', '--tail=2']));
    expect(calls[1]!.slice(0, 2)).toEqual(['--context', 'loopback']);
    expect(logRequests().every((r) => r.query.tailLines === '2')).toBe(true);
    // the last two lines of each container, then since/to
    expect(lines).toEqual([EXPECTED[1], EXPECTED[2], EXPECTED[5], EXPECTED[6]]);
  });

  it('real kubectl, loopback API: a deployment whose pods are gone gives no lines, not an error', async () => {
    api.addDeployment({ namespace: 'prod', name: 'idle-service', revisions: [{ image: 'reg/idle-service:v1' }] });
    await expect(createKubectlLogSource(kubectl).fetch({ ...deployment, service: 'idle-service' }, from, to)).resolves.toEqual([]);
  });

  it('real kubectl, loopback API: a deployment that does not exist is a clear LogSourceError and no logs are read', async () => {
    const fetch = createKubectlLogSource(kubectl).fetch({ ...deployment, service: 'ghost-service' }, from, to);
    await expect(fetch).rejects.toThrow(LogSourceError);
    await expect(createKubectlLogSource(kubectl).fetch({ ...deployment, service: 'ghost-service' }, from, to)).rejects.toThrow(
      /kubectl found no deployment\/ghost-service in namespace prod: .*deployments\.apps "ghost-service" not found; check SERVICE and NAMESPACE/,
    );
    expect(calls.every((c) => !c.includes('logs'))).toBe(true);
    expect(logRequests()).toEqual([]);
  });

  it('real kubectl, loopback API: a namespace that does not exist says so', async () => {
    await expect(createKubectlLogSource(kubectl).fetch({ ...deployment, namespace: 'staging' }, from, to)).rejects.toThrow(
      /kubectl found no deployment\/payment-service in namespace staging: .*not found/,
    );
  });

  it('real kubectl, loopback API: 403 on pods/log names the permission to grant', async () => {
    api.forbid = (r) => r.subresource === 'log';
    await expect(createKubectlLogSource(kubectl).fetch(deployment, from, to)).rejects.toThrow(
      /kubectl may not read the pod logs of deployment\/payment-service in namespace prod \(-l app=payment-service\): .*cannot get resource "pods\/log".*; grant list on pods and get on pods\/log in namespace prod/,
    );
  });

  it('real kubectl, loopback API: 403 on the deployment names the permissions to grant', async () => {
    api.forbid = (r) => r.resource === 'deployments';
    await expect(createKubectlLogSource(kubectl).fetch(deployment, from, to)).rejects.toThrow(
      /kubectl may not read deployment\/payment-service in namespace prod: Error from server \(Forbidden\).*; grant the task's service account get on deployments/,
    );
  });

  it('real kubectl, loopback API: an unknown context fails with kubectl\'s message', async () => {
    await expect(createKubectlLogSource(kubectl, { context: 'no-such-context' }).fetch(deployment, from, to)).rejects.toThrow(
      /kubectl could not read deployment\/payment-service in namespace prod \(context no-such-context\) \(exit 1\): .*no-such-context.*; check KUBECONFIG, KUBE_CONTEXT/,
    );
    expect(api.resourceRequests()).toEqual([]);
  });

  it('refuses names that are not Kubernetes names before kubectl runs', async () => {
    await expect(createKubectlLogSource(kubectl).fetch({ ...deployment, service: '--all' }, from, to)).rejects.toThrow(/not a valid Kubernetes name/);
    await expect(createKubectlLogSource(kubectl).fetch({ ...deployment, namespace: 'Prod' }, from, to)).rejects.toThrow(/not a valid Kubernetes namespace/);
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
