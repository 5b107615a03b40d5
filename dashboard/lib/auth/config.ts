// The login's configuration, from the environment, validated once. Server-only.
//   DASHBOARD_USERS           user:scrypt-hash entries, separated by commas or new lines
//                             (hashes from `npm run dashboard:hash-password`)
//   DASHBOARD_SESSION_SECRET  at least 32 characters; signs the session cookies. Without
//                             it a random secret is drawn at start (sessions end on restart)
//   DASHBOARD_SESSION_HOURS   how long a session lasts (default 12)
//   DASHBOARD_PUBLIC_URL      the dashboard's address as browsers see it (behind a reverse
//                             proxy): its origin is the one actions must come from; https
//                             makes the cookie Secure
import { randomBytes } from 'node:crypto';
import { parseHash, type ParsedHash } from './password';

export interface AuthConfig {
  users: ReadonlyMap<string, ParsedHash>;
  /** entries that could not be read, named without their hash (shown on the login page) */
  problems: string[];
  secret: string;
  /** true when the secret was drawn at start rather than configured */
  ephemeralSecret: boolean;
  sessionMs: number;
  publicOrigin: string | null;
  secureCookie: boolean;
}

const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export function parseUsers(text: string | undefined): { users: Map<string, ParsedHash>; problems: string[] } {
  const users = new Map<string, ParsedHash>();
  const problems: string[] = [];
  for (const entry of (text ?? '').split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
    const colon = entry.indexOf(':');
    const name = colon > 0 ? entry.slice(0, colon) : '';
    const hash = colon > 0 ? parseHash(entry.slice(colon + 1)) : null;
    if (!USER_NAME.test(name)) problems.push(`an entry of DASHBOARD_USERS has no valid user name before ':' (letters, digits, . _ @ -)`);
    else if (!hash) problems.push(`the hash of user '${name}' in DASHBOARD_USERS is not an scrypt hash from npm run dashboard:hash-password`);
    else users.set(name, hash);
  }
  return { users, problems };
}

/** Pure: the random secret is passed in (used only when none is configured). */
export function loadAuthConfig(env: Record<string, string | undefined>, randomSecret: string): AuthConfig {
  const { users, problems } = parseUsers(env.DASHBOARD_USERS);
  const configured = env.DASHBOARD_SESSION_SECRET?.trim();
  if (configured && configured.length < 32) problems.push('DASHBOARD_SESSION_SECRET is shorter than 32 characters: a random one is used instead');
  const useConfigured = configured !== undefined && configured.length >= 32;
  const hours = Number(env.DASHBOARD_SESSION_HOURS ?? '12');
  let publicOrigin: string | null = null;
  if (env.DASHBOARD_PUBLIC_URL) {
    try {
      publicOrigin = new URL(env.DASHBOARD_PUBLIC_URL).origin;
    } catch {
      problems.push('DASHBOARD_PUBLIC_URL is not a URL');
    }
  }
  return {
    users,
    problems,
    secret: useConfigured ? configured : randomSecret,
    ephemeralSecret: !useConfigured,
    sessionMs: (Number.isFinite(hours) && hours > 0 && hours <= 24 * 30 ? hours : 12) * 3_600_000,
    publicOrigin,
    secureCookie: publicOrigin?.startsWith('https:') ?? false,
  };
}

// One random secret per process, shared by the proxy's and the routes' bundles
// (each has its own copy of this module, but the same globalThis).
const SECRET_KEY = Symbol.for('deploy-watchdog.dashboard.session-secret');
function processSecret(): string {
  const g = globalThis as unknown as Record<symbol, string | undefined>;
  g[SECRET_KEY] ??= randomBytes(32).toString('base64url');
  return g[SECRET_KEY];
}

let cached: AuthConfig | undefined;
export function getAuthConfig(): AuthConfig {
  cached ??= loadAuthConfig(process.env, processSecret());
  return cached;
}
