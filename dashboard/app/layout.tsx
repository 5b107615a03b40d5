import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: 'Deployment watchdog',
  description: 'Every ROLLBACK/CONTINUE decision of the deployment watchdog, and why.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
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
          <span className="muted">Kestra namespace ai.devops.commander · flow devops-loop</span>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
