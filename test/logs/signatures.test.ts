import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeLogs, lineLevel, normalizeLine } from '../../src/logs/signatures.js';

describe('lineLevel', () => {
  const cases: Array<[string, ReturnType<typeof lineLevel>]> = [
    ['2024-11-23T10:00:00Z ERROR db down', 'error'],
    ['ERR connection reset', 'error'],
    ['FATAL out of disk', 'error'],
    ['[2024-11-23 10:00:00,123] CRITICAL pool exhausted', 'error'],
    ['CRIT x', 'error'],
    ['PANIC y', 'error'],
    ['SEVERE z', 'error'],
    ['EMERG q', 'error'],
    ['ALERT r', 'error'],
    ['npm ERR! code E404', 'error'],
    ['ts=2024-11-23T10:00:00Z level=error msg="db down"', 'error'],
    ['level=fatal msg=x', 'error'],
    ['level=critical msg=x', 'error'],
    ['level=panic msg=x', 'error'],
    ['{"level":"error","msg":"db down"}', 'error'],
    ['{"level":50,"time":1700000000000,"msg":"db down"}', 'error'],
    ['{"level":60,"msg":"bye"}', 'error'],
    ['E1123 10:00:00.123456   12 main.go:42] failed to sync', 'error'],
    ['F1123 10:00:00.123456   12 main.go:42] dying', 'error'],
    ['java.lang.IllegalStateException: boom', 'error'],
    ['Traceback (most recent call last):', 'error'],
    ['panic: runtime error: index out of range', 'error'],
    ['Caused by: java.net.SocketTimeoutException', 'error'],
    ['container app OOMKilled', 'error'],
    ['kernel: app[123]: segfault at 0 ip 00007f', 'error'],
    ['TypeError: cannot read properties of undefined', 'error'],
    ['2024/11/23 10:00:00 [error] 12#0: *1 connect() failed', 'error'],
    ['\u001b[31mERROR\u001b[0m coloured', 'error'],
    ['Nov 23 10:00:00 web-1 app[12]: ERROR upstream', 'error'],
    ['WARN slow query', 'warn'],
    ['WARNING: disk 91% full', 'warn'],
    ['level=warn msg=slow', 'warn'],
    ['{"level":40,"msg":"slow"}', 'warn'],
    ['W1123 10:00:00.123 1 x.go:1] slow', 'warn'],
    ['INFO started', 'info'],
    ['DEBUG cache miss', 'info'],
    ['TRACE enter', 'info'],
    ['NOTICE rotated', 'info'],
    ['{"level":30,"msg":"ok"}', 'info'],
    ['hello world', 'other'],
    ['', 'other'],
  ];
  it.each(cases)('%j -> %s', (line, level) => {
    expect(lineLevel(line)).toBe(level);
  });

  it('harmless mentions of error at INFO/DEBUG level are not errors', () => {
    expect(lineLevel('INFO batch done error_count=0')).toBe('info');
    expect(lineLevel('INFO errors=0 retries=0')).toBe('info');
    expect(lineLevel('DEBUG no error')).toBe('info');
    expect(lineLevel('2024-11-23T10:00:00Z INFO retry policy handles TimeoutException')).toBe('info');
    expect(lineLevel('INFO recovered from panic: none')).toBe('info');
  });

  it('lowercase prose mentioning error, without a level, is not an error', () => {
    expect(lineLevel('batch done error_count=0')).toBe('other');
    expect(lineLevel('no error so far')).toBe('other');
  });

  it("a JSON line's level field wins over words in its message", () => {
    expect(lineLevel('{"level":"info","msg":"upstream said ERROR"}')).toBe('info');
    expect(lineLevel('{"level":30,"msg":"Traceback (most recent call last)"}')).toBe('info');
  });
});

