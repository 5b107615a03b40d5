// Starts a real Kubernetes control plane on loopback from the binaries that
// binaries.ts builds: etcd, kube-apiserver (RBAC, a static token for the admin),
// kube-controller-manager (the Deployment and ReplicaSet controllers the rollback
// relies on), kube-scheduler and kwok, which plays the kubelet of one fake node
// (pods become Ready without containers, and it serves pod logs from files, as the
// kubelet does). Every port is a free 127.0.0.1 port; everything lives in one
// directory: logs/, pki/, etcd/, kubeconfig, tokens.csv.
//
// Used by the tests (test/support/local-cluster.ts: one cluster per test file) and by
// npm run cluster:up (detached, pids recorded for cluster:down).
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { freeLoopbackPort } from '../../src/util/free-port.js';
import { binaryPath, buildReason, type BinaryName } from './binaries.js';

export const NODE_NAME = 'kwok-node-0';
/** kwok's CRDs for pod logs (Logs: per pod, ClusterLogs: by namespace or name), from sigs.k8s.io/kwok. */
const KWOK_LOG_CRDS = join(import.meta.dirname, 'kwok-log-crds.yaml');

export interface ClusterProcess {
  name: BinaryName;
  pid: number;
  log: string;
}

export interface LocalCluster {
  dir: string;
  /** https://127.0.0.1:PORT */
  server: string;
  /** a kubeconfig with the admin (system:masters) token; context "local" */
  kubeconfig: string;
  /** the kubectl of the cluster's version */
  kubectl: string;
  adminToken: string;
  processes: ClusterProcess[];
  /** SIGTERM to each process, newest first; SIGKILL after a grace period */
  stop(): Promise<void>;
}

export interface StartOptions {
  dir: string;
  /** detached: the processes outlive this one (npm run cluster:up); default false */
  detached?: boolean;
  say?: (line: string) => void;
  /** overall limit for the start, default 120 s */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

/** GET a URL on the loopback apiserver; its serving certificate is one it generated for itself. */
function httpsStatus(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, rejectUnauthorized: false, timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

export function kubeconfigYaml(server: string, caFile: string, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority: ${caFile}`,
    'users:',
    '- name: admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: local',
    '  context:',
    '    cluster: local',
    '    user: admin',
    'current-context: local',
    '',
  ].join('\n');
}

export async function startCluster(options: StartOptions): Promise<LocalCluster> {
  const reason = buildReason();
  if (reason) throw new Error(`the local cluster is not built (${reason}): run npm run cluster:build (or npm run cluster:up)`);
  const say = options.say ?? (() => {});
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  const dir = options.dir;
  for (const d of ['logs', 'pki', 'etcd']) mkdirSync(join(dir, d), { recursive: true });

  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'pki/sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'pki/sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));

  const [etcdClient, etcdPeer, apiPort, kwokPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
  const server = `https://127.0.0.1:${apiPort}`;
  // the apiserver writes a self-signed CA and serving certificate for 127.0.0.1 here
  const caFile = join(dir, 'pki/apiserver.crt');
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(server, caFile, adminToken), { mode: 0o600 });

  const processes: ClusterProcess[] = [];
  const children: ChildProcess[] = [];
  const start = (name: BinaryName, args: string[]) => {
    const log = join(dir, 'logs', `${name}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(binaryPath(name), args, { cwd: dir, stdio: ['ignore', fd, fd], detached: options.detached ?? false });
    closeSync(fd);
    if (options.detached) child.unref();
    children.push(child);
    processes.push({ name, pid: child.pid!, log });
    say(`started ${name} (pid ${child.pid})`);
  };
  const exited = (name: BinaryName) => {
    const i = processes.findIndex((p) => p.name === name);
    return children[i]?.exitCode !== null || children[i]?.signalCode !== null;
  };
  const waitFor = async (name: BinaryName, what: string, check: () => Promise<boolean>) => {
    while (!(await check())) {
      if (exited(name)) throw new Error(`${name} exited before ${what}; the end of ${join(dir, 'logs', `${name}.log`)}:\n${tail(join(dir, 'logs', `${name}.log`))}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the end of ${join(dir, 'logs', `${name}.log`)}:\n${tail(join(dir, 'logs', `${name}.log`))}`);
      await sleep(100);
    }
  };

  // etcd last: an apiserver whose etcd is gone spends its shutdown retrying it
  const stop = async () => {
    const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
    for (const phase of [children.slice(1).reverse(), children.slice(0, 1)]) {
      for (const child of phase) if (alive(child)) child.kill('SIGTERM');
      const until = Date.now() + 5000;
      while (phase.some(alive) && Date.now() < until) await sleep(100);
      for (const child of phase) if (alive(child)) child.kill('SIGKILL');
    }
  };

  try {
    const t0 = Date.now();
    start('etcd', [
      '--name=local',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=local=http://127.0.0.1:${etcdPeer}`,
      // a throwaway cluster: no fsync, small quota
      '--unsafe-no-fsync',
      '--quota-backend-bytes=1073741824',
      '--log-level=warn',
    ]);
    await waitFor('etcd', 'etcd to be healthy', () => httpOk(`http://127.0.0.1:${etcdClient}/health`));
    say(`etcd healthy after ${Date.now() - t0} ms`);

    start('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'pki')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'pki/sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'pki/sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // kwok's node answers on 127.0.0.1 (InternalIP); its name does not resolve
      '--kubelet-preferred-address-types=InternalIP',
      '--profiling=false',
    ]);
    await waitFor('kube-apiserver', 'the apiserver to be ready', async () => (await httpsStatus(`${server}/readyz`, adminToken)).status === 200);
    say(`apiserver ready after ${Date.now() - t0} ms`);

