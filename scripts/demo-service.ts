// npm run demo:service  (tsx scripts/demo-service.ts)
// The demo service for the local stack: serves /metrics, /version and POST /deploy
// on 127.0.0.1:$PORT, behaving as the deployed version dictates (src/demo/).
// Settings come from the environment (src/demo/settings.ts); an invalid value exits 2.
// Ctrl-C / SIGTERM close the server and exit 0.
import { ConfigError } from '../src/config/env.js';
import { startDemoServer } from '../src/demo/server.js';
import { loadDemoSettings, type DemoSettings } from '../src/demo/settings.js';
import { createLogger } from '../src/log.js';

async function main(): Promise<void> {
  let settings: DemoSettings;
  try {
    settings = loadDemoSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nFix the variable(s) above (see src/demo/settings.ts) and run again.\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger();
  let server;
  try {
    server = await startDemoServer(settings, { logger });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? `port ${settings.port} is already in use (set PORT)` : (err as Error).message;
    process.stderr.write(`demo-service: cannot listen on ${settings.host}:${settings.port}: ${why}\n`);
    process.exit(1);
  }
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'demo service stopping');
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`demo-service: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo-service failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