describe('normalizeLine', () => {
  it('strips timestamps (ISO, syslog, epoch, bracketed) and the level token', () => {
    const variants = [
      '2024-11-23T10:00:00.123Z ERROR db timeout',
      '2024-11-23 10:00:00,123 ERROR db timeout',
      'Nov 23 10:00:00 ERROR db timeout',
      '1700000000 ERROR db timeout',
      '1700000000123 ERROR: db timeout',
      '[2024-11-23 10:00:00] [ERROR] db timeout',
      '[23/Nov/2024:10:00:00 +0000] ERROR db timeout',
      '10:00:00.123 ERROR db timeout',
      '2024-11-23T10:00:00.1Z stderr F 2024-11-23 10:00:00 ERROR db timeout',
    ];
    for (const v of variants) expect(normalizeLine(v), v).toBe('db timeout');
  });

  it('replaces ids, addresses and numbers with placeholders', () => {
    expect(normalizeLine('ERROR request 550e8400-e29b-41d4-a716-446655440000 failed')).toBe('request <uuid> failed');
    expect(normalizeLine('ERROR from 10.0.0.12:5432 and 192.168.1.1')).toBe('from <ip> and <ip>');
    expect(normalizeLine('ERROR peer 2001:db8::8a2e:370:7334 and fe80::1 and [::1]:80')).toBe('peer <ip> and <ip> and [<ip>]:<n>');
    expect(normalizeLine('ERROR ptr=0x7ffd1234 trace=4bf92f3577b34da6 word=deadbeef')).toBe('ptr=<hex> trace=<hex> word=deadbeef');
    expect(normalizeLine('ERROR mail to bob.smith+x@example.co.uk bounced')).toBe('mail to <email> bounced');
    expect(normalizeLine('ERROR took 5000ms then 1.5s, used 12KB, 42 rows, 99.9%')).toBe(
      'took <n>ms then <n>s, used <n>KB, <n> rows, <n>%',
    );
    expect(normalizeLine('ERROR query="SELECT * FROM orders WHERE id = 42" short="ok 1"')).toBe('query=<str> short="ok <n>"');
  });

  it('keeps words that merely contain digits or hex letters', () => {
    expect(normalizeLine('INFO http2 upgrade for ipv4 via sha256 decade accede')).toBe('http2 upgrade for ipv4 via sha256 decade accede');
  });

  it('collapses whitespace and caps at 200 characters', () => {
    expect(normalizeLine('ERROR  a \t b\n c')).toBe('a b c');
    expect(normalizeLine(`ERROR ${'word '.repeat(100)}`).length).toBeLessThanOrEqual(200);
  });

  it('redacts secrets before normalising', () => {
    const sig = normalizeLine('ERROR auth failed token=abc123secret Authorization: Bearer zzzTopSecret999');
    expect(sig).not.toContain('abc123secret');
    expect(sig).not.toContain('zzzTopSecret999');
    expect(sig).toContain('[redacted]');
  });

  it('a JSON line is reduced to its message and error, without host, pid or time', () => {
    const a = normalizeLine(
      '{"level":50,"time":1700000000000,"pid":1,"hostname":"web-7d9f8b6c5-x2x9z","msg":"db timeout after 5000ms","err":{"type":"TimeoutError","message":"timed out"}}',
    );
    const b = normalizeLine(
      '{"level":50,"time":1700000099999,"pid":7,"hostname":"web-55c6f9d8b-q7w2k","msg":"db timeout after 30ms","err":{"type":"TimeoutError","message":"timed out"}}',
    );
    expect(a).toBe('db timeout after <n>ms TimeoutError: timed out');
    expect(b).toBe(a);
  });

  it('variants differing only in ids, numbers, addresses and timestamps share one signature', () => {
    const hex = fc.stringMatching(/^[0-9a-f]{12}$/);
    const variant = fc.record({
      ts: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
      uuid: fc.uuid(),
      ip: fc.ipV4(),
      port: fc.integer({ min: 1, max: 65535 }),
      ms: fc.integer({ min: 0, max: 10_000_000 }),
      id: fc.nat(),
      trace: hex.filter((h) => /\d/.test(h) && /[a-f]/.test(h)),
    });
    const render = (v: { ts: Date; uuid: string; ip: string; port: number; ms: number; id: number; trace: string }) =>
      `${v.ts.toISOString()} ERROR order ${v.id} (${v.uuid}) failed calling ${v.ip}:${v.port} after ${v.ms}ms trace=${v.trace}`;
    fc.assert(
      fc.property(variant, variant, (a, b) => {
        expect(normalizeLine(render(a))).toBe(normalizeLine(render(b)));
      }),
      { numRuns: 300 },
    );
    expect(normalizeLine(render({ ts: new Date(0), uuid: '550e8400-e29b-41d4-a716-446655440000', ip: '1.2.3.4', port: 80, ms: 5, id: 7, trace: 'abc123abc123' }))).toBe(
      'order <n> (<uuid>) failed calling <ip> after <n>ms trace=<hex>',
    );
  });

  it('different messages keep different signatures', () => {
    expect(normalizeLine('ERROR db timeout after 5ms')).not.toBe(normalizeLine('ERROR cache timeout after 5ms'));
  });

  it('adversarial long lines complete (no catastrophic backtracking)', () => {
    const lines = [
      'a'.repeat(100_000),
      '0x'.repeat(50_000),
      '"\\'.repeat(50_000),
      '1.'.repeat(50_000),
      'ab:'.repeat(33_000),
      'a@'.repeat(50_000),
      `ERROR ${'1a'.repeat(50_000)}`,
      `{"msg":"${'x'.repeat(100_000)}`,
    ];
    for (const line of lines) {
      const started = performance.now();
      const sig = normalizeLine(line);
      lineLevel(line);
      expect(sig.length).toBeLessThanOrEqual(200);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});

describe('analyzeLogs', () => {
  const baseline = [
    '2024-11-23T10:00:00Z INFO request 1 served in 12ms',
    '2024-11-23T10:00:01Z INFO request 2 served in 15ms',
    '2024-11-23T10:00:02Z WARN slow query took 900ms',
    '2024-11-23T10:00:03Z ERROR cache miss storm for key 17',
    '2024-11-23T10:00:04Z INFO batch done error_count=0',
  ];
  const canary = [
    '2024-11-23T11:00:00Z INFO request 3 served in 11ms',
    '2024-11-23T11:00:01Z ERROR db timeout after 5000ms',
    '2024-11-23T11:00:02Z ERROR db timeout after 5001ms',
    '2024-11-23T11:00:03Z ERROR db timeout after 4999ms',
    '2024-11-23T11:00:04Z ERROR cache miss storm for key 18',
    '2024-11-23T11:00:05Z WARN slow query took 1200ms',
    '2024-11-23T11:00:06Z WARN slow query took 1300ms',
    '2024-11-23T11:00:07Z ERROR payment declined for 550e8400-e29b-41d4-a716-446655440000 token=tok_live_abc123',
    '2024-11-23T11:00:08Z INFO started worker',
  ];

  it('counts lines and error lines per window', () => {
    const a = analyzeLogs(baseline, canary);
    expect(a.baseline_lines).toBe(5);
    expect(a.canary_lines).toBe(9);
    expect(a.baseline_error_lines).toBe(1);
    expect(a.canary_error_lines).toBe(5);
  });

  it('groups by signature, counts per window and marks new signatures', () => {
    const a = analyzeLogs(baseline, canary);
    const by = (sig: string) => a.signatures.find((s) => s.signature === sig);
    expect(by('db timeout after <n>ms')).toMatchObject({ level: 'error', baseline_count: 0, canary_count: 3, is_new: true });
    expect(by('cache miss storm for key <n>')).toMatchObject({ level: 'error', baseline_count: 1, canary_count: 1, is_new: false });
    expect(by('slow query took <n>ms')).toMatchObject({ level: 'warn', baseline_count: 1, canary_count: 2, is_new: false });
    expect(by('request <n> served in <n>ms')).toMatchObject({ level: 'info', baseline_count: 2, canary_count: 1, is_new: false });
    // gone from the canary: listed, not new
    expect(by('batch done error_count=<n>')).toMatchObject({ level: 'info', baseline_count: 1, canary_count: 0, is_new: false });
    expect(a.signatures_dropped).toBe(0);
  });

  it('orders new errors first (by canary count), then other errors and warnings, then the rest', () => {
    const a = analyzeLogs(baseline, canary);
    expect(a.signatures.map((s) => s.signature)).toEqual([
      'db timeout after <n>ms',
      'payment declined for <uuid> token=[redacted]',
      'slow query took <n>ms',
      'cache miss storm for key <n>',
      'request <n> served in <n>ms',
      'started worker',
      'batch done error_count=<n>',
    ]);
  });

  it('a signature seen at another level in the baseline is still new at error level', () => {
    const a = analyzeLogs(['WARN disk full'], ['ERROR disk full']);
    expect(a.signatures.find((s) => s.level === 'error')).toMatchObject({ signature: 'disk full', is_new: true });
  });

  it('examples are redacted and bounded; canary examples are preferred', () => {
    const a = analyzeLogs(baseline, canary, { maxExampleChars: 60 });
    const payment = a.signatures.find((s) => s.signature.startsWith('payment declined'))!;
    expect(payment.example).not.toContain('tok_live_abc123');
    for (const s of a.signatures) expect(s.example.length).toBeLessThanOrEqual(60);
    const cache = a.signatures.find((s) => s.signature.startsWith('cache miss'))!;
    expect(cache.example).toContain('key 18');
    const long = analyzeLogs([], [`ERROR ${'x'.repeat(1000)}`]);
    expect(long.signatures[0]!.example.length).toBe(300);
    expect(long.signatures[0]!.example.endsWith('…')).toBe(true);
  });

  it('bounds the list and reports how many were dropped', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `ERROR failure kind ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`);
    const a = analyzeLogs([], lines, { maxSignatures: 10 });
    expect(a.signatures).toHaveLength(10);
    expect(a.signatures_dropped).toBe(90);
    expect(analyzeLogs([], lines).signatures).toHaveLength(40);
    expect(analyzeLogs([], lines).signatures_dropped).toBe(60);
  });

  it('the bound keeps the most important signatures', () => {
    const base = Array.from({ length: 50 }, (_, i) => `INFO routine event ${String.fromCharCode(65 + (i % 26))}${i >= 26 ? 'x' : ''}`);
    const can = [...base, ...base, 'ERROR brand new failure', 'ERROR brand new failure'];
    const a = analyzeLogs(base, can, { maxSignatures: 1 });
    expect(a.signatures[0]).toMatchObject({ signature: 'brand new failure', is_new: true, canary_count: 2 });
    expect(a.signatures_dropped).toBe(50);
  });

  it('counts lines beyond maxLines but gives them no signature', () => {
    const can = ['INFO a', 'INFO a', 'ERROR late failure', 'ERROR late failure'];
    const a = analyzeLogs([], can, { maxLines: 2 });
    expect(a.canary_lines).toBe(4);
    expect(a.canary_error_lines).toBe(2);
    expect(a.signatures.map((s) => s.signature)).toEqual(['a']);
  });

  it('empty windows', () => {
    expect(analyzeLogs([], [])).toEqual({
      baseline_lines: 0,
      canary_lines: 0,
      baseline_error_lines: 0,
      canary_error_lines: 0,
      signatures: [],
      signatures_dropped: 0,
    });
  });

  it('no secret reaches a signature or an example', () => {
    const key = 'sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3';
    const a = analyzeLogs([], [`ERROR call failed api_key=${key}`, `ERROR upstream rejected ${key}`, `WARN https://svc:hunter2@db/x`]);
    const text = JSON.stringify(a);
    expect(text).not.toContain(key);
    expect(text).not.toContain('hunter2');
  });

  it('20k lines per window are analysed quickly', () => {
    const make = (n: number, offset: number) =>
      Array.from({ length: n }, (_, i) => {
        const k = i + offset;
        if (k % 10 < 7) return `2024-11-23T10:00:${String(k % 60).padStart(2, '0')}.${k}Z INFO request ${k} served in ${k % 500}ms from 10.0.${k % 255}.${k % 200}`;
        if (k % 10 < 9) return `2024-11-23T10:00:00Z WARN slow query id=${(k * 2654435761) >>> 0} took ${k}ms`;
        return `2024-11-23T10:00:00Z ERROR db timeout after ${k}ms query="SELECT * FROM t WHERE id=${k}" user=${k}@example.com`;
      });
    const b = make(20_000, 0);
    const c = make(20_000, 7);
    analyzeLogs(b.slice(0, 2000), c.slice(0, 2000)); // warm up
    const started = performance.now();
    const a = analyzeLogs(b, c);
    const elapsed = performance.now() - started;
    expect(a.baseline_lines).toBe(20_000);
    expect(a.signatures.length).toBeLessThanOrEqual(40);
    expect(a.signatures.find((s) => s.signature.startsWith('db timeout'))).toMatchObject({ is_new: false });
    // loose: the target is well under 100 ms per window; this only catches a blow-up
    expect(elapsed).toBeLessThan(3000);
  });
});

describe('kubectl --prefix pod names', () => {
  it('the same error from an old and a new pod is one signature, not new in the canary', async () => {
    const { analyzeLogs, lineLevel } = await import('../../src/logs/signatures.js');
    const a = analyzeLogs(
      ['2026-11-23T09:50:00Z [pod/payment-service-6f7c9d8b5-abcde/app] ERROR db timeout after 5000ms'],
      ['2026-11-23T10:02:00Z [pod/payment-service-7d8e9f0a1-xyzqw/app] ERROR db timeout after 5000ms'],
    );
    expect(a.signatures).toHaveLength(1);
    expect(a.signatures[0]!.is_new).toBe(false);
    expect(lineLevel('2026-11-23T10:02:00Z [pod/web-1/app] {"level":"error","msg":"boom"}')).toBe('error');
  });
});
