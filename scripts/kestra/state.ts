// Where kestra:up keeps the local Kestra's state (KESTRA_HOME, default .kestra/ at the
// repository root, git-ignored), and which process is "ours": the pid in kestra.pid,
// only while that process still is the local Kestra (a reused pid is not).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOCAL_KESTRA_MAIN } from '../../src/kestra/install.js';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface KestraState {
  dir: string;
  pidFile: string;
  configFile: string;
  logFile: string;
  buildLog: string;
  dataDir: string;
}

/** Read per call: tests and npm start set KESTRA_HOME in the environment. */
export function kestraState(env: NodeJS.ProcessEnv = process.env): KestraState {
  const dir = resolve(env.KESTRA_HOME?.trim() || join(ROOT, '.kestra'));
  return {
    dir,
    pidFile: join(dir, 'kestra.pid'),
    configFile: join(dir, 'application.yml'),
    logFile: join(dir, 'kestra.log'),
    buildLog: join(dir, 'build.log'),
    dataDir: join(dir, 'data'),
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a live pid runs the local Kestra (Linux: its command line; elsewhere: trusted). */
export function isLocalKestra(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').split('\0').includes(LOCAL_KESTRA_MAIN);
  } catch {
    return false;
  }
}

/** The pid of the local Kestra this state directory started, if it still runs; a stale pid file is removed. */
export function runningKestraPid(state: KestraState): number | undefined {
  if (!existsSync(state.pidFile)) return undefined;
  const pid = Number(readFileSync(state.pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && isLocalKestra(pid)) return pid;
  rmSync(state.pidFile, { force: true });
  return undefined;
}
