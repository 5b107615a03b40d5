// Secret redaction for log text: every value that looks like a credential is
// replaced by REDACTED while the key stays, so a line remains readable
// ("Authorization: Bearer [redacted]", "password=[redacted]").
//
// Pure and IO-free. Every pattern is compiled once at module load and is linear
// in the length of its input: no nested quantifiers over overlapping classes,
// and patterns that scan a run of characters are anchored with a look-behind so
// they only start at the beginning of that run.

export const REDACTED = '[redacted]';

/**
 * Cheap pre-filter: a line without any of these substrings cannot match any
 * pattern below, so most log lines skip the full set of replacements.
 */
const MAYBE_SECRET =
  /[Pp](?:[Aa][Ss][Ss]|[Ww][Dd])|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Kk][Ee][Yy]|[Aa][Uu][Tt][Hh]|[Bb][Ee][Aa][Rr][Ee][Rr]|sk[-_]|gh[pousr]_|github_pat_|xox|AKIA|ASIA|eyJ|AIza|:\/\/|PRIVATE/;
// (spelled with character classes rather than the i flag: V8 scans it about twice as fast)

/** PEM private key blocks (RSA, EC, OPENSSH, ENCRYPTED, PGP ... BLOCK); a block cut short is redacted to the end. */
const PEM_RE =
  /-----BEGIN ([A-Z0-9 ]{0,40}?)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]{0,40}?PRIVATE KEY(?: BLOCK)?-----|$)/g;

/** scheme://user:password@host -> scheme://user:[redacted]@host (the password runs to the last @ of the authority). */
const URL_CREDENTIALS_RE = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/)([^\s:/@"'<>]*):([^\s/?#"'<>]+)@/g;

/** Authorization / Proxy-Authorization headers in header, logfmt, JSON and escaped-JSON forms; the scheme is kept. */
const AUTH_HEADER_RE =
  /(?<![A-Za-z0-9_-])((?:proxy-)?authorization)(\\?["']?\s{0,3}[:=]\s{0,3})(\\?["'])?(?:(bearer|basic|digest|token|negotiate|ntlm|apikey|aws4-hmac-sha256)(\s+))?([^\s"'\\]+)/gi;

/**
 * Key names whose value is a secret. A key may carry up to four prefixes
 * (`db_password`, `X-Api-Key`, `aws_secret_access_key`, `OPENAI_API_KEY`) but must
 * end with the secret word, so `token_count`, `tokens`, `secretName` and
 * `tokenizer` are left alone. `pass` alone is too common a word; it counts only
 * with a prefix (`db_pass`).
 */
const SECRET_KEY =
  '(?:[A-Za-z0-9]{1,40}[_.-]){0,4}(?:password|passwd|pwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key)|(?:[A-Za-z0-9]{1,40}[_.-]){1,4}pass';

/**
 * key <sep> value, where sep is `=` or `:` (with optional spaces and the key's
 * closing quote) and the value is an escaped-JSON string, a double- or
 * single-quoted string, or a bare run up to whitespace, a quote or `&`.
 */
const KEY_VALUE_RE = new RegExp(
  `(?<![A-Za-z0-9_.-])(${SECRET_KEY})(\\\\?["']?\\s{0,3}[:=]\\s{0,3})` +
    `(?:\\\\"((?:[^"\\\\]|\\\\[^"])*)(\\\\")?` + // \"escaped json\"
    `|"((?:[^"\\\\]|\\\\.)*)("?)` + // "quoted"
    `|'([^'\\n]*)('?)` + // 'quoted'
    `|([^\\s"'&]+))`, // bare
  'gi',
);

/** Command-line flags: `--password hunter2`, `--api-key abc`. */
const CLI_FLAG_RE = new RegExp(`(?<![A-Za-z0-9_-])(--?(?:${SECRET_KEY}))(\\s+)(?!-)([^\\s"']+)`, 'gi');

/** A bare `Bearer <token>` outside an Authorization header. */
const BEARER_RE = /(?<![A-Za-z0-9_-])(bearer)(\s+)([A-Za-z0-9._~+/-]+=*)/gi;

/** Well-known token shapes, wherever they appear. */
const TOKEN_SHAPES: readonly { re: RegExp; accept?: (m: string) => boolean }[] = [
  // OpenAI / Together / Anthropic / Stripe style: sk-..., sk-proj-..., sk_live_...
  { re: /(?<![A-Za-z0-9_-])sk[-_][A-Za-z0-9_-]{16,}/g, accept: (m) => /\d/.test(m) },
  // GitHub personal, OAuth, user-to-server, server-to-server and refresh tokens
  { re: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g },
  // Slack
  { re: /(?<![A-Za-z0-9_-])xox[abprse]-[A-Za-z0-9-]{10,}/g },
  // AWS access key ids
  { re: /(?<![A-Z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])/g },
  // Google API keys
  { re: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}/g },
  // JWTs: header.payload.signature, header and payload being base64url JSON
  { re: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g },
];

/** One trailing punctuation character that belongs to the sentence, not the secret. */
const TRAILING_PUNCT = /[,;.)\]}>]$/;

