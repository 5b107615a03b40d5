// From raw log lines to LogAnalysis: a level per line, a signature per line (the
// line with its timestamps, ids and numbers replaced by placeholders), and
// per-signature counts in the baseline and canary windows.
//
// Pure and IO-free. Every regular expression is compiled once at module load and
// is linear in its input: no nested quantifiers over overlapping classes, and a
// pattern that scans a run of characters starts only at the beginning of that run
// (look-behind), so a 100k-character line of 'a' or '0x0x0x' stays cheap.
import { redactSecrets } from './redact.js';
import type { LogAnalysis, LogLevel, LogSignature } from './types.js';

export interface AnalyzeLogsOptions {
  /** signatures kept in the result (default 40); the rest are counted in signatures_dropped */
  maxSignatures?: number;
  /** length bound of each signature's example line (default 300) */
  maxExampleChars?: number;
  /**
   * lines analysed per window (default 20000). Extra lines are counted in
   * *_lines and, through their level alone, in *_error_lines, but get no
   * signature.
   */
  maxLines?: number;
}

export const DEFAULT_MAX_SIGNATURES = 40;
export const DEFAULT_MAX_EXAMPLE_CHARS = 300;
export const DEFAULT_MAX_LINES = 20_000;

/** Length of a signature. */
export const MAX_SIGNATURE_CHARS = 200;
/** Characters of a (redacted) line that level detection and normalisation look at. */
const WORK_CHARS = 4000;
/** JSON lines longer than this are normalised as text rather than parsed. */
const MAX_JSON_CHARS = 20_000;

// ---------------------------------------------------------------- levels

const LEVEL_OF_WORD: Readonly<Record<string, LogLevel>> = {
  error: 'error',
  err: 'error',
  fatal: 'error',
  critical: 'error',
  crit: 'error',
  panic: 'error',
  dpanic: 'error',
  severe: 'error',
  emerg: 'error',
  emergency: 'error',
  alert: 'error',
  warn: 'warn',
  warning: 'warn',
  info: 'info',
  debug: 'info',
  trace: 'info',
  notice: 'info',
  verbose: 'info',
};

/** pino's numeric levels */
const LEVEL_OF_NUMBER: Readonly<Record<string, LogLevel>> = {
  '10': 'info',
  '20': 'info',
  '30': 'info',
  '40': 'warn',
  '50': 'error',
  '60': 'error',
};

const LEVEL_WORDS = 'error|err|fatal|critical|crit|panic|dpanic|severe|emerg|emergency|alert|warn|warning|info|debug|trace|notice|verbose';

const ANSI_RE = /\x1b\[[0-9;?]*[A-Za-z]/g;

const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
const TIMESTAMP =
  // ISO 8601 / RFC 3339 and Go's 2006/01/02 15:04:05
  '\\d{4}[-/]\\d{2}[-/]\\d{2}(?:[T ]\\d{2}:\\d{2}(?::\\d{2})?(?:[.,]\\d{1,9})?)?(?:\\s?(?:Z|UTC|[+-]\\d{2}:?\\d{2}))?' +
  // syslog: Nov 23 10:00:00 (optionally with a weekday and a year)
  `|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),?\\s+)?${MONTH}\\s+\\d{1,2}(?:,?\\s+\\d{4})?\\s+\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?(?:\\s+\\d{4})?` +
  // common log format: 23/Nov/2024:10:00:00 +0000
  `|\\d{2}/${MONTH}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?:\\s[+-]\\d{4})?` +
  // epoch seconds (optionally fractional) or milliseconds
  '|\\d{10}(?:\\d{3}|\\.\\d{1,9})?(?!\\d)' +
  // time of day alone
  '|\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d{1,9})?';
/** A leading timestamp, bare or bracketed (also dmesg's `[12345.678901]`), and the separator after it. */
const TS_PREFIX_RE = new RegExp(`^\\s*(?:\\[\\s*(?:${TIMESTAMP}|\\d{1,9}\\.\\d{1,9})\\s*\\]|(?:${TIMESTAMP}))(?:[\\s|,;-]+|:\\s+|$)`);
/**
 * `kubectl logs --prefix` source: `[pod/NAME/CONTAINER] `. Pod names change with
 * every rollout, so the same error from old and new pods must share a signature.
 */
const POD_PREFIX_RE = /^\s*\[pod\/[^\]\s]+\]\s+/;
/** Kubernetes CRI prefix after the runtime's timestamp: `stdout F `. */
const STREAM_PREFIX_RE = /^\s*(?:stdout|stderr)\s+[FP]\s+/;
/** glog / klog header: E1123 10:00:00.123456   12 file.go:34] */
const GLOG_RE = /^([IWEF])\d{4} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:\s+\d+)?\s*/;

