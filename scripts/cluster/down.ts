// npm run cluster:down: stop exactly the processes cluster:up started (the pids in
// CLUSTER_HOME/cluster.json, each only while it still runs our binary), newest
// first, etcd last: SIGTERM, SIGKILL after 5 s. Idempotent: nothing running is not an error.
import { rmSync } from 'node:fs';
import { isOurs, readState, stateFile } from './state.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function clusterDown(): Promise<string> {
  const state = readState();
  if (!state) return 'the local cluster is not running (no cluster.json)';
  const ours = [...state.processes].reverse().filter((p) => isOurs(p.name, p.pid));
  const killed: typeof ours = [];
  // etcd last: an apiserver whose etcd is gone spends its shutdown retrying it
  for (const phase of [ours.filter((p) => p.name !== 'etcd'), ours.filter((p) => p.name === 'etcd')]) {
    for (const p of phase) process.kill(p.pid, 'SIGTERM');
    const until = Date.now() + 5000;
    while (phase.some((p) => isOurs(p.name, p.pid)) && Date.now() < until) await sleep(100);
    for (const p of phase.filter((p) => isOurs(p.name, p.pid))) {
      process.kill(p.pid, 'SIGKILL');
      killed.push(p);
    }
  }
  rmSync(stateFile(), { force: true });
  if (ours.length === 0) return 'the local cluster had already stopped (removed its cluster.json)';
  return `stopped the local cluster: ${ours.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}${killed.length ? `; killed after 5 s: ${killed.map((p) => p.name).join(', ')}` : ''}`;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  clusterDown().then(
    (message) => process.stdout.write(`${message}\n`),
    (err) => {
      process.stderr.write(`cluster:down failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
