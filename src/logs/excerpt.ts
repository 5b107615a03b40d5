// A compact, redacted, plain-text view of a LogAnalysis for an LLM prompt:
//
//   log lines: baseline 1200 (3 error), canary 1180 (45 error); 57 signatures
//   [NEW error x37 (baseline 0)] db timeout after <n>ms query=<str>
//     e.g. 2024-11-23T10:00:00Z ERROR db timeout after 5000ms query="SELECT ..."
//   [warn x12 (baseline 10)] slow request <n>ms
//   ... 40 more signatures omitted
//
// Signatures come in the analysis' order (new errors first) and the text never
// exceeds maxChars. Everything is redacted again here, in case the analysis was
// built or edited elsewhere.
import { redactSecrets } from './redact.js';
import type { LogAnalysis, LogSignature } from './types.js';

/** Characters of one signature's example shown in the excerpt. */
const EXAMPLE_CHARS = 200;

const CONTROL_RE = /\x1b\[[0-9;?]*[A-Za-z]|[\u0000-\u0008\u000b-\u001f\u007f]/g;
const WHITESPACE_RE = /\s+/g;

/** One line of plain text: redacted, no control characters, whitespace collapsed, bounded. */
function oneLine(text: string, max: number): string {
  const flat = redactSecrets(text).replace(CONTROL_RE, ' ').replace(WHITESPACE_RE, ' ').trim();
  if (flat.length <= max) return flat;
  if (max <= 0) return '';
  let end = max - 1;
  const code = flat.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return `${flat.slice(0, end)}…`;
}

function label(s: LogSignature): string {
  return `[${s.is_new ? 'NEW ' : ''}${s.level} x${s.canary_count} (baseline ${s.baseline_count})]`;
}

function omittedLine(n: number): string {
  return `... ${n} more signature${n === 1 ? '' : 's'} omitted`;
}

/**
 * The analysis as plain text of at most maxChars characters: the line and error
 * counts per window, then one line per signature (`[NEW error x37 (baseline 0)]
 * <signature>`) followed by its example, in the analysis' order, stopping before
 * the bound and saying how many signatures were left out (including those the
 * analysis itself dropped).
 */
export function logExcerpt(analysis: LogAnalysis, maxChars = 2000): string {
  const max = Number.isFinite(maxChars) ? Math.max(0, Math.floor(maxChars)) : 2000;
  if (max === 0) return '';
  const signatures = analysis.signatures;
  const total = signatures.length + Math.max(0, analysis.signatures_dropped);
  const header =
    `log lines: baseline ${analysis.baseline_lines} (${analysis.baseline_error_lines} error), ` +
    `canary ${analysis.canary_lines} (${analysis.canary_error_lines} error); ` +
    `${total} signature${total === 1 ? '' : 's'}`;
  if (header.length > max) return oneLine(header, max);

  const lines = [header];
  let length = header.length;
  // room kept for the omission note, whatever count it ends up with
  const reserve = 1 + omittedLine(total).length;
  let shown = 0;
  for (const s of signatures) {
    const head = oneLine(`${label(s)} ${s.signature}`, 400);
    const example = oneLine(s.example, EXAMPLE_CHARS);
    const withExample = example !== '' && example !== s.signature ? [head, `  e.g. ${example}`] : [head];
    const isLast = shown === signatures.length - 1 && analysis.signatures_dropped <= 0;
    const budget = max - (isLast ? 0 : reserve);
    const fits = (block: string[]): boolean => length + block.reduce((n, l) => n + 1 + l.length, 0) <= budget;
    let block: string[] | undefined;
    if (fits(withExample)) block = withExample;
    else if (fits([head])) block = [head];
    if (!block) break;
    lines.push(...block);
    length += block.reduce((n, l) => n + 1 + l.length, 0);
    shown++;
  }
  const omitted = total - shown;
  if (omitted > 0) {
    const note = omittedLine(omitted);
    if (length + 1 + note.length <= max) lines.push(note);
  }
  const text = lines.join('\n');
  return text.length <= max ? text : text.slice(0, max);
}