/** An uppercase level token, anywhere (the first one counts). */
const UPPER_LEVEL_RE =
  /(?<![A-Za-z0-9_])(ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|DPANIC|SEVERE|EMERG|EMERGENCY|ALERT|WARN|WARNING|INFO|DEBUG|TRACE|NOTICE|VERBOSE)(?![A-Za-z0-9_])/;
/** A bracketed level in any case: nginx `[error]`, Apache `[core:warn]`, `[Info]`. */
const BRACKET_LEVEL_RE = new RegExp(`\\[(?:[a-z_]+:)?(${LEVEL_WORDS})\\]`, 'i');
/** A level field: logfmt `level=error`, JSON `"level":"error"` or `"level":50`, `severity: WARNING`. */
const FIELD_LEVEL_RE = new RegExp(
  `(?<![A-Za-z0-9_])"?(?:level|lvl|severity|loglevel|log_level|log\\.level)"?\\s*[:=]\\s*"?(${LEVEL_WORDS}|[1-6]0)(?![A-Za-z0-9_])`,
  'i',
);
/** Lines that begin with a level word and a colon: `error: ...`, `Warning: ...`, `FATAL: ...`. */
const LEADING_WORD_LEVEL_RE = /^(error|fatal|panic|critical|warning|warn)\s*:/i;
/** Error markers in the message itself, used only when no level is declared. */
const ERROR_MARKER_RE =
  /Exception|Traceback \(most recent call last\)|(?<![A-Za-z0-9_])panic:|Caused by:|OOMKilled|segfault|Segmentation fault|SIGSEGV|(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9]*Error:/;
const WARN_MARKER_RE = /(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9]*Warning:/;

function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ANSI_RE, '') : line;
}

/** Removes leading timestamps and the CRI stream prefix (several may be stacked). */
function stripPrefixes(line: string): string {
  let s = line;
  for (let i = 0; i < 4; i++) {
    const ts = TS_PREFIX_RE.exec(s);
    if (ts) s = s.slice(ts[0].length);
    const pod = POD_PREFIX_RE.exec(s);
    if (pod) s = s.slice(pod[0].length);
    const stream = STREAM_PREFIX_RE.exec(s);
    if (stream) s = s.slice(stream[0].length);
    if (!ts && !pod && !stream) break;
  }
  return s.trimStart();
}

/** The first WORK_CHARS characters, without ANSI colour codes and leading timestamps. */
function prepare(line: string): string {
  return stripPrefixes(stripAnsi(line.length > WORK_CHARS ? line.slice(0, WORK_CHARS) : line));
}

function levelOfWord(word: string): LogLevel | undefined {
  return LEVEL_OF_WORD[word.toLowerCase()] ?? LEVEL_OF_NUMBER[word];
}

/** Level of a line whose ANSI codes and leading timestamps are already gone. */
function levelOfStripped(s: string): LogLevel {
  const glog = GLOG_RE.exec(s);
  if (glog) {
    const c = glog[1];
    return c === 'E' || c === 'F' ? 'error' : c === 'W' ? 'warn' : 'info';
  }
  const field = FIELD_LEVEL_RE.exec(s);
  // a JSON line's level field is authoritative; its message may say anything
  if (field && s.startsWith('{')) return levelOfWord(field[1] ?? '') ?? 'other';
  // otherwise the earliest declared level wins
  let best: { index: number; level: LogLevel } | undefined;
  for (const m of [field, UPPER_LEVEL_RE.exec(s), BRACKET_LEVEL_RE.exec(s)]) {
    if (!m) continue;
    const level = levelOfWord(m[1] ?? '');
    if (level !== undefined && (best === undefined || m.index < best.index)) best = { index: m.index, level };
  }
  if (best) return best.level;
  const leading = LEADING_WORD_LEVEL_RE.exec(s);
  if (leading) return levelOfWord(leading[1] ?? '') ?? 'other';
  if (ERROR_MARKER_RE.test(s)) return 'error';
  if (WARN_MARKER_RE.test(s)) return 'warn';
  return 'other';
}

