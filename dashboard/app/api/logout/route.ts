import { seeOther } from '../../../lib/auth/see-other';
import { allowedOrigins, sessionCookie } from '../../../lib/auth/guard';
import { checkSameOrigin } from '../../../lib/auth/origin';

export async function POST(request: Request) {
  const origin = checkSameOrigin(request.headers, allowedOrigins(request.headers));
  if (!origin.ok) return Response.json({ ok: false, message: `Refused: ${origin.reason}.` }, { status: 403 });
  const res = seeOther('/login?signedOut=1');
  res.cookies.set(sessionCookie('', 0));
  return res;
}
