// npm run cluster:up / cluster:down as a user runs them (tsx scripts/cluster/up.ts,
// down.ts) in a CLUSTER_HOME of their own: the last line is KUBECONFIG=<absolute path>,
// the cluster answers with the version it was built at, a second up reuses it, and down
// stops exactly the processes up started (and only those), then says nothing runs.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterKubectl } from '../../scripts/cluster/binaries.js';
import { runKubectl } from '../../scripts/cluster/control-plane.js';
import { isOurs, type ClusterState } from '../../scripts/cluster/state.js';
import { CLUSTER_START_TIMEOUT_MS } from '../support/local-cluster.js';
import { makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';

let home: string;
const env = () => ({ ...process.env, CLUSTER_HOME: home });
const state = (): ClusterState => JSON.parse(readFileSync(join(home, 'cluster.json'), 'utf8'));

beforeAll(async () => {
  home = await makeTempDir('cluster-home');
});

afterAll(async () => {
  // whatever a failed test left running
  if (existsSync(join(home, 'cluster.json'))) await runTsx('scripts/cluster/down.ts', [], env(), 30_000);
  await removeTempDir(home);
}, 60_000);

describe('npm run cluster:up / cluster:down', { timeout: CLUSTER_START_TIMEOUT_MS }, () => {
  it('up starts the cluster and ends with KUBECONFIG=<absolute path>; a second up reuses it; down stops exactly its processes', async () => {
    const up = await runTsx('scripts/cluster/up.ts', [], env(), CLUSTER_START_TIMEOUT_MS - 10_000);
    expect(up.code, up.stderr).toBe(0);
    const last = up.stdout.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^KUBECONFIG=/);
    const kubeconfig = last.slice('KUBECONFIG='.length);
    expect(isAbsolute(kubeconfig)).toBe(true);
    expect(kubeconfig).toBe(join(home, 'kubeconfig'));

    const version = JSON.parse((await runKubectl(clusterKubectl(), kubeconfig, ['version', '-o', 'json'])).stdout);
    expect(version.serverVersion.gitVersion).toBe('v1.34.4');
    expect(version.clientVersion.gitVersion).toBe('v1.34.4');
    const node = await runKubectl(clusterKubectl(), kubeconfig, ['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(node.stdout).toBe('kwok-node-0');

    const first = state();
    expect(first.processes.map((p) => p.name)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
    expect(first.processes.every((p) => isOurs(p.name, p.pid))).toBe(true);

    const again = await runTsx('scripts/cluster/up.ts', [], env(), 60_000);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already running');
    expect(again.stdout.trim().split('\n').at(-1)).toBe(last);
    expect(state().processes).toEqual(first.processes);

    const down = await runTsx('scripts/cluster/down.ts', [], env(), 60_000);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/^stopped the local cluster: kwok \(pid \d+\), kube-scheduler/);
    expect(first.processes.some((p) => isOurs(p.name, p.pid))).toBe(false);
    expect(existsSync(join(home, 'cluster.json'))).toBe(false);

    const downAgain = await runTsx('scripts/cluster/down.ts', [], env(), 30_000);
    expect(downAgain.code).toBe(0);
    expect(downAgain.stdout.trim()).toBe('the local cluster is not running (no cluster.json)');
  });
});
