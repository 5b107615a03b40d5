import { describe, expect, it } from 'vitest';
import { lineTime, splitLogWindows } from '../../src/collect/log-window.js';

const deployedAt = new Date('2026-11-23T10:00:00Z');
const baselineStart = new Date('2026-11-23T09:30:00Z');

describe('splitLogWindows', () => {
  it('splits by the deploy time, drops lines older than the baseline window, keeps stack traces with their line', () => {
    const w = splitLogWindows(
      [
        '2026-11-23T09:00:00Z INFO too old',
        '2026-11-23T09:45:00.123Z INFO before',
        '2026-11-23T10:00:00Z ERROR boom',
        '    at handler (server.js:10)',
        '',
        '2026-11-23T10:05:00+00:00 INFO after',
      ],
      deployedAt,
      baselineStart,
    );
    expect(w.baseline).toEqual(['2026-11-23T09:45:00.123Z INFO before']);
    expect(w.canary).toEqual(['2026-11-23T10:00:00Z ERROR boom', '    at handler (server.js:10)', '2026-11-23T10:05:00+00:00 INFO after']);
  });

  it('keeps the most recent lines within the bounds and counts what it dropped', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `2026-11-23T10:0${i}:00Z INFO line ${i} ${'x'.repeat(50)}`);
    const w = splitLogWindows(lines, deployedAt, baselineStart, { maxLines: 3, maxLineChars: 30 });
    expect(w.canary).toHaveLength(3);
    expect(w.canary[2]).toMatch(/^2026-11-23T10:09:00Z INFO line/);
    expect(w.canary[0]!.length).toBe(31);
    expect(w.dropped).toEqual({ baseline: 0, canary: 7 });
  });

  it('redacts secrets before a line is kept', () => {
    const w = splitLogWindows(['2026-11-23T10:01:00Z INFO calling with Authorization: Bearer abc.def.ghi'], deployedAt, baselineStart);
    expect(w.canary[0]).not.toContain('abc.def.ghi');
    expect(w.canary[0]).toContain('[redacted]');
  });

  it('reads kubectl --prefix and plain timestamps, and returns null without one', () => {
    expect(lineTime('[pod/web-1/app] 2026-11-23T10:01:00Z hello')).toBe(Date.parse('2026-11-23T10:01:00Z'));
    expect(lineTime('no time here')).toBeNull();
  });
});
