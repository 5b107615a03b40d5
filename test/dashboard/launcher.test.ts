// npm run dashboard:start's launcher refuses an address other than loopback while no
// login is configured (it exits before starting Next.js, so no build is needed here).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback, oneTimeLogin, usersConfigured } from '../../dashboard/cli/one-time-login';
import { parseHash, verifyPassword } from '../../dashboard/lib/auth/password';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the dashboard launcher', () => {
  it('refuses to listen on 0.0.0.0 without DASHBOARD_USERS, saying what to set', () => {
    const env = { ...process.env, DASHBOARD_USERS: '', DASHBOARD_HOST: '' };
    const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'dashboard/cli/start.ts', '--hostname', '0.0.0.0', '--port', '1'], { cwd: ROOT, env, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('refusing to listen on 0.0.0.0 without a login: set DASHBOARD_USERS');
  });

  it('makes a one-time login whose password matches its hash, and knows loopback', async () => {
    const login = await oneTimeLogin();
    expect(login.password.length).toBeGreaterThanOrEqual(20);
    expect(usersConfigured(login.env)).toBe(true);
    expect(login.env.DASHBOARD_USERS).not.toContain(login.password);
    expect(await verifyPassword(login.password, parseHash(login.env.DASHBOARD_USERS.slice(login.user.length + 1)))).toBe(true);
    expect(usersConfigured({ DASHBOARD_USERS: 'alice:plain' })).toBe(false);
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::', 'example.com'].some(isLoopback)).toBe(false);
  });
});
