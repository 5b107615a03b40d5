// npm run kestra:down: stop the local Kestra that kestra:up started: the pid in
// KESTRA_HOME/kestra.pid (default .kestra/), and only while that pid still is the local
// Kestra. SIGTERM (Kestra's shutdown hook stops the engine and the API), SIGKILL after
// 30 s; then any task process it left behind in its own process group (kestra:up
// starts it detached, as a group of its own). Idempotent: nothing running is not an error.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { isAlive, kestraState, runningKestraPid } from './state.js';

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(alive: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return !alive();
}

export async function kestraDown(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const state = kestraState(env);
  if (!existsSync(state.pidFile)) return `Kestra is not running (no pid file in ${state.dir})`;
  const recorded = readFileSync(state.pidFile, 'utf8').trim();
  const pid = runningKestraPid(state);
  if (!pid) return `Kestra is not running (removed the stale pid file of pid ${recorded})`;
  process.kill(pid, 'SIGTERM');
  let how = 'stopped';
  if (!(await waitGone(() => isAlive(pid), 30_000))) {
    process.kill(pid, 'SIGKILL');
    await waitGone(() => isAlive(pid), 5000);
    how = 'killed (it did not stop within 30 s of SIGTERM)';
  }
  // The group still existing means a task process of this Kestra outlived it.
  if (groupAlive(pid)) {
    process.kill(-pid, 'SIGTERM');
    if (!(await waitGone(() => groupAlive(pid), 5000))) process.kill(-pid, 'SIGKILL');
  }
  rmSync(state.pidFile, { force: true });
  return `${how} the local Kestra (pid ${pid})`;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  kestraDown().then(
    (message) => process.stdout.write(`${message}\n`),
    (err) => {
      process.stderr.write(`kestra:down failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