/**
 * The level of one log line. A declared level wins (glog header, a level field,
 * an uppercase token such as ERROR/WARN/INFO, a bracketed `[error]`; the earliest
 * one, except that a JSON line's level field always wins); only without one do
 * markers in the message (`Exception`, `Traceback ...`, `panic:`, `Caused by:`,
 * `OOMKilled`, `segfault`, `TypeError:`) make it an error. So `INFO batch done
 * error_count=0` is info, and a bare `error` in lowercase prose is 'other'.
 */
export function lineLevel(line: string): LogLevel {
  return levelOfStripped(prepare(line));
}

// ---------------------------------------------------------------- normalisation

/** A level token at the start of a line: uppercase (`ERROR`, `WARN:`), or in any case when bracketed or followed by a colon. */
const LEADING_UPPER_LEVEL_RE =
  /^(?:ERROR|ERR|FATAL|CRITICAL|CRIT|PANIC|DPANIC|SEVERE|EMERG|EMERGENCY|ALERT|WARN|WARNING|INFO|DEBUG|TRACE|NOTICE|VERBOSE)(?![A-Za-z0-9_])\s*:?\s*/;
const LEADING_MARKED_LEVEL_RE = new RegExp(
  `^(?:\\[\\s*(?:[a-z_]+:)?(?:${LEVEL_WORDS})\\s*\\]\\s*:?|<(?:${LEVEL_WORDS})>\\s*:?|(?:${LEVEL_WORDS})\\s*:)\\s*`,
  'i',
);
/** `level=...` logfmt fields anywhere (the level is part of the grouping key already). */
const LOGFMT_LEVEL_RE = /(?<![^\s])(?:level|lvl)=\S+\s*/g;

// The placeholder patterns, each starting only at the beginning of a run (look-behind).
const ISO_TS = '(?<![0-9])\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(?::\\d{2})?(?:[.,]\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})?(?![0-9])';
const UUID = '(?<![0-9A-Za-z])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z])';
const EMAIL = '(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+(?![A-Za-z0-9-])';
const IPV4 = '(?<![0-9.])(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?(?![0-9]|\\.\\d)';
const H4 = '[0-9a-fA-F]{1,4}';
const IPV6 = `(?<![A-Za-z0-9:.])(?:(?:${H4}:){4,7}${H4}|(?:${H4}:){1,7}:(?:${H4}(?::${H4}){0,6})?|::${H4}(?::${H4}){0,6})(?![A-Za-z0-9:])`;
const HEX_PREFIXED = '(?<![A-Za-z0-9])0[xX][0-9a-fA-F]+(?![A-Za-z0-9])';
/** 8+ hex characters; <hex> only when they mix digits and letters (pure digits are a number, pure letters a word). */
const HEX_RUN = '(?<![A-Za-z0-9])[0-9a-fA-F]{8,}(?![A-Za-z0-9])';
/** Long alphanumeric ids that are not hex (ULIDs, base62 request ids): 16+ characters with 2+ digits and 2+ letters. */
const ID_RUN = '(?<![A-Za-z0-9])[A-Za-z0-9]{16,}(?![A-Za-z0-9])';
/** Go-style compound durations: 1m30s, 2h0m0.5s -> <n>s */
const COMPOUND_DURATION =
  '(?<![A-Za-z0-9.])(?:\\d+(?:\\.\\d+)?(?:h|m|s|ms|us|µs|ns)){1,3}\\d+(?:\\.\\d+)?(h|m|s|ms|us|µs|ns)(?![A-Za-z0-9])';
