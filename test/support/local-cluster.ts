// A real Kubernetes control plane for tests (scripts/cluster/control-plane.ts):
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok's fake
// node on 127.0.0.1. One cluster per test file (start it in beforeAll, stop it in
// afterAll); each test works in a namespace of its own (`namespace()`), so no test
// depends on another's leftovers. Helpers create Deployments with a real rollout
// history (each image a revision, made by the real deployment controller),
// ServiceAccounts with narrow RBAC, and kwok pod-log files.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReason } from '../../scripts/cluster/binaries.js';
import { NODE_NAME, kubeconfigYaml, runKubectl, startCluster, type KubectlResult, type LocalCluster } from '../../scripts/cluster/control-plane.js';
import { createKubectlRunner, type KubectlRunner } from '../../src/actions/rollback.js';

/** beforeAll timeout for a cluster start (etcd, apiserver, controllers, kwok: ~5-10 s; more on a loaded machine). */
export const CLUSTER_START_TIMEOUT_MS = 180_000;
/** per-test timeout for tests that roll out Deployments (seconds each when the machine is busy) */
export const CLUSTER_TEST_TIMEOUT_MS = 120_000;

export interface TestCluster extends Omit<LocalCluster, 'kubectl'> {
  /** the kubectl binary of the cluster's version */
  kubectlPath: string;
  /** kubectl as the admin; throws on a non-zero exit unless check is false */
  kubectl(args: string[], input?: string, check?: boolean): Promise<KubectlResult>;
  /** a fresh namespace named `<prefix>-<n>` */
  namespace(prefix: string): Promise<string>;
  /** src/actions/rollback.ts's runner with this cluster's kubectl, as `kubeconfig` (default: the admin's) */
  runner(kubeconfig?: string): KubectlRunner;
}

export async function startTestCluster(): Promise<TestCluster> {
  const reason = buildReason();
  if (reason) {
    throw new Error(
      `the local Kubernetes cluster is not built (${reason}). Build it once with npm run cluster:build ` +
        '(~12 min cold; .ci/run does it before npm test), then run the tests again.',
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'local-cluster-'));
  let cluster: LocalCluster;
  try {
    cluster = await startCluster({ dir, timeoutMs: CLUSTER_START_TIMEOUT_MS - 10_000 });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  let n = 0;
  const kubectl = (args: string[], input?: string, check = true) => runKubectl(cluster.kubectl, cluster.kubeconfig, args, input, check);
  return {
    ...cluster,
    kubectlPath: cluster.kubectl,
    kubectl,
    async namespace(prefix) {
      const name = `${prefix}-${++n}`;
      await kubectl(['create', 'namespace', name]);
      return name;
    },
    runner: (kubeconfig = cluster.kubeconfig) => createKubectlRunner({ binary: cluster.kubectl, kubeconfig, timeoutMs: 120_000 }),
    async stop() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface DeploymentOptions {
  namespace: string;
  name: string;
  /** revisions 1..n in order: each image is rolled out (and waited for) in turn */
  images: string[];
  replicas?: number;
  /** a pod template no node can take (nodeSelector matching no node) for the revisions at these indexes */
  unschedulable?: number[];
}

export function deploymentManifest(name: string, image: string, replicas = 1, unschedulable = false) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name, image }],
          ...(unschedulable ? { nodeSelector: { 'local-cluster/no-such-node': 'true' } } : {}),
        },
      },
    },
  };
}

/** A Deployment whose rollout history is `images`, each revision made by the deployment controller. */
export async function createDeploymentWithHistory(cluster: TestCluster, o: DeploymentOptions): Promise<void> {
  const ns = ['-n', o.namespace];
  for (const [i, image] of o.images.entries()) {
    const stuck = o.unschedulable?.includes(i) ?? false;
    await cluster.kubectl([...ns, 'apply', '-f', '-'], JSON.stringify(deploymentManifest(o.name, image, o.replicas, stuck)));
    // a stuck revision never completes; the next apply supersedes it
    if (!stuck) await cluster.kubectl([...ns, 'rollout', 'status', `deployment/${o.name}`, '--timeout=60s']);
  }
}

