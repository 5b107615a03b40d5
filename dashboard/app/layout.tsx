import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { currentSession } from '../lib/auth/guard';
import './globals.css';

export const metadata: Metadata = {
  title: 'Deployment watchdog',
  description: 'Every ROLLBACK/CONTINUE decision of the deployment watchdog, and why.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await currentSession();
  return (
    <html lang="en">
      <body>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <header className="top">
          <Link href="/" className="brand">
            Deployment watchdog
          </Link>
          {session ? (
            <nav aria-label="Main" className="main-nav">
              <Link href="/">Deployments</Link>
              <Link href="/checks/new">Check a deployment</Link>
            </nav>
          ) : null}
          <span className="muted">Kestra namespace ai.devops.commander · flow devops-loop</span>
          {session ? (
            <form method="post" action="/api/logout" className="signed-in">
              <span>
                Signed in as <strong data-user>{session.user}</strong>
              </span>{' '}
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
