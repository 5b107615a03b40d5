// Log evidence as the judge, the LLM prompt and the training sample see it.
// Produced by analyzeLogs() in ./signatures.ts from raw lines; all text here is redacted.

export type LogLevel = 'error' | 'warn' | 'info' | 'other';

export interface LogSignature {
  /** the normalised line: numbers, ids, UUIDs, hex, IPs replaced by placeholders */
  signature: string;
  level: LogLevel;
  baseline_count: number;
  canary_count: number;
  /** one redacted, length-bounded original line */
  example: string;
  /** present in the canary window and never in the baseline window */
  is_new: boolean;
}

export interface LogAnalysis {
  baseline_lines: number;
  canary_lines: number;
  baseline_error_lines: number;
  canary_error_lines: number;
  /** new error-level signatures first, then by canary count (descending); bounded in number */
  signatures: LogSignature[];
  /** distinct signatures dropped by the bound */
  signatures_dropped: number;
}
