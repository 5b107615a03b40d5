// The login form's target: checks the Origin, the user and the password (scrypt),
// then sets the signed, HTTP-only session cookie and goes where the user was going.
import { seeOther } from '../../../lib/auth/see-other';
import { getAuthConfig } from '../../../lib/auth/config';
import { allowedOrigins, sessionCookie } from '../../../lib/auth/guard';
import { safeNextPath } from '../../../lib/auth/next-path';
import { checkSameOrigin } from '../../../lib/auth/origin';
import { verifyPassword } from '../../../lib/auth/password';
import { createSessionToken } from '../../../lib/auth/session';
import { createLoginThrottle } from '../../../lib/auth/throttle';
import { dashboardLog } from '../../../lib/log';

const throttle = createLoginThrottle();

const back = (_request: Request, error: string, next: string) =>
  seeOther(`/login?${new URLSearchParams({ error, next })}`);

export async function POST(request: Request) {
  const origin = checkSameOrigin(request.headers, allowedOrigins(request.headers));
  if (!origin.ok) return Response.json({ ok: false, message: `Refused: ${origin.reason}.` }, { status: 403 });
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return back(request, 'invalid', '/');
  }
  const user = String(form.get('user') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const next = safeNextPath(form.get('next'));
  const now = Date.now();
  if (throttle.blockedFor(user, now) > 0) return back(request, 'throttled', next);
  const config = getAuthConfig();
  const ok = user !== '' && password !== '' && (await verifyPassword(password, config.users.get(user) ?? null));
  if (!ok) {
    throttle.failed(user, now);
    dashboardLog.warn({ event: 'login_refused', user: user.slice(0, 64) }, 'login refused: unknown user or wrong password');
    return back(request, 'invalid', next);
  }
  throttle.succeeded(user);
  dashboardLog.info({ event: 'login', user }, 'signed in');
  const res = seeOther(next);
  res.cookies.set(sessionCookie(createSessionToken(user, config.secret, now, config.sessionMs), Math.floor(config.sessionMs / 1000)));
  return res;
}
