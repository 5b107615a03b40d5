import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets, redactValue } from '../../src/logs/redact.js';

describe('redactSecrets: keyed secrets keep their key', () => {
  const cases: Array<[string, string]> = [
    ['Authorization: Bearer abc.def-123', 'Authorization: Bearer [redacted]'],
    ['authorization=Basic dXNlcjpwYXNz', 'authorization=Basic [redacted]'],
    ['"Authorization": "Bearer abc123xyz"', '"Authorization": "Bearer [redacted]"'],
    ['Proxy-Authorization: Basic Zm9vOmJhcg==', 'Proxy-Authorization: Basic [redacted]'],
    ['login password=hunter2 user=bob', 'login password=[redacted] user=bob'],
    ['passwd=hunter2', 'passwd=[redacted]'],
    ['pwd=hunter2', 'pwd=[redacted]'],
    ['DB_PASSWORD=hunter2 DB_PASS=hunter3', 'DB_PASSWORD=[redacted] DB_PASS=[redacted]'],
    ['secret=s3cr3t', 'secret=[redacted]'],
    ['client_secret: abcdef', 'client_secret: [redacted]'],
    ['GET /cb?token=abc123&state=ok', 'GET /cb?token=[redacted]&state=ok'],
    ['access_token=ya29.abc refresh_token=1//xyz', 'access_token=[redacted] refresh_token=[redacted]'],
    ['api_key=k1 apikey=k2 api-key=k3', 'api_key=[redacted] apikey=[redacted] api-key=[redacted]'],
    ['X-Api-Key: abcdef', 'X-Api-Key: [redacted]'],
    ['aws_secret_access_key=wJalrXUtnFEMI', 'aws_secret_access_key=[redacted]'],
    ['{"password":"p@ss\\"word","user":"bob"}', '{"password":"[redacted]","user":"bob"}'],
    ['{"api_key": "abc def"}', '{"api_key": "[redacted]"}'],
    ['{\\"password\\":\\"hunter2\\",\\"u\\":1}', '{\\"password\\":\\"[redacted]\\",\\"u\\":1}'],
    ["{'password': 'hunter2'}", "{'password': '[redacted]'}"],
    ['User{name=bob, password=hunter2}', 'User{name=bob, password=[redacted]}'],
    ['password=hunter2, retrying', 'password=[redacted], retrying'],
    ['exec app --password hunter2 --verbose', 'exec app --password [redacted] --verbose'],
  ];
  it.each(cases)('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});

describe('redactSecrets: URL credentials', () => {
  it('keeps the user and the host, removes the password', () => {
    expect(redactSecrets('connecting to https://user:pass@host.example/x')).toBe(
      'connecting to https://user:[redacted]@host.example/x',
    );
    expect(redactSecrets('postgres://app:s3cr3t@db:5432/orders')).toBe('postgres://app:[redacted]@db:5432/orders');
  });
  it('a password containing @ is removed whole', () => {
    expect(redactSecrets('redis://:p@ss@cache:6379')).toBe('redis://:[redacted]@cache:6379');
  });
  it('leaves a URL without credentials alone', () => {
    expect(redactSecrets('GET http://host:8080/path?x=1')).toBe('GET http://host:8080/path?x=1');
  });
});

describe('redactSecrets: bare well-known token shapes', () => {
  const tokens: Array<[string, string]> = [
    ['OpenAI', `sk-${'proj-Ab3dEfGh1jKlMn0pQrStUvWx'}`],
    ['OpenAI legacy', `sk-${'1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJ'}`],
    ['GitHub classic', `ghp_${'1234567890abcdefghijklmnopqrstuvwxyz'}`],
    ['GitHub OAuth', 'gho_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['GitHub fine-grained', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
    ['Slack bot', `xoxb-${'123456789012-1234567890123-abcdefghijkl'}`],
    ['Slack user', `xoxp-${'123456789012-abcdefghij'}`],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['JWT', 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
  ];
  it.each(tokens)('%s', (_name, token) => {
    const out = redactSecrets(`calling upstream with ${token} now`);
    expect(out).toBe('calling upstream with [redacted] now');
    expect(out).not.toContain(token);
  });

  it('PEM private key blocks, whole or cut short', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabcDEF==\n-----END RSA PRIVATE KEY-----';
    const out = redactSecrets(`key loaded: ${pem} done`);
    expect(out).toBe('key loaded: -----BEGIN RSA PRIVATE KEY-----[redacted]-----END RSA PRIVATE KEY----- done');
    const cut = redactSecrets('-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAA');
    expect(cut).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    expect(cut).toContain(REDACTED);
  });

  it('a bare Bearer token outside a header', () => {
    expect(redactSecrets('sent Bearer abcdef0123456789 upstream')).toBe('sent Bearer [redacted] upstream');
  });
});

describe('redactSecrets: ordinary text survives', () => {
  const ordinary = [
    'INFO batch done error_count=0',
    'tokenizer loaded in 120ms',
    'INFO errors=0 retries=0 max_tokens=100 token_count=5 tokens=12',
    'created secretName=db-creds in namespace default',
    'bearer token expired for user 42',
    'GET https://example.com/api/v1/orders?page=2 200',
    'sk-learn model loaded',
    'the service-deployment-sk-payments rolled out',
    'monkey=3 turkey=4',
    'password reset email sent to user 12',
    '',
  ];
  it.each(ordinary)('%j is unchanged', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it('is idempotent', () => {
    for (const line of ['token=abc', 'Authorization: Bearer x1y2z3', 'https://u:p@h', '{"password":"x"}', `ghp_${'1234567890abcdefghijklmnop'}`]) {
      const once = redactSecrets(line);
      expect(redactSecrets(once)).toBe(once);
    }
  });

  it('a 100k-character adversarial line is handled (linear patterns)', () => {
    for (const line of ['a'.repeat(100_000), 'password='.repeat(11_000), 'https://a:'.repeat(10_000), 'Bearer '.repeat(14_000)]) {
      const started = performance.now();
      redactSecrets(line);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});

// a token-like secret: URL-safe base64 plus the punctuation tokens carry
const secretArb = fc
  .string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/=-'.split('')), minLength: 8, maxLength: 64 })
  // a secret that is itself part of the surrounding text or of the marker cannot be told apart
  .filter((s) => !'[redacted]'.includes(s));
const textArb = fc.string({ unit: fc.constantFrom(...'abc XYZ 012 =:,.;{}"\''.split('')), maxLength: 30 });

describe('redactSecrets: property', () => {
  it('a secret given as token=<secret> or Authorization: Bearer <secret> never survives', () => {
    fc.assert(
      fc.property(secretArb, textArb, textArb, fc.constantFrom('token=', 'Authorization: Bearer ', 'password: ', '"api_key":"'), (secret, before, after, key) => {
        const line = `${before} ${key}${secret} ${after}`;
        const out = redactSecrets(line);
        expect(out).not.toContain(secret);
        // and no part of it either: the key is followed by the marker, then at
        // most one sentence-ending dot, then what followed the secret
        const prefix = `${before} ${key}${REDACTED}`;
        expect(out.startsWith(prefix)).toBe(true);
        expect(out.slice(prefix.length)).toMatch(/^\.?(?: |"|$)/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('redactValue', () => {
  it('removes the exact secret, its trimmed, URL-encoded and JSON-escaped forms', () => {
    const secret = 'k3y/with+chars"and\\ ';
    const scrub = redactValue(`${secret}\n`);
    const text = `a ${secret} b ${encodeURIComponent(secret.trim())} c ${JSON.stringify(secret).slice(1, -1)} d`;
    const out = scrub(text);
    expect(out).not.toContain(secret.trim());
    expect(out).not.toContain(encodeURIComponent(secret.trim()));
    expect(out.startsWith('a [redacted]')).toBe(true);
  });

  it('an empty secret leaves text alone', () => {
    expect(redactValue('')('hello world')).toBe('hello world');
    expect(redactValue('   ')('hello world')).toBe('hello world');
  });

  it('a secret that occurs inside the marker is still removed', () => {
    const out = redactValue('act')('x act y [redacted]');
    expect(out).not.toContain('act');
  });

  it('property: the output never contains the secret, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'ab[]redact*#<>'.split('')), minLength: 1, maxLength: 6 }),
        fc.array(fc.string({ unit: fc.constantFrom(...'ab[]redact*#<> '.split('')), maxLength: 8 }), { maxLength: 8 }),
        (secret, pieces) => {
          const text = pieces.join(secret);
          const out = redactValue(secret)(text);
          if (secret.trim() !== '') expect(out).not.toContain(secret.trim());
        },
      ),
      { numRuns: 1000 },
    );
  });
});
