// Where npm run cluster:up keeps the running cluster (CLUSTER_HOME, default
// .cache/cluster/run, git-ignored) and which processes are "ours": the pids in
// cluster.json, each only while /proc says it still runs the binary we started
// (a reused pid is left alone).
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { binaryPath, clusterCacheDir, type BinaryName } from './binaries.js';

export interface ClusterState {
  server: string;
  kubeconfig: string;
  kubectl: string;
  processes: { name: BinaryName; pid: number }[];
}

export function clusterHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.CLUSTER_HOME?.trim() || join(clusterCacheDir(env), 'run'));
}

export const stateFile = (env: NodeJS.ProcessEnv = process.env) => join(clusterHome(env), 'cluster.json');

export function readState(env: NodeJS.ProcessEnv = process.env): ClusterState | undefined {
  const file = stateFile(env);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** True while `pid` is alive and runs our build of `name`. */
export function isOurs(name: BinaryName, pid: number, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`).replace(/ \(deleted\)$/, '') === binaryPath(name, env);
  } catch {
    return false;
  }
}
