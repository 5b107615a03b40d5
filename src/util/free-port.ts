// A loopback port that was free a moment ago: bound to port 0, then released.
// Used where a process must be told its port before it starts (Prometheus, the
// dashboard, the demo service in tests), and as a "closed port" that refuses
// connections at once (the build's warm-up runs, benchmarks of unreachable paths).
import { createServer } from 'node:net';

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
