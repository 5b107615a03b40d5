// The demo service's HTTP server (the only IO of src/demo), on 127.0.0.1:
//   GET  /metrics  Prometheus text exposition (metrics.ts)
//   GET  /version  {"service", "namespace", "version", "since", "behaviour", "pod", "profile", "bad_versions"}
//   POST /deploy   {"version": "..."}: switches behaviour, new pod, the leak starts over
//   GET  /healthz  "ok"
// An internal traffic generator simulates the configured request rate in process
// (no HTTP self-calls): every tick the simulator's requests since the last tick are
// counted. The pod's readings are taken when Prometheus scrapes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { describeBehaviour } from './behaviour.js';
import { parseDeployRequest } from './deploy-request.js';
import { createDemoMetrics } from './metrics.js';
import type { DemoSettings } from './settings.js';
import { DemoSimulator, type RunningVersion } from './simulator.js';

export interface DemoServerOptions {
  logger: Logger;
  /** the clock (ms); default Date.now */
  now?: () => number;
  /** traffic generator period; default 250 ms */
  tickMs?: number;
}

export interface DemoServer {
  readonly url: string;
  readonly port: number;
  readonly simulator: DemoSimulator;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `body: larger than ${MAX_BODY_BYTES} bytes; expected {"version": "..."}`, { Connection: 'close' }));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function versionJson(sim: DemoSimulator, running: RunningVersion, badVersions: readonly string[]) {
  return {
    service: sim.service,
    namespace: sim.namespace,
    version: running.version,
    since: new Date(running.sinceMs).toISOString(),
    behaviour: running.behaviour.kind,
    pod: running.pod,
    profile: describeBehaviour(running.behaviour),
    bad_versions: badVersions,
  };
}

const ROUTES: Record<string, string> = { '/metrics': 'GET', '/version': 'GET', '/healthz': 'GET', '/deploy': 'POST' };

export async function startDemoServer(settings: DemoSettings, options: DemoServerOptions): Promise<DemoServer> {
  const now = options.now ?? Date.now;
  const log = options.logger.child({ component: 'demo-service', service: settings.service, namespace: settings.namespace });
  const simulator = new DemoSimulator({
    service: settings.service,
    namespace: settings.namespace,
    initialVersion: settings.initialVersion,
    badVersions: settings.badVersions,
    leakPercentPerMinute: settings.leakPercentPerMinute,
    requestsPerSecond: settings.requestsPerSecond,
    seed: settings.seed,
    startMs: now(),
  });
  const metrics = createDemoMetrics(simulator);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = ROUTES[path];
    if (!method) throw new HttpError(404, `no such path ${path}; try ${Object.keys(ROUTES).join(', ')}`);
    if (req.method !== method) throw new HttpError(405, `${path} accepts ${method} only`, { Allow: method });
    switch (path) {
      case '/metrics': {
        const text = await metrics.exposition(now());
        res.writeHead(200, { 'Content-Type': metrics.registry.contentType });
        res.end(text);
        return;
      }
      case '/version':
        sendJson(res, 200, versionJson(simulator, simulator.current, settings.badVersions));
        return;
      case '/healthz':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok\n');
        return;
      case '/deploy': {
        const parsed = parseDeployRequest(await readBody(req));
        if (!parsed.ok) {
          log.warn({ reason: parsed.message }, 'deploy rejected');
          throw new HttpError(400, parsed.message);
        }
        // Count the old version's traffic up to now before the behaviour changes.
        metrics.record(simulator.traffic(now()));
        const { previous, current } = simulator.deploy(parsed.request.version, now());
        log.info(
          { version: current.version, previous_version: previous.version, behaviour: current.behaviour.kind, pod: current.pod },
          'deployed',
        );
        sendJson(res, 200, { ...versionJson(simulator, current, settings.badVersions), previous_version: previous.version });
        return;
      }
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        sendJson(res, err.status, { error: err.message }, err.headers);
        return;
      }
      log.error({ err, path: req.url }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const ticker = setInterval(() => metrics.record(simulator.traffic(now())), options.tickMs ?? 250);
  ticker.unref();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      clearInterval(ticker);
      server.close(() => resolve());
      // Prometheus keeps its scrape connection alive: close it, or close() waits for it.
      server.closeAllConnections();
    }));

  const running = simulator.current;
  log.info(
    { url: `http://${settings.host}:${port}`, version: running.version, behaviour: running.behaviour.kind, pod: running.pod, requests_per_second: settings.requestsPerSecond },
    'demo service listening',
  );
  return { url: `http://${settings.host}:${port}`, port, simulator, stop };
}
