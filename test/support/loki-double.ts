// A Loki double on 127.0.0.1 speaking the real query_range wire format
// (GET /loki/api/v1/query_range, nanosecond timestamps, "streams" results).
// Grafana Loki has no Debian package, so the real client code is tested against this.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LokiEntry {
  labels: Record<string, string>;
  /** epoch milliseconds */
  at: number;
  line: string;
}

export interface LokiDouble {
  url: string;
  queries: URLSearchParams[];
  close(): Promise<void>;
}

/** Matches a `{k="v", k2="v2"}` selector against a stream's labels (equality matchers only). */
function matches(selector: string, labels: Record<string, string>): boolean | null {
  const inner = /^\{(.*)\}$/.exec(selector.trim());
  if (!inner) return null;
  for (const part of inner[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(part);
    if (!m) return null;
    if (labels[m[1]!] !== m[2]!.replace(/\\(.)/g, '$1')) return false;
  }
  return true;
}

export async function startLokiDouble(entries: LokiEntry[]): Promise<LokiDouble> {
  const queries: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== '/loki/api/v1/query_range') {
      res.writeHead(404).end('404 page not found');
      return;
    }
    queries.push(url.searchParams);
    const query = url.searchParams.get('query') ?? '';
    const start = BigInt(url.searchParams.get('start') ?? '0');
    const end = BigInt(url.searchParams.get('end') ?? '0');
    const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
    for (const e of entries) {
      const ok = matches(query, e.labels);
      if (ok === null) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`parse error: unexpected selector ${query}`);
        return;
      }
      const ns = BigInt(e.at) * 1_000_000n;
      if (!ok || ns < start || ns > end) continue;
      const key = JSON.stringify(e.labels);
      if (!streams.has(key)) streams.set(key, { stream: e.labels, values: [] });
      streams.get(key)!.values.push([ns.toString(), e.line]);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'streams', result: [...streams.values()], stats: {} } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
