import { getAuthConfig } from '../../lib/auth/config';
import { safeNextPath } from '../../lib/auth/next-path';

export const dynamic = 'force-dynamic';

const ERRORS: Record<string, string> = {
  invalid: 'Wrong user name or password. Try again.',
  throttled: 'Too many failed attempts for this user name: wait a minute and try again.',
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The login form: a plain POST form (works without JavaScript). */
export default async function LoginPage({ searchParams }: Props) {
  const params = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const error = ERRORS[first(params.error) ?? ''];
  const next = safeNextPath(first(params.next));
  const config = getAuthConfig();
  return (
    <section className="login" aria-labelledby="login-h">
      <h1 id="login-h">Sign in</h1>
      {config.users.size === 0 ? (
        <div role="alert" className="banner banner-config" data-problem="no-users">
          <strong>No user is configured.</strong> Set DASHBOARD_USERS to <code>name:hash</code> entries (hashes from{' '}
          <code>npm run dashboard:hash-password</code>), or start the dashboard with <code>npm start</code> or{' '}
          <code>npm run dashboard:start</code>, which print a one-time login.
        </div>
      ) : null}
      {config.problems.map((p) => (
        <p key={p} className="banner banner-config">
          {p}
        </p>
      ))}
      {error ? (
        <p role="alert" className="banner" data-login-error>
          {error}
        </p>
      ) : null}
      {first(params.signedOut) ? <p role="status">You are signed out.</p> : null}
      <form method="post" action="/api/login" className="login-form">
        <input type="hidden" name="next" value={next} />
        <div className="field">
          <label htmlFor="login-user">User name</label>
          <input id="login-user" name="user" autoComplete="username" required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <button type="submit" className="primary">
          Sign in
        </button>
      </form>
    </section>
  );
}
