// Cross-site request protection for the dashboard's actions: a state-changing
// request must say where it comes from (Origin, or Sec-Fetch-Site from browsers
// that omit it) and that must be the dashboard itself. Pure.

export interface OriginCheck {
  ok: boolean;
  reason?: string;
}

/**
 * `allowed` are the dashboard's own origins: the configured DASHBOARD_PUBLIC_URL,
 * else the one the request was addressed to (Host header).
 */
export function checkSameOrigin(headers: Headers, allowed: readonly string[]): OriginCheck {
  const origin = headers.get('origin');
  if (origin && origin !== 'null') {
    return allowed.includes(origin) ? { ok: true } : { ok: false, reason: `the request comes from ${origin}, not from the dashboard` };
  }
  const site = headers.get('sec-fetch-site');
  if (site === 'same-origin') return { ok: true };
  return { ok: false, reason: 'the request does not say it comes from the dashboard (no Origin header)' };
}

/** The origin a request was addressed to, from its Host header (and the proxy's scheme when trusted). */
export function requestOrigin(headers: Headers, fallbackProto: 'http' | 'https', trustForwarded: boolean): string | null {
  const host = (trustForwarded ? headers.get('x-forwarded-host') : null) ?? headers.get('host');
  if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return null;
  const proto = (trustForwarded ? headers.get('x-forwarded-proto')?.split(',')[0]?.trim() : null) ?? fallbackProto;
  return `${proto === 'https' ? 'https' : 'http'}://${host}`;
}