export async function templateImages(cluster: TestCluster, namespace: string, name: string): Promise<string[]> {
  const r = await cluster.kubectl(['-n', namespace, 'get', `deployment/${name}`, '-o', 'jsonpath={.spec.template.spec.containers[*].image}']);
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

export async function deploymentJson(cluster: TestCluster, namespace: string, name: string): Promise<any> {
  return JSON.parse((await cluster.kubectl(['-n', namespace, 'get', `deployment/${name}`, '-o', 'json'])).stdout);
}

export async function replicaSetsJson(cluster: TestCluster, namespace: string): Promise<any[]> {
  return JSON.parse((await cluster.kubectl(['-n', namespace, 'get', 'replicasets', '-o', 'json'])).stdout).items;
}

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

/** What the rollback needs, with `deploymentVerbs` on deployments: get/list/watch on replicasets and pods. */
export function rollbackRules(deploymentVerbs: string[]): PolicyRule[] {
  const read = ['get', 'list', 'watch'];
  return [
    { apiGroups: ['apps'], resources: ['deployments'], verbs: deploymentVerbs },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
    { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: read },
  ];
}

/**
 * A ServiceAccount in `namespace` with a Role of `rules` bound to it, and a kubeconfig
 * with its token (TokenRequest API). Returns the kubeconfig's path.
 */
export async function serviceAccountKubeconfig(cluster: TestCluster, namespace: string, name: string, rules: PolicyRule[], dir: string): Promise<string> {
  const manifests = [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ];
  await cluster.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  const token = (await cluster.kubectl(['-n', namespace, 'create', 'token', name, '--duration=1h'])).stdout.trim();
  const path = join(dir, `${namespace}-${name}.kubeconfig`);
  await writeFile(path, kubeconfigYaml(cluster.server, join(cluster.dir, 'pki/apiserver.crt'), token), { mode: 0o600 });
  return path;
}

/** One line as the container runtime writes it (CRI log format, which kwok reads as the kubelet does). */
export function criLogLine(time: string, text: string, stream: 'stdout' | 'stderr' = 'stdout'): string {
  return `${time} ${stream} F ${text}\n`;
}

export interface LogLine {
  /** RFC 3339 time the runtime recorded */
  time: string;
  text: string;
}

export interface PodWithLogs {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** container name -> its log lines, oldest first */
  containers: Record<string, LogLine[]>;
}

/**
 * A Pod bound to kwok's node (Running and Ready without a container) whose containers'
 * logs kwok serves from files written here, in CRI format (a kwok `Logs` object per pod).
 */
export async function addPodWithLogs(cluster: TestCluster, pod: PodWithLogs, dir: string): Promise<void> {
  const logs = [];
  for (const [container, lines] of Object.entries(pod.containers)) {
    const file = join(dir, `${pod.namespace}-${pod.name}-${container}.log`);
    await writeFile(file, lines.map((l) => criLogLine(l.time, l.text)).join(''));
    logs.push({ containers: [container], logsFile: file });
  }
  const manifests = [
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels },
      spec: { nodeName: NODE_NAME, containers: Object.keys(pod.containers).map((name) => ({ name, image: `registry.example.com/${name}:latest` })) },
    },
    { apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Logs', metadata: { name: pod.name, namespace: pod.namespace }, spec: { logs } },
  ];
  await cluster.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests }));
  await cluster.kubectl(['-n', pod.namespace, 'wait', '--for=condition=Ready', `pod/${pod.name}`, '--timeout=60s']);
}

/** A runner that records every argv it is handed, then runs the real kubectl. */
export function recordingRunner(runner: KubectlRunner, calls: string[][]): KubectlRunner {
  return (args) => {
    calls.push(args);
    return runner(args);
  };
}
