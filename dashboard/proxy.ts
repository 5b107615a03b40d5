// In front of every page and route: without a valid session cookie a page
// redirects to the login page and an API route answers 401. The login page and
// its form's route are the only ways in. (Routes that act check again, with the
// Origin: lib/auth/guard.ts.)
import { NextResponse, type NextRequest } from 'next/server';
import { getAuthConfig } from './lib/auth/config';
import { readSessionToken, SESSION_COOKIE } from './lib/auth/session';

const PUBLIC = new Set(['/login', '/api/login']);

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (PUBLIC.has(pathname)) return NextResponse.next();
  const config = getAuthConfig();
  const session = readSessionToken(request.cookies.get(SESSION_COOKIE)?.value, config.secret, Date.now());
  if (session && config.users.has(session.user)) return NextResponse.next();
  if (pathname.startsWith('/api/')) {
    return NextResponse.json({ ok: false, message: 'Refused: you are not signed in (or your session ended). Sign in again and retry.' }, { status: 401 });
  }
  // absolute, as a proxy's redirect must be; nextUrl keeps the host the browser used
  const login = request.nextUrl.clone();
  login.pathname = '/login';
  login.search = new URLSearchParams({ next: `${pathname}${search}` }).toString();
  return NextResponse.redirect(login, 303);
}

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
