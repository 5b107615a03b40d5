// Pure helpers for log collection: split timestamped lines into the baseline and
// canary windows, bound their size, and redact secrets before anything is stored.
import { redactSecrets } from '../logs/redact.js';

export interface LogWindows {
  baseline: string[];
  canary: string[];
  /** lines dropped by the bounds, per window */
  dropped: { baseline: number; canary: number };
}

export interface LogBounds {
  /** most lines kept per window (the most recent ones) */
  maxLines: number;
  /** most characters kept per line */
  maxLineChars: number;
}

export const DEFAULT_LOG_BOUNDS: LogBounds = { maxLines: 5000, maxLineChars: 2000 };

/** RFC 3339 timestamp at the start of a line, as `kubectl logs --timestamps` and most loggers write it. */
const LEADING_TIME = /^(?:\[[^\]]*\]\s+)?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s/;

export function lineTime(line: string): number | null {
  const m = LEADING_TIME.exec(line);
  if (!m) return null;
  const t = Date.parse(m[1]!.replace(' ', 'T'));
  return Number.isNaN(t) ? null : t;
}

/**
 * Lines before `deployedAt` (and not older than `baselineStart`) are baseline,
 * the rest canary. A line with no timestamp belongs to the window of the line
 * before it (a stack trace continues its error line); leading untimed lines are canary.
 */
export function splitLogWindows(
  lines: Iterable<string>,
  deployedAt: Date,
  baselineStart: Date,
  bounds: LogBounds = DEFAULT_LOG_BOUNDS,
): LogWindows {
  const baseline: string[] = [];
  const canary: string[] = [];
  let current: string[] | null = canary;
  for (const raw of lines) {
    if (raw.trim() === '') continue;
    const t = lineTime(raw);
    if (t !== null) current = t < baselineStart.getTime() ? null : t < deployedAt.getTime() ? baseline : canary;
    if (current === null) continue;
    const line = raw.length > bounds.maxLineChars ? `${raw.slice(0, bounds.maxLineChars)}…` : raw;
    current.push(redactSecrets(line));
  }
  const keepLast = (xs: string[]) => (xs.length > bounds.maxLines ? xs.slice(xs.length - bounds.maxLines) : xs);
  return {
    baseline: keepLast(baseline),
    canary: keepLast(canary),
    dropped: {
      baseline: Math.max(0, baseline.length - bounds.maxLines),
      canary: Math.max(0, canary.length - bounds.maxLines),
    },
  };
}