/** Numbers (ints, decimals, dotted versions, exponents); a unit glued to one stays: 5000ms -> <n>ms. */
const NUMBER = '(?<![A-Za-z0-9.])\\d+(?:\\.\\d+)*(?:[eE][+-]?\\d+)?(?=[A-Za-z%µ]*(?![A-Za-z0-9]))';
const NUMBER_RE = new RegExp(NUMBER, 'g');

/**
 * All placeholder patterns in one alternation, so a line is scanned once rather
 * than once per pattern. At a position the first alternative that matches wins,
 * which gives the precedence uuid > email > ip > hex > id > duration > number.
 */
const PLACEHOLDER_RE = new RegExp(
  [ISO_TS, UUID, EMAIL, IPV4, IPV6, HEX_PREFIXED, HEX_RUN, ID_RUN, COMPOUND_DURATION, NUMBER].map((p) => `(${p})`).join('|'),
  'g',
);

function placeholderFor(
  m: string,
  ts: string | undefined,
  uuid: string | undefined,
  email: string | undefined,
  ipv4: string | undefined,
  ipv6: string | undefined,
  hexPrefixed: string | undefined,
  hexRun: string | undefined,
  idRun: string | undefined,
  _duration: string | undefined,
  durationUnit: string | undefined,
): string {
  if (ts !== undefined) return '<ts>';
  if (uuid !== undefined) return '<uuid>';
  if (email !== undefined) return '<email>';
  if (ipv4 !== undefined || ipv6 !== undefined) return '<ip>';
  if (hexPrefixed !== undefined) return '<hex>';
  if (hexRun !== undefined) {
    const digits = countMatches(m, DIGITS_RE);
    if (digits === m.length) return '<n>';
    return digits > 0 ? '<hex>' : m;
  }
  if (idRun !== undefined) {
    const digits = countMatches(m, DIGITS_RE);
    if (digits >= 2 && m.length - digits >= 2) return '<id>';
    return m.replace(NUMBER_RE, '<n>');
  }
  if (durationUnit !== undefined) return `<n>${durationUnit}`;
  return '<n>';
}

// Character classes of the run scanner below (ASCII only; anything else ends a run).
const C_DIGIT = 1;
const C_LETTER = 2;
const C_PUNCT = 4; // . _ % + -
const C_COLON = 8;
const C_AT = 16;
const RUN_CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) RUN_CLASS[c] = C_DIGIT;
for (let c = 65; c <= 90; c++) RUN_CLASS[c] = C_LETTER;
for (let c = 97; c <= 122; c++) RUN_CLASS[c] = C_LETTER;
for (const ch of '._%+-') RUN_CLASS[ch.charCodeAt(0)] = C_PUNCT;
RUN_CLASS[58] = C_COLON;
RUN_CLASS[64] = C_AT;

/**
 * Applies PLACEHOLDER_RE run by run. A run is a maximal stretch of the
 * characters the placeholder patterns are made of ([A-Za-z0-9._%+:@-]); every
 * pattern and every look-around in it treats the characters outside a run as a
 * boundary, so matching inside each run gives what matching the whole line
 * gives, only much faster: runs without a digit, an @ or two colons cannot match
 * and are skipped, and the commonest shapes (12345, 5000ms, http2) are decided
 * here without a regular expression.
 */
/**
 * Fast path for runs of digits and single dots (decimals, versions, IPv4): what
 * PLACEHOLDER_RE would give, or '' to let it decide (odd shapes like 1..2 or .5).
 */
function dottedNumber(run: string): string {
  let groups = 1;
  let groupLength = 0;
  let longest = 0;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c === 46) {
      if (groupLength === 0) return '';
      groups++;
      groupLength = 0;
    } else if (c >= 48 && c <= 57) {
      groupLength++;
      if (groupLength > longest) longest = groupLength;
    } else {
      return '';
    }
  }
  if (groupLength === 0) return '';
  return groups === 4 && longest <= 3 ? '<ip>' : '<n>';
}

