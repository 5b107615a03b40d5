// npm run kestra:down: stop the Kestra that kestra:up started (its pid file in .kestra/).
// Idempotent: nothing running is not an error.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { PID_FILE } from './up.js';

export async function kestraDown(): Promise<string> {
  if (!existsSync(PID_FILE)) return 'Kestra is not running (no pid file)';
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (alive()) {
    // kestra:up starts Kestra detached, as its own process group.
    process.kill(-pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    if (alive()) process.kill(-pid, 'SIGKILL');
  }
  rmSync(PID_FILE, { force: true });
  return `stopped Kestra (pid ${pid})`;
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
