// The process's one Reviewer (server-only), on globalThis so the action routes and
// the pages (separate bundles) share its in-flight locks and pending records.
import { kestraClient } from './kestra';
import { dashboardLog } from './log';
import { createReviewer, type Reviewer } from './review';

const KEY = Symbol.for('deploy-watchdog.dashboard.reviewer');

export function reviewer(): Reviewer {
  const g = globalThis as unknown as Record<symbol, Reviewer | undefined>;
  g[KEY] ??= createReviewer({ client: kestraClient(), log: dashboardLog });
  return g[KEY];
}