function replacePlaceholders(s: string): string {
  const n = s.length;
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < n) {
    const c0 = s.charCodeAt(i);
    if (c0 >= 128 || RUN_CLASS[c0] === 0) {
      i++;
      continue;
    }
    const start = i;
    let flags = 0;
    let colons = 0;
    let firstDigit = -1;
    let lastDigit = -1;
    let firstLetter = -1;
    let lastLetter = -1;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      const k = c < 128 ? (RUN_CLASS[c] ?? 0) : 0;
      if (k === 0) break;
      flags |= k;
      if (k === C_DIGIT) {
        if (firstDigit < 0) firstDigit = i;
        lastDigit = i;
      } else if (k === C_LETTER) {
        if (firstLetter < 0) firstLetter = i;
        lastLetter = i;
      } else if (k === C_COLON) colons++;
    }
    if ((flags & (C_DIGIT | C_AT)) === 0 && colons < 2) continue;
    const run = s.slice(start, i);
    let replacement: string;
    if (flags === C_DIGIT) {
      replacement = '<n>';
    } else if (flags === (C_DIGIT | C_LETTER) && run.length < 8 && lastDigit < firstLetter) {
      replacement = `<n>${s.slice(firstLetter, i)}`; // 5000ms, 3rd, 5xx
    } else if (flags === (C_DIGIT | C_LETTER) && run.length < 8 && lastLetter < firstDigit) {
      continue; // http2, v1, ipv4: digits glued after letters stay
    } else {
      replacement = (flags === (C_DIGIT | C_PUNCT) && dottedNumber(run)) || run.replace(PLACEHOLDER_RE, placeholderFor);
    }
    if (replacement !== run) {
      out += s.slice(copied, start) + replacement;
      copied = i;
    }
  }
  return copied === 0 ? s : out + s.slice(copied);
}

