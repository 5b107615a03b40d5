// The session and origin checks every page and action goes through (server-only).
// The proxy (proxy.ts) sends requests without a valid session to the login page;
// each action checks again here, with the Origin, before it does anything.
import { cookies } from 'next/headers';
import { getAuthConfig } from './config';
import { checkSameOrigin, requestOrigin } from './origin';
import { readSessionToken, SESSION_COOKIE, type Session } from './session';

/** The signed-in user of the request being rendered, or null. */
export async function currentSession(): Promise<Session | null> {
  const jar = await cookies();
  const config = getAuthConfig();
  const session = readSessionToken(jar.get(SESSION_COOKIE)?.value, config.secret, Date.now());
  return session && config.users.has(session.user) ? session : null;
}

export function allowedOrigins(headers: Headers): string[] {
  const config = getAuthConfig();
  if (config.publicOrigin) return [config.publicOrigin];
  const own = requestOrigin(headers, 'http', false);
  return own ? [own] : [];
}

const refuse = (status: number, message: string) => Response.json({ ok: false, message }, { status });

/** For a state-changing route: the user, or the answer that refuses the request. */
export function guardAction(request: Request): { user: string } | { refused: Response } {
  const origin = checkSameOrigin(request.headers, allowedOrigins(request.headers));
  if (!origin.ok) return { refused: refuse(403, `Refused: ${origin.reason}. Actions are taken from the dashboard's own pages.`) };
  const config = getAuthConfig();
  const token = /(?:^|;\s*)watchdog_session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
  const session = readSessionToken(token, config.secret, Date.now());
  if (!session || !config.users.has(session.user)) return { refused: refuse(401, 'Refused: you are not signed in (or your session ended). Sign in again and retry.') };
  return { user: session.user };
}

export const sessionCookie = (value: string, maxAgeSeconds: number) => ({
  name: SESSION_COOKIE,
  value,
  httpOnly: true,
  sameSite: 'strict' as const,
  secure: getAuthConfig().secureCookie,
  path: '/',
  maxAge: maxAgeSeconds,
});
