/** Where to go after signing in: only a path of this dashboard (no //host, no scheme), else the list. Pure. */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || value.length > 2000) return '/';
  if (value.startsWith('/login') || value.startsWith('/api/')) return '/';
  return value;
}
