// npm run dashboard:start [-- --hostname H --port P]: `next start dashboard`, bound to
// 127.0.0.1 unless told otherwise (DASHBOARD_HOST or --hostname). It refuses any
// other address while no user is configured (DASHBOARD_USERS); on loopback without
// users it makes a one-time login and prints it here, once.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { isLoopback, oneTimeLogin, usersConfigured } from './one-time-login.js';

const args = process.argv.slice(2);
let host = process.env.DASHBOARD_HOST?.trim() || '127.0.0.1';
let port = process.env.DASHBOARD_PORT?.trim() || '3000';
const rest: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--hostname' || a === '-H') host = args[++i] ?? host;
  else if (a.startsWith('--hostname=')) host = a.slice('--hostname='.length);
  else if (a === '--port' || a === '-p') port = args[++i] ?? port;
  else if (a.startsWith('--port=')) port = a.slice('--port='.length);
  else rest.push(a);
}

const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1' };
if (!usersConfigured(env)) {
  if (!isLoopback(host)) {
    process.stderr.write(
      `dashboard: refusing to listen on ${host} without a login: set DASHBOARD_USERS (user:hash entries; hashes from npm run dashboard:hash-password)` +
        ' and DASHBOARD_SESSION_SECRET, or listen on 127.0.0.1.\n',
    );
    process.exit(2);
  }
  const login = await oneTimeLogin();
  Object.assign(env, login.env);
  process.stdout.write(
    `dashboard: no DASHBOARD_USERS configured; sign in at http://${host.includes(':') ? `[${host}]` : host}:${port} as ${login.user} with the one-time password ${login.password}\n` +
      '           (valid until the dashboard stops; shown only here. Set DASHBOARD_USERS to choose your own users.)\n',
  );
}
env.DASHBOARD_SESSION_SECRET ??= randomBytes(32).toString('base64url');

const next = createRequire(import.meta.url).resolve('next/dist/bin/next');
const child = spawn(process.execPath, [next, 'start', resolve(import.meta.dirname, '..'), '--hostname', host, '--port', port, ...rest], { env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