/** Quoted literals over 20 characters; message fields (msg=, "message":) keep their text. */
const DQUOTED_RE =
  /(?<!\\|(?<![A-Za-z0-9_])(?:msg|message|error|err|reason|event|log)"?\s*[:=]\s*)"(?:[^"\\\n]|\\.){21,}"/g;
// (an escaped quote never opens a literal, which keeps a line of \"\"\"... linear)
const SQUOTED_RE = /(?<![A-Za-z0-9_'])'[^'\n]{21,}'(?![A-Za-z0-9_'])/g;
/** Whitespace that is not a single space: runs, tabs, newlines. */
const WHITESPACE_RE = /\s{2,}|[^\S ]/g;

const DIGITS_RE = /\d/g;

function countMatches(s: string, re: RegExp): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s)) n++;
  return n;
}

/** Keys of a JSON log line that never belong in a signature. */
const MESSAGE_KEYS = ['msg', 'message', 'event', 'log'] as const;
const ERROR_KEYS = ['err', 'error', 'exception', 'exc'] as const;
const NOISE_KEYS = new Set([
  'time', 'ts', 'timestamp', '@timestamp', 'datetime', 'date', 't',
  'level', 'lvl', 'severity', 'loglevel', 'log_level', 'log.level',
  'pid', 'hostname', 'host', 'pod', 'pod_name', 'container', 'node', 'v',
  'trace_id', 'traceid', 'span_id', 'spanid', 'request_id', 'requestid', 'req_id', 'correlation_id',
  'caller', 'stream', 'thread', 'logger',
]);

function describeError(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    const type = typeof o.type === 'string' ? o.type : typeof o.name === 'string' ? o.name : '';
    const message = typeof o.message === 'string' ? o.message : typeof o.msg === 'string' ? o.msg : '';
    if (type || message) return type && message ? `${type}: ${message}` : type || message;
  }
  return undefined;
}

/**
 * A JSON object line reduced to what identifies the event: its message and its
 * error (pino's `err.type: err.message`), or, with neither, its fields without
 * the noisy ones (time, pid, hostname, level, trace ids). Undefined if the line
 * is not a JSON object.
 */
function jsonEventText(s: string): string | undefined {
  if (s.length > MAX_JSON_CHARS || s.charCodeAt(0) !== 123 /* { */) return undefined;
  const t = s.trimEnd();
  if (!t.endsWith('}')) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const o = obj as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of MESSAGE_KEYS) {
    const v = o[k];
    if (typeof v === 'string' && v.trim() !== '') {
      parts.push(v);
      break;
    }
  }
  for (const k of ERROR_KEYS) {
    const v = describeError(o[k]);
    if (v !== undefined && v.trim() !== '') {
      parts.push(v);
      break;
    }
  }
  if (parts.length === 0) {
    for (const [k, v] of Object.entries(o)) {
      if (NOISE_KEYS.has(k.toLowerCase())) continue;
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      parts.push(`${k}=${text === undefined ? '' : text.slice(0, 200)}`);
    }
  }
  // JSON escapes (\u003d ...) may have hidden a secret from the first pass
  return redactSecrets(parts.join(' '));
}

function capSignature(s: string): string {
  if (s.length <= MAX_SIGNATURE_CHARS) return s;
  let end = MAX_SIGNATURE_CHARS;
  const code = s.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--; // do not split a surrogate pair
  return s.slice(0, end).trimEnd();
}

/**
 * normalizeLine for a line that is already redacted (`whole`) and prepared
 * (`prepared`: cut to WORK_CHARS, without ANSI codes and leading timestamps). A
 * JSON line cut short would not parse, so JSON is read from the whole line.
 */
function normalizePrepared(prepared: string, whole: string): string {
  let s = prepared;
  if (s.charCodeAt(0) === 123 /* { */) {
    const json = jsonEventText(whole.length > WORK_CHARS && whole.length <= MAX_JSON_CHARS ? stripPrefixes(stripAnsi(whole)) : s);
    if (json !== undefined) s = prepare(json);
  }
  s = s.replace(GLOG_RE, '');
  s = s.replace(LEADING_UPPER_LEVEL_RE, '').replace(LEADING_MARKED_LEVEL_RE, '');
  if (s.includes('=')) s = s.replace(LOGFMT_LEVEL_RE, '');
  s = replacePlaceholders(s);
  if (s.includes('"')) s = s.replace(DQUOTED_RE, '<str>');
  if (s.includes("'")) s = s.replace(SQUOTED_RE, '<str>');
  s = s.replace(WHITESPACE_RE, ' ').trim();
  return capSignature(s);
}

/**
 * A line's signature: secrets redacted, leading timestamp and level token
 * removed, then timestamps -> <ts>, UUIDs -> <uuid>, emails -> <email>, IPv4/IPv6
 * (with port) -> <ip>, 0x... and 8+ hex characters mixing digits and letters ->
 * <hex>, long alphanumeric ids -> <id>, quoted literals over 20 characters ->
 * <str>, numbers -> <n> (a unit stays: 5000ms -> <n>ms); whitespace collapsed,
 * at most 200 characters. A JSON line is reduced to its message and error first.
 */
export function normalizeLine(line: string): string {
  const redacted = redactSecrets(line);
  return normalizePrepared(prepare(redacted), redacted);
}

// ---------------------------------------------------------------- analysis

function clampCount(value: number | undefined, fallback: number): number {
  if (value === undefined || Number.isNaN(value)) return fallback;
  if (value === Infinity) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, Math.floor(value));
}

/** Truncates to at most max characters, ending with an ellipsis when cut; never splits a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

interface LineFacts {
  level: LogLevel;
  signature: string;
  redacted: string;
  /** the redacted line, bounded; computed when first needed */
  example?: string;
}

interface Group {
  signature: string;
  level: LogLevel;
  baseline_count: number;
  canary_count: number;
  baselineExample?: string;
  canaryExample?: string;
}

const CACHEABLE_LINE_CHARS = 2000;
const MAX_CACHE_ENTRIES = 10_000;

function tier(s: LogSignature): number {
  if (s.is_new && s.level === 'error') return 0;
  if (s.level === 'error' || s.level === 'warn') return 1;
  return 2;
}

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, other: 3 };

