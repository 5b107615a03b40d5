// A login for a dashboard started on loopback without configured users (npm start,
// npm run dashboard:start): a random password, hashed into DASHBOARD_USERS for the
// dashboard process and shown once to whoever started it — never written to a file
// or a log. Run through tsx (not bundled by Next), hence the .js import.
import { randomBytes } from 'node:crypto';
import { hashPassword } from '../lib/auth/password.js';

export interface OneTimeLogin {
  user: string;
  password: string;
  /** what the dashboard's environment gets: the user with the password's hash, a session secret */
  env: { DASHBOARD_USERS: string; DASHBOARD_SESSION_SECRET: string };
}

export async function oneTimeLogin(user = 'sre'): Promise<OneTimeLogin> {
  const password = randomBytes(15).toString('base64url');
  return {
    user,
    password,
    env: { DASHBOARD_USERS: `${user}:${await hashPassword(password)}`, DASHBOARD_SESSION_SECRET: randomBytes(32).toString('base64url') },
  };
}

/** True when DASHBOARD_USERS names at least one user (the login is configured). */
export function usersConfigured(env: Record<string, string | undefined>): boolean {
  return (env.DASHBOARD_USERS ?? '').split(/[,\n]/).some((entry) => /^[A-Za-z0-9._@-]{1,64}:scrypt\$/.test(entry.trim()));
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/;
export const isLoopback = (host: string) => LOOPBACK.test(host.trim().toLowerCase());
