// Sessions in a signed cookie: `<payload>.<HMAC-SHA256>` (base64url), payload
// {u: user, iat, exp} in seconds. Nothing is stored on the server; a session ends
// at `exp` or when the secret changes. Pure: the clock and the secret come in.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'watchdog_session';

export interface Session {
  user: string;
  issuedAt: number;
  expiresAt: number;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function createSessionToken(user: string, secret: string, nowMs: number, ttlMs: number): string {
  const payload = Buffer.from(JSON.stringify({ u: user, iat: Math.floor(nowMs / 1000), exp: Math.floor((nowMs + ttlMs) / 1000) })).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The session the token carries, or null when it is missing, forged, malformed or expired. */
export function readSessionToken(token: string | undefined, secret: string, nowMs: number): Session | null {
  if (!token || token.length > 4096) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(payload, secret), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const { u, iat, exp } = (data ?? {}) as { u?: unknown; iat?: unknown; exp?: unknown };
  if (typeof u !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
  if (exp * 1000 <= nowMs) return null;
  return { user: u, issuedAt: iat * 1000, expiresAt: exp * 1000 };
}