function compareSignatures(a: LogSignature, b: LogSignature): number {
  return (
    tier(a) - tier(b) ||
    b.canary_count - a.canary_count ||
    LEVEL_RANK[a.level] - LEVEL_RANK[b.level] ||
    b.baseline_count - a.baseline_count ||
    (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0)
  );
}

/**
 * Compares the baseline and canary windows line by line: counts lines and
 * error lines per window, groups lines by (level, signature), and marks a
 * signature new when it occurs in the canary and never in the baseline.
 * Ordered: new error signatures, then other error and warn signatures, then the
 * rest, each by canary count (descending); at most maxSignatures are kept.
 */
export function analyzeLogs(baseline: readonly string[], canary: readonly string[], options: AnalyzeLogsOptions = {}): LogAnalysis {
  const maxSignatures = clampCount(options.maxSignatures, DEFAULT_MAX_SIGNATURES);
  const maxExampleChars = clampCount(options.maxExampleChars, DEFAULT_MAX_EXAMPLE_CHARS);
  const maxLines = clampCount(options.maxLines, DEFAULT_MAX_LINES);

  const cache = new Map<string, LineFacts>();
  // one map per level, keyed by signature
  const groups = new Map<LogLevel, Map<string, Group>>();

  // Repeated lines are normalised once; when lines turn out to be unique the
  // cache only costs hashing, so it is given up after a while.
  let lookups = 0;
  let hits = 0;
  const factsOf = (line: string): LineFacts => {
    const cacheable = line.length <= CACHEABLE_LINE_CHARS && (lookups < 1000 || hits * 10 >= lookups);
    if (cacheable) {
      lookups++;
      const hit = cache.get(line);
      if (hit) {
        hits++;
        return hit;
      }
    }
    const redacted = redactSecrets(line);
    const prepared = prepare(line);
    const facts: LineFacts = {
      level: levelOfStripped(prepared),
      signature: normalizePrepared(redacted === line ? prepared : prepare(redacted), redacted),
      redacted,
    };
    if (cacheable && cache.size < MAX_CACHE_ENTRIES) cache.set(line, facts);
    return facts;
  };

  const exampleOf = (facts: LineFacts): string =>
    (facts.example ??= truncateText(stripAnsi(facts.redacted), maxExampleChars));

  const scan = (lines: readonly string[], window: 'baseline' | 'canary'): number => {
    let errors = 0;
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i];
      const line = typeof raw === 'string' ? raw : String(raw);
      if (i >= maxLines) {
        // counted, not analysed: the level alone keeps the error rate honest
        if (lineLevel(line) === 'error') errors++;
        continue;
      }
      const facts = factsOf(line);
      if (facts.level === 'error') errors++;
      if (facts.signature === '') continue;
      let byLevel = groups.get(facts.level);
      if (!byLevel) {
        byLevel = new Map();
        groups.set(facts.level, byLevel);
      }
      let group = byLevel.get(facts.signature);
      if (!group) {
        group = { signature: facts.signature, level: facts.level, baseline_count: 0, canary_count: 0 };
        byLevel.set(facts.signature, group);
      }
      if (window === 'baseline') {
        group.baseline_count++;
        group.baselineExample ??= exampleOf(facts);
      } else {
        group.canary_count++;
        group.canaryExample ??= exampleOf(facts);
      }
    }
    return errors;
  };

  const baselineErrors = scan(baseline, 'baseline');
  const canaryErrors = scan(canary, 'canary');

  const all: LogSignature[] = [];
  for (const g of [...groups.values()].flatMap((m) => [...m.values()])) {
    all.push({
      signature: g.signature,
      level: g.level,
      baseline_count: g.baseline_count,
      canary_count: g.canary_count,
      example: g.canaryExample ?? g.baselineExample ?? '',
      is_new: g.canary_count > 0 && g.baseline_count === 0,
    });
  }
  all.sort(compareSignatures);
  const kept = all.slice(0, maxSignatures);

  return {
    baseline_lines: baseline.length,
    canary_lines: canary.length,
    baseline_error_lines: baselineErrors,
    canary_error_lines: canaryErrors,
    signatures: kept,
    signatures_dropped: all.length - kept.length,
  };
}
