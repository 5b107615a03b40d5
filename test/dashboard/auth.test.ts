// The dashboard's login pieces on their own: scrypt hashes, signed session cookies,
// the same-origin check, the users' configuration and where a login may lead.
import { describe, expect, it } from 'vitest';
import { loadAuthConfig, parseUsers } from '../../dashboard/lib/auth/config';
import { safeNextPath } from '../../dashboard/lib/auth/next-path';
import { checkSameOrigin, requestOrigin } from '../../dashboard/lib/auth/origin';
import { hashPassword, parseHash, verifyPassword } from '../../dashboard/lib/auth/password';
import { createSessionToken, readSessionToken } from '../../dashboard/lib/auth/session';
import { createLoginThrottle } from '../../dashboard/lib/auth/throttle';

const SECRET = 's'.repeat(40);
const NOW = Date.parse('2025-06-01T12:00:00Z');

describe('dashboard login', () => {
  it('hashes with scrypt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(hash).not.toContain('correct');
    const parsed = parseHash(hash);
    expect(await verifyPassword('correct horse battery', parsed)).toBe(true);
    expect(await verifyPassword('correct horse batterY', parsed)).toBe(false);
    expect(await verifyPassword('correct horse battery', null)).toBe(false); // unknown user
    expect(await hashPassword('x')).not.toBe(await hashPassword('x')); // salted
    expect(parseHash('plain-text-password')).toBeNull();
    expect(parseHash('scrypt$1048577$8$1$aaaaaaaaaaaaaaaaaaaaaa$bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')).toBeNull(); // N not a power of two
  });

  it('reads back a signed session and refuses a forged, re-signed or expired one', () => {
    const token = createSessionToken('alice', SECRET, NOW, 3_600_000);
    expect(readSessionToken(token, SECRET, NOW + 1000)).toEqual({ user: 'alice', issuedAt: NOW, expiresAt: NOW + 3_600_000 });
    expect(readSessionToken(token, SECRET, NOW + 3_600_000)).toBeNull();
    expect(readSessionToken(token, 't'.repeat(40), NOW)).toBeNull();
    const [, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ u: 'mallory', iat: NOW / 1000, exp: NOW / 1000 + 3600 })).toString('base64url')}.${sig}`;
    expect(readSessionToken(forged, SECRET, NOW)).toBeNull();
    expect(readSessionToken(undefined, SECRET, NOW)).toBeNull();
    expect(readSessionToken('garbage', SECRET, NOW)).toBeNull();
  });

  it('lets an action through only from the dashboard\'s own origin', () => {
    const own = ['http://127.0.0.1:3000'];
    expect(checkSameOrigin(new Headers({ origin: 'http://127.0.0.1:3000' }), own).ok).toBe(true);
    const evil = checkSameOrigin(new Headers({ origin: 'https://evil.example' }), own);
    expect(evil).toEqual({ ok: false, reason: 'the request comes from https://evil.example, not from the dashboard' });
    expect(checkSameOrigin(new Headers({ origin: 'null' }), own).ok).toBe(false);
    expect(checkSameOrigin(new Headers({}), own).ok).toBe(false);
    expect(checkSameOrigin(new Headers({ 'sec-fetch-site': 'same-origin' }), own).ok).toBe(true);
    expect(checkSameOrigin(new Headers({ 'sec-fetch-site': 'cross-site' }), own).ok).toBe(false);
    expect(requestOrigin(new Headers({ host: '127.0.0.1:3000' }), 'http', false)).toBe('http://127.0.0.1:3000');
    expect(requestOrigin(new Headers({ host: 'a b' }), 'http', false)).toBeNull();
  });

  it('reads DASHBOARD_USERS and names a bad entry without its hash', async () => {
    const hash = await hashPassword('a long enough password');
    const { users, problems } = parseUsers(`alice:${hash},\n bob:${hash}, eve:not-a-hash, :${hash}`);
    expect([...users.keys()]).toEqual(['alice', 'bob']);
    expect(problems).toEqual([
      "the hash of user 'eve' in DASHBOARD_USERS is not an scrypt hash from npm run dashboard:hash-password",
      "an entry of DASHBOARD_USERS has no valid user name before ':' (letters, digits, . _ @ -)",
    ]);
    const config = loadAuthConfig({ DASHBOARD_USERS: `alice:${hash}`, DASHBOARD_SESSION_SECRET: 'short', DASHBOARD_PUBLIC_URL: 'https://watchdog.example/x' }, 'r'.repeat(43));
    expect(config.secret).toBe('r'.repeat(43));
    expect(config.ephemeralSecret).toBe(true);
    expect(config.problems).toContain('DASHBOARD_SESSION_SECRET is shorter than 32 characters: a random one is used instead');
    expect(config.publicOrigin).toBe('https://watchdog.example');
    expect(config.secureCookie).toBe(true);
    expect(loadAuthConfig({ DASHBOARD_SESSION_SECRET: SECRET }, 'r').secret).toBe(SECRET);
  });

  it('after a login goes only to a path of the dashboard', () => {
    expect(safeNextPath('/deployments/abc?x=1')).toBe('/deployments/abc?x=1');
    for (const bad of ['//evil.example/', 'https://evil.example', '/\\evil.example', '/api/login', undefined, 42]) expect(safeNextPath(bad)).toBe('/');
  });

  it('refuses a user name for a minute after five failures', () => {
    const t = createLoginThrottle();
    for (let i = 0; i < 4; i++) t.failed('alice', NOW + i);
    expect(t.blockedFor('alice', NOW + 10)).toBe(0);
    t.failed('alice', NOW + 10);
    expect(t.blockedFor('alice', NOW + 11)).toBeGreaterThan(59_000);
    expect(t.blockedFor('bob', NOW + 11)).toBe(0);
    expect(t.blockedFor('alice', NOW + 61_000)).toBe(0);
  });
});
