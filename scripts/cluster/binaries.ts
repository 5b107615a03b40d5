// The local cluster's binaries: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler, kubectl and kwok, built from their Go modules (scripts/cluster/go/)
// into a git-ignored cache, CLUSTER_CACHE_DIR (default .cache/cluster/ at the repository
// root). Built once: a stamp file records what was built (versions, the wrapper
// modules' go.mod and go.sum), and a binary is rebuilt only when that changes or
// the binary is missing. The Go build cache (`go env GOCACHE`) makes a rebuild in a
// fresh clone on the same machine a relink.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const GO_DIR = join(ROOT, 'scripts/cluster/go');

export const KUBERNETES_VERSION = 'v1.34.4';
export const KWOK_VERSION = 'v0.7.0';
/** etcd's version is the one go.mod in scripts/cluster/go/etcd requires. */
export const ETCD_MODULE = 'go.etcd.io/etcd/server/v3';

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok'] as const;
export type BinaryName = (typeof BINARIES)[number];

export function clusterCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CLUSTER_CACHE_DIR?.trim() || join(ROOT, '.cache/cluster'));
}

export function binDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(clusterCacheDir(env), 'bin');
}

export function binaryPath(name: BinaryName, env: NodeJS.ProcessEnv = process.env): string {
  return join(binDir(env), name);
}

/** The kubectl of the cluster's version (on some images /usr/bin/kubectl is another program). */
export function clusterKubectl(env: NodeJS.ProcessEnv = process.env): string {
  return binaryPath('kubectl', env);
}

/** What was built: changes whenever a version or a wrapper module changes. */
export function buildFingerprint(): string {
  const h = createHash('sha256');
  h.update(`${KUBERNETES_VERSION} ${KWOK_VERSION}\n`);
  for (const f of ['kube/go.mod', 'kube/go.sum', 'etcd/go.mod', 'etcd/go.sum', 'etcd/main.go']) {
    h.update(`${f}\n`);
    h.update(readFileSync(join(GO_DIR, f)));
  }
  return h.digest('hex').slice(0, 16);
}

const stampFile = (env: NodeJS.ProcessEnv) => join(binDir(env), '.built');

/** Why a build is needed, or undefined when every binary is there and current. */
export function buildReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const missing = BINARIES.filter((b) => !existsSync(binaryPath(b, env)));
  if (missing.length) return `missing ${missing.join(', ')} in ${binDir(env)}`;
  const stamp = existsSync(stampFile(env)) ? readFileSync(stampFile(env), 'utf8').trim() : '';
  if (stamp !== buildFingerprint()) return `the versions or wrapper modules in scripts/cluster/go changed since the last build`;
  return undefined;
}

export const MISSING_GO_MESSAGE =
  'the local cluster is built from its Go modules, and no `go` command was found on PATH. ' +
  'Install Go 1.26 or newer (etcd 3.6.16 needs it; Debian/Ubuntu: apt-get install golang-go if its version is new enough, or the ' +
  'official tarball from go.dev/dl into /usr/local/go, then add /usr/local/go/bin to PATH), then run npm run cluster:build.';

export function goVersion(): string | undefined {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** -X flags so the servers and kubectl report v1.34.4 instead of v0.0.0-master. */
export function versionLdflags(version = KUBERNETES_VERSION): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
    );
  }
  return flags.join(' ');
}

export interface BuildStep {
  binary: BinaryName;
  cwd: string;
  args: string[];
  env?: Record<string, string>;
}

/** One `go` command per binary; -p limits parallel compiles (one apiserver compile peaks near 1.9 GB). */
export function buildSteps(env: NodeJS.ProcessEnv = process.env): BuildStep[] {
  const bin = binDir(env);
  // -buildvcs=false: the wrapper modules live in this repository's git tree; its state is no part of the build
  const parallel = ['-p', env.CLUSTER_BUILD_PARALLEL?.trim() || '2', '-buildvcs=false'];
  const kube = (binary: BinaryName): BuildStep => ({
    binary,
    cwd: join(GO_DIR, 'kube'),
    args: ['build', ...parallel, '-ldflags', versionLdflags(), '-o', join(bin, binary), `k8s.io/kubernetes/cmd/${binary}`],
  });
  return [
    { binary: 'etcd', cwd: join(GO_DIR, 'etcd'), args: ['build', ...parallel, '-ldflags', '-s -w', '-o', join(bin, 'etcd'), '.'] },
    kube('kube-apiserver'),
    kube('kube-controller-manager'),
    kube('kube-scheduler'),
    kube('kubectl'),
    // kwok has no replace directives: go install works on it as published
    {
      binary: 'kwok',
      cwd: ROOT,
      args: ['install', ...parallel, '-ldflags', '-s -w', `sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}`],
      env: { GOBIN: bin },
    },
  ];
}

type Say = (line: string) => void;

function runGo(step: BuildStep, say: Say): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const started = Date.now();
    const child = spawn('go', step.args, {
      cwd: step.cwd,
      // GOFLAGS=-mod=mod would let go edit go.sum; the committed one is used as is
      env: { ...process.env, ...step.env, GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? 'local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', (chunk: Buffer) => {
      keep(chunk);
      // "go: downloading ..." lines are progress worth showing on a cold machine
      for (const line of chunk.toString().split('\n')) if (line.startsWith('go: downloading')) say(`  ${line}`);
    });
    // a cold apiserver compile is silent for minutes: say it is still going
    const heartbeat = setInterval(() => say(`  ${step.binary}: still building (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
    child.on('error', (err) => {
      clearInterval(heartbeat);
      reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? new Error(MISSING_GO_MESSAGE) : err);
    });
    child.on('close', (code) => {
      clearInterval(heartbeat);
      if (code === 0) return resolvePromise();
      reject(new Error(`go ${step.args.join(' ')} (in ${step.cwd}) failed with exit code ${code}:\n${output.trim()}`));
    });
  });
}

/** Builds what is missing or stale; returns the seconds it took (0 when nothing was built). */
export async function buildClusterBinaries(say: Say, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const reason = buildReason(env);
  if (!reason) return 0;
  const go = goVersion();
  if (!go) throw new Error(MISSING_GO_MESSAGE);
  const started = Date.now();
  mkdirSync(binDir(env), { recursive: true });
  say(`building the local cluster (${reason}) with ${go}: Kubernetes ${KUBERNETES_VERSION}, kwok ${KWOK_VERSION}, etcd 3.6.`);
  say(`a cold build takes ~12 min on 2 cores and ~4 GB of Go build cache; later builds reuse it`);
  const steps = buildSteps(env);
  for (const [i, step] of steps.entries()) {
    const t = Date.now();
    say(`[${i + 1}/${steps.length}] ${step.binary}...`);
    await runGo(step, say);
    say(`[${i + 1}/${steps.length}] ${step.binary} built in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  writeFileSync(stampFile(env), `${buildFingerprint()}\n`);
  const seconds = (Date.now() - started) / 1000;
  say(`local cluster built in ${seconds.toFixed(1)} s into ${binDir(env)}`);
  return seconds;
}
