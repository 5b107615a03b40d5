// Builds the dashboard (`next build dashboard`) and starts it on a free loopback
// port through its launcher (npm run dashboard:start: dashboard/cli/start.ts, which
// binds, checks the login configuration and runs `next start`), for the
// end-to-end tests and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freeLoopbackPort as freePort } from '../../src/util/free-port.js';

export { freePort };

const ROOT = resolve(import.meta.dirname, '../..');
const NEXT_BIN = resolve(ROOT, 'node_modules/next/dist/bin/next');
const TSX_CLI = resolve(ROOT, 'node_modules/tsx/dist/cli.mjs');
const LAUNCHER = resolve(ROOT, 'dashboard/cli/start.ts');

export interface RunningDashboard {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

function run(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `next build dashboard`; rejects with the build's output when it fails. */
export async function buildDashboard(): Promise<number> {
  const started = performance.now();
  const child = run(['build', 'dashboard'], { NODE_ENV: 'production' });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${out}`);
  return performance.now() - started;
}

/** The dashboard's launcher with the given environment; resolves once it answers HTTP. */
export async function startDashboard(env: Record<string, string>): Promise<RunningDashboard> {
  const port = await freePort();
  const child = spawn(process.execPath, [TSX_CLI, LAUNCHER, '--hostname', '127.0.0.1', '--port', String(port)], {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/_next/static/not-there`, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url,
    output: () => out,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('close', () => ok());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