    start('kube-controller-manager', [
      `--kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      '--leader-elect=false',
      `--service-account-private-key-file=${join(dir, 'pki/sa.key')}`,
      `--root-ca-file=${caFile}`,
      '--profiling=false',
    ]);
    start('kube-scheduler', [`--kubeconfig=${kubeconfig}`, '--bind-address=127.0.0.1', '--secure-port=0', '--leader-elect=false', '--profiling=false']);

    const kubectl = binaryPath('kubectl');
    await runKubectl(kubectl, kubeconfig, ['apply', '-f', KWOK_LOG_CRDS]);
    await runKubectl(kubectl, kubeconfig, ['wait', '--for=condition=Established', '--timeout=30s', 'crd/logs.kwok.x-k8s.io', 'crd/clusterlogs.kwok.x-k8s.io']);
    start('kwok', [
      `--kubeconfig=${kubeconfig}`,
      '--manage-all-nodes=true',
      '--node-ip=127.0.0.1',
      `--node-port=${kwokPort}`,
      `--server-address=127.0.0.1:${kwokPort}`,
      '--node-lease-duration-seconds=40',
      '--enable-crds=Logs,ClusterLogs',
    ]);
    await runKubectl(kubectl, kubeconfig, ['apply', '-f', '-'], JSON.stringify(fakeNode()));
    await waitFor('kwok', `node ${NODE_NAME} to be Ready`, async () => {
      const r = await runKubectl(kubectl, kubeconfig, ['get', 'node', NODE_NAME, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'], undefined, false);
      return r.stdout.trim() === 'True';
    });
    // the service-account controller creates "default" in each namespace; pods need it
    await waitFor('kube-controller-manager', 'the default ServiceAccount', async () => {
      const r = await runKubectl(kubectl, kubeconfig, ['-n', 'default', 'get', 'serviceaccount', 'default', '-o', 'name'], undefined, false);
      return r.code === 0;
    });
    say(`cluster ready after ${Date.now() - t0} ms`);
    return { dir, server, kubeconfig, kubectl, adminToken, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** One fake node, managed by kwok; no taints, so any pod without a nodeSelector lands on it. */
function fakeNode() {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE_NAME,
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'kwok.x-k8s.io/node': 'fake' },
      labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
    },
  };
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl; by default a non-zero exit throws with kubectl's message. */
export function runKubectl(kubectl: string, kubeconfig: string, args: string[], input?: string, check = true): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(kubectl, args, { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (check && result.code !== 0) reject(new Error(`kubectl ${args.join(' ')} failed (exit ${result.code}): ${stderr.trim() || stdout.trim()}`));
      else resolve(result);
    });
    child.stdin.end(input ?? '');
  });
}