function redactBare(value: string): string {
  if (value.startsWith(REDACTED)) return value;
  if (value.length > 1 && TRAILING_PUNCT.test(value)) return REDACTED + value.slice(-1);
  return REDACTED;
}

function replaceKeyValue(
  match: string,
  key: string,
  sep: string,
  escaped: string | undefined,
  escapedClose: string | undefined,
  dquoted: string | undefined,
  dquoteClose: string | undefined,
  squoted: string | undefined,
  squoteClose: string | undefined,
  bare: string | undefined,
): string {
  if (escaped !== undefined) return escaped.length === 0 ? match : `${key}${sep}\\"${REDACTED}${escapedClose ?? ''}`;
  if (dquoted !== undefined) return dquoted.length === 0 ? match : `${key}${sep}"${REDACTED}${dquoteClose ?? ''}`;
  if (squoted !== undefined) return squoted.length === 0 ? match : `${key}${sep}'${REDACTED}${squoteClose ?? ''}`;
  if (bare !== undefined) return `${key}${sep}${redactBare(bare)}`;
  return match;
}

/**
 * Replaces secret values in free text with `[redacted]`, keeping keys, header
 * names and auth schemes. Idempotent; ordinary text (`error_count=0`,
 * `tokenizer loaded`) is left unchanged.
 */
export function redactSecrets(text: string): string {
  if (text.length === 0 || !MAYBE_SECRET.test(text)) return text;
  let out = text;
  if (out.includes('PRIVATE KEY')) {
    out = out.replace(PEM_RE, (_m, kind: string, block: string | undefined) => {
      const label = `${kind}PRIVATE KEY${block ?? ''}`;
      return `-----BEGIN ${label}-----${REDACTED}-----END ${label}-----`;
    });
  }
  if (out.includes('://')) {
    out = out.replace(URL_CREDENTIALS_RE, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`);
  }
  out = out.replace(
    AUTH_HEADER_RE,
    (
      m: string,
      key: string,
      sep: string,
      quote: string | undefined,
      scheme: string | undefined,
      space: string | undefined,
      value: string,
    ) => {
      if (value.startsWith(REDACTED)) return m;
      return `${key}${sep}${quote ?? ''}${scheme !== undefined ? scheme + (space ?? ' ') : ''}${redactBare(value)}`;
    },
  );
  out = out.replace(KEY_VALUE_RE, replaceKeyValue);
  out = out.replace(CLI_FLAG_RE, (_m, flag: string, space: string, value: string) => `${flag}${space}${redactBare(value)}`);
  out = out.replace(BEARER_RE, (m: string, word: string, space: string, value: string) => {
    if (value.startsWith(REDACTED)) return m;
    // a real bearer token is long and random; "bearer token expired" is prose
    if (value.length < 8 || (value.length < 20 && !/\d/.test(value))) return m;
    return `${word}${space}${REDACTED}`;
  });
  for (const { re, accept } of TOKEN_SHAPES) {
    out = out.replace(re, (m: string) => (accept === undefined || accept(m) ? REDACTED : m));
  }
  return out;
}

/** True when `marker` placed next to (or instead of) text could spell `secret` again. */
function markerUnsafe(marker: string, secret: string): boolean {
  if (marker.includes(secret) || secret.includes(marker)) return true;
  for (let i = 1; i < marker.length; i++) {
    if (secret.startsWith(marker.slice(i)) || secret.endsWith(marker.slice(0, i))) return true;
  }
  return false;
}

/**
 * Given one known secret (an API key from the environment, say), returns a
 * function that removes every occurrence of it from a text: the exact string,
 * its trimmed form, and its URL- and JSON-escaped forms. The result never
 * contains the secret (an empty secret gives the identity function).
 */
export function redactValue(secret: string): (text: string) => string {
  const variants = new Set<string>();
  for (const s of [secret, secret.trim()]) {
    if (s.length === 0) continue;
    variants.add(s);
    variants.add(encodeURIComponent(s));
    variants.add(JSON.stringify(s).slice(1, -1));
  }
  const list = [...variants].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (text: string) => text;
  const marker = [REDACTED, '<redacted>', '***', '#'].find((m) => list.every((v) => !markerUnsafe(m, v))) ?? '';
  return (text: string): string => {
    let out = text;
    for (const v of list) if (out.includes(v)) out = out.split(v).join(marker);
    // With a safe marker one pass suffices; with the empty marker, removal can
    // join two halves into a new occurrence, so repeat (each pass shortens the text).
    for (const v of list) while (out.includes(v)) out = out.split(v).join(marker);
    return out;
  };
}
