// What the logs add to the decision: error-level signatures that are new in the
// canary window. Logs corroborate metrics; they never decide alone (a new,
// harmless ERROR line is common, and log text is written by the service, so it
// is untrusted). They raise confidence in a ROLLBACK and lower confidence in a
// CONTINUE, which is what lets the LLM escalate a CONTINUE the judge is unsure of.
import type { LogAnalysis } from '../logs/types.js';
import type { LogEvidence } from './types.js';

export function logEvidence(logs: LogAnalysis | undefined, minNewErrors: number): LogEvidence {
  if (!logs || (logs.baseline_lines === 0 && logs.canary_lines === 0)) {
    return { verdict: 'nodata', new_error_occurrences: 0, new_error_signatures: 0, severity: 0, reason: 'no log lines' };
  }
  if (logs.baseline_lines === 0) {
    return {
      verdict: 'nodata',
      new_error_occurrences: 0,
      new_error_signatures: 0,
      severity: 0,
      reason: `no baseline log lines, so nothing can be called new (${logs.canary_error_lines} error lines in the canary)`,
    };
  }
  const fresh = logs.signatures.filter((s) => s.is_new && s.level === 'error');
  const occurrences = fresh.reduce((n, s) => n + s.canary_count, 0);
  const ratio = occurrences / Math.max(1, minNewErrors);
  const severity = occurrences === 0 ? 0 : Math.min(0.99, ratio ** 2 / (1 + ratio ** 2));
  const top = fresh[0];
  const example = top ? `; most frequent: "${top.signature}" x${top.canary_count}` : '';
  if (occurrences >= minNewErrors) {
    return {
      verdict: 'high',
      new_error_occurrences: occurrences,
      new_error_signatures: fresh.length,
      severity,
      reason: `${fresh.length} error signature(s) new in the canary, ${occurrences} occurrence(s)${example}`,
    };
  }
  return {
    verdict: 'pass',
    new_error_occurrences: occurrences,
    new_error_signatures: fresh.length,
    severity,
    reason:
      occurrences === 0
        ? 'no error signatures new in the canary'
        : `${occurrences} occurrence(s) of new error signatures, below the ${minNewErrors} that count${example}`,
  };
}
