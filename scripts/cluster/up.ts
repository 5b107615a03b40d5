// npm run cluster:up: build the local cluster if needed (binaries.ts), start it
// detached (control-plane.ts) in CLUSTER_HOME (default .cache/cluster/run), record its
// pids for cluster:down, and print KUBECONFIG=<absolute path> as the last line.
// Idempotent: a cluster this directory started that still runs is reused as is.
// Every start is a fresh cluster (the previous run's etcd data is removed).
import { rmSync, writeFileSync } from 'node:fs';
import { buildClusterBinaries } from './binaries.js';
import { startCluster } from './control-plane.js';
import { clusterHome, isOurs, readState, stateFile, type ClusterState } from './state.js';

const say = (line: string) => process.stderr.write(`cluster:up: ${line}\n`);

export async function clusterUp(): Promise<ClusterState> {
  await buildClusterBinaries(say);
  const existing = readState();
  if (existing && existing.processes.length > 0 && existing.processes.every((p) => isOurs(p.name, p.pid))) {
    say(`already running (${existing.server}, pids ${existing.processes.map((p) => p.pid).join(' ')})`);
    return existing;
  }
  if (existing) say('a previous cluster is partly gone: run npm run cluster:down first if any of its processes remain');
  const dir = clusterHome();
  rmSync(dir, { recursive: true, force: true });
  const cluster = await startCluster({ dir, detached: true, say });
  const state: ClusterState = {
    server: cluster.server,
    kubeconfig: cluster.kubeconfig,
    kubectl: cluster.kubectl,
    processes: cluster.processes.map(({ name, pid }) => ({ name, pid })),
  };
  writeFileSync(stateFile(), `${JSON.stringify(state, null, 2)}\n`);
  say(`logs in ${dir}/logs; kubectl of the cluster's version: ${cluster.kubectl}; stop it with npm run cluster:down`);
  return state;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  clusterUp().then(
    (state) => process.stdout.write(`KUBECONFIG=${state.kubeconfig}\n`),
    (err) => {
      process.stderr.write(`cluster:up failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
