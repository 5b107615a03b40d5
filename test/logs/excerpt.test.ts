import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logExcerpt } from '../../src/logs/excerpt.js';
import { analyzeLogs } from '../../src/logs/signatures.js';
import type { LogAnalysis, LogSignature } from '../../src/logs/types.js';

const sig = (over: Partial<LogSignature> = {}): LogSignature => ({
  signature: 'db timeout after <n>ms query=<str>',
  level: 'error',
  baseline_count: 0,
  canary_count: 37,
  example: '2024-11-23T10:00:00Z ERROR db timeout after 5000ms query="SELECT * FROM orders"',
  is_new: true,
  ...over,
});

const analysis = (signatures: LogSignature[], dropped = 0): LogAnalysis => ({
  baseline_lines: 1200,
  canary_lines: 1180,
  baseline_error_lines: 3,
  canary_error_lines: 45,
  signatures,
  signatures_dropped: dropped,
});

describe('logExcerpt', () => {
  it('counts per window, then one line per signature with its example', () => {
    const text = logExcerpt(
      analysis([sig(), sig({ signature: 'slow query took <n>ms', level: 'warn', is_new: false, canary_count: 12, baseline_count: 10, example: 'WARN slow query took 900ms' })]),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('log lines: baseline 1200 (3 error), canary 1180 (45 error); 2 signatures');
    expect(lines[1]).toBe('[NEW error x37 (baseline 0)] db timeout after <n>ms query=<str>');
    expect(lines[2]).toBe('  e.g. 2024-11-23T10:00:00Z ERROR db timeout after 5000ms query="SELECT * FROM orders"');
    expect(lines[3]).toBe('[warn x12 (baseline 10)] slow query took <n>ms');
    expect(lines[4]).toBe('  e.g. WARN slow query took 900ms');
    expect(lines).toHaveLength(5);
  });

  it('never exceeds maxChars, and says how many signatures were omitted', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      sig({ signature: `failure number ${i} ${'x'.repeat(150)}`, example: `ERROR failure number ${i} ${'y'.repeat(400)}`, canary_count: 60 - i }),
    );
    const text = logExcerpt(analysis(many, 25), 2000);
    expect(text.length).toBeLessThanOrEqual(2000);
    const shown = text.split('\n').filter((l) => l.startsWith('[')).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(60);
    expect(text.endsWith(`... ${60 - shown + 25} more signatures omitted`)).toBe(true);
    // order is kept: the first signatures are the ones shown
    expect(text).toContain('failure number 0 ');
  });

  it('property: the bound holds for any maxChars and any analysis', () => {
    const sigArb = fc.record({
      signature: fc.string({ maxLength: 300 }),
      level: fc.constantFrom('error', 'warn', 'info', 'other') as fc.Arbitrary<LogSignature['level']>,
      baseline_count: fc.nat(),
      canary_count: fc.nat(),
      example: fc.string({ maxLength: 400 }),
      is_new: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(sigArb, { maxLength: 30 }), fc.nat({ max: 100 }), fc.integer({ min: 0, max: 3000 }), (sigs, dropped, max) => {
        const text = logExcerpt(analysis(sigs, dropped), max);
        expect(text.length).toBeLessThanOrEqual(max);
        // with room for the header and the note, what is left out is always said
        const shown = text.split('\n').filter((l) => /^\[(NEW )?(error|warn|info|other) x\d+ \(baseline \d+\)\]/.test(l)).length;
        const omitted = sigs.length + dropped - shown;
        if (max >= 200 && omitted > 0) expect(text.endsWith(`... ${omitted} more signature${omitted === 1 ? '' : 's'} omitted`)).toBe(true);
        if (omitted === 0) expect(text).not.toContain('omitted');
      }),
      { numRuns: 300 },
    );
  });

  it('a tiny bound still returns a bounded header', () => {
    expect(logExcerpt(analysis([sig()]), 10).length).toBeLessThanOrEqual(10);
    expect(logExcerpt(analysis([sig()]), 0)).toBe('');
  });

  it('redacts again and keeps one signature per line', () => {
    const text = logExcerpt(
      analysis([sig({ signature: 'login failed password=hunter2', example: 'ERROR login\nfailed\u001b[31m password=hunter2\r\nnext' })]),
    );
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\r');
    expect(text.split('\n')).toHaveLength(3);
  });

  it('works end to end from analyzeLogs', () => {
    const a = analyzeLogs(
      ['INFO request 1 ok', 'INFO request 2 ok'],
      ['INFO request 3 ok', 'ERROR db timeout after 5000ms', 'ERROR db timeout after 5001ms', 'ERROR auth failed token=abc123'],
    );
    const text = logExcerpt(a, 500);
    expect(text.split('\n')[1]).toBe('[NEW error x2 (baseline 0)] db timeout after <n>ms');
    expect(text).toContain('[info x1 (baseline 2)] request <n> ok');
    expect(text).not.toContain('abc123');
    expect(text.length).toBeLessThanOrEqual(500);
  });
});
