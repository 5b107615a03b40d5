// A loopback HTTP proxy in front of a real server (the local Kestra) that records each
// request's path and query, and can refuse connections on demand ("Kestra is down")
// without stopping the server behind it. Not a double: every answer is the server's.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  /** while down, every connection is closed at once, as a stopped server's port would */
  setDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedRequest[] = [];
  let down = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams });
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    if (down) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setDown(value) {
      down = value;
      if (value) for (const s of sockets) s.destroy();
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
