// The real Loki client code (axios) against a loopback Loki double speaking query_range.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLokiSource, LogSourceError } from '../../src/collect/log-sources.js';
import { splitLogWindows } from '../../src/collect/log-window.js';
import { startLokiDouble, type LokiDouble } from '../support/loki-double.js';

const deployment = { deployment_id: 'd-1', service: 'user-service', namespace: 'prod', version: 'v2' };
const deployedAt = new Date('2026-11-23T10:00:00Z');
const from = new Date('2026-11-23T09:30:00Z');
const to = new Date('2026-11-23T10:10:00Z');

describe('Loki log source against a loopback Loki double', () => {
  let loki: LokiDouble | undefined;
  beforeAll(async () => {
    const labels = { namespace: 'prod', app: 'user-service', pod: 'a' };
    loki = await startLokiDouble([
      { labels, at: Date.parse('2026-11-23T09:40:00Z'), line: 'INFO served request id=1' },
      { labels: { ...labels, pod: 'b' }, at: Date.parse('2026-11-23T10:02:00Z'), line: 'ERROR db timeout after 5000ms' },
      { labels, at: Date.parse('2026-11-23T10:01:00Z'), line: 'INFO password=hunter2 login ok' },
      { labels: { namespace: 'prod', app: 'other' }, at: Date.parse('2026-11-23T10:03:00Z'), line: 'ERROR not ours' },
      { labels, at: Date.parse('2026-11-23T08:00:00Z'), line: 'INFO too old' },
    ]);
  });
  afterAll(() => loki?.close());

  it('fetches the service stream in time order, and splits it into baseline and canary', async () => {
    const source = createLokiSource(loki!.url, { timeoutMs: 2000 });
    const lines = await source.fetch(deployment, from, to);
    expect(lines).toEqual([
      '2026-11-23T09:40:00.000Z INFO served request id=1',
      '2026-11-23T10:01:00.000Z INFO password=hunter2 login ok',
      '2026-11-23T10:02:00.000Z ERROR db timeout after 5000ms',
    ]);
    expect(loki!.queries.at(-1)!.get('query')).toBe('{namespace="prod", app="user-service"}');
    expect(loki!.queries.at(-1)!.get('start')).toBe(`${BigInt(from.getTime()) * 1_000_000n}`);
    const w = splitLogWindows(lines, deployedAt, from);
    expect(w.baseline).toHaveLength(1);
    expect(w.canary).toHaveLength(2);
    expect(w.canary.join('\n')).not.toContain('hunter2');
  });

  it('a rejected query and an unreachable Loki are distinct, clear errors', async () => {
    const bad = createLokiSource(loki!.url, { timeoutMs: 2000, selector: 'not a selector' });
    await expect(bad.fetch(deployment, from, to)).rejects.toThrow(/rejected the query not a selector: HTTP 400/);
    const down = createLokiSource('http://127.0.0.1:9', { timeoutMs: 2000 });
    await expect(down.fetch(deployment, from, to)).rejects.toThrow(LogSourceError);
    await expect(down.fetch(deployment, from, to)).rejects.toThrow(/unreachable .*LOKI_URL/);
  });
});
