import { NextResponse } from 'next/server';

/**
 * A 303 to a path of this dashboard, as a relative Location: the browser stays on
 * the host it used (an absolute URL built from request.url may name another one,
 * e.g. localhost for 127.0.0.1, where the session cookie is not sent).
 */
export function seeOther(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { location: path } });
}
