// npm start: the whole local stack, no Docker needed, then the main job on its
// embedded default (the payment-service memory-leak scenario).
//
//   1. the demo service (prom-client) on 127.0.0.1:9464, behaving as the version deployed to it
//   2. Prometheus (Debian package `prometheus`) on 127.0.0.1:9090, scraping it every 5 s
//   3. Kestra (npm run kestra:up) with the flows and bundles (npm run kestra:deploy)
//   4. the dashboard on 127.0.0.1:3000, reading Kestra's executions API
//   5. the default deployment: through Kestra's webhook when Kestra runs, otherwise
//      in process (npm run loop), so the command always shows a decision
// A component that cannot start is reported with the reason and skipped; the rest
// runs. Prints the URLs, the credentials and the commands that trigger a good and a
// bad deployment; Ctrl-C stops everything it started. `--once`: stop after step 5.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { startDemoServer, type DemoServer } from '../src/demo/server.js';
import { loadDemoSettings } from '../src/demo/settings.js';
import { prometheusArgs, writeDemoPrometheusConfig } from '../src/demo/prometheus-config.js';
import { WATCHDOG_NAMESPACE } from '../src/kestra/flow-model.js';
import { kestraSettings } from '../src/kestra/settings.js';
import { createLogger } from '../src/log.js';
import { deploy } from './kestra/deploy.js';
import { kestraDown } from './kestra/down.js';
import { kestraUp } from './kestra/up.js';

const ROOT = resolve(import.meta.dirname, '..');
const STATE = join(ROOT, '.cache/stack');
const PROMETHEUS_ADDRESS = process.env.STACK_PROMETHEUS_ADDRESS?.trim() || '127.0.0.1:9090';
const DASHBOARD_PORT = Number(process.env.DASHBOARD_PORT ?? 3000);
const step = (line: string) => process.stdout.write(`\n== ${line}\n`);
const note = (line: string) => process.stdout.write(`   ${line}\n`);

interface Started {
  demo?: DemoServer;
  children: ChildProcess[];
  kestraStartedByUs: boolean;
}

async function waitForHttp(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.status < 500) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

function startChild(command: string, args: string[], env: NodeJS.ProcessEnv, started: Started): ChildProcess {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  started.children.push(child);
  return child;
}

async function stopAll(started: Started): Promise<void> {
  for (const child of started.children) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  await started.demo?.stop();
  if (started.kestraStartedByUs) note(await kestraDown());
}

async function main(): Promise<number> {
  const { values } = parseCommandArgs(process.argv.slice(2), { once: { type: 'boolean', default: false } });
  const started: Started = { children: [], kestraStartedByUs: false };
  mkdirSync(STATE, { recursive: true });
  const stackEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PROMETHEUS_URL: process.env.PROMETHEUS_URL ?? `http://${PROMETHEUS_ADDRESS}`,
    // Short windows so a deployment to the demo service can be judged minutes after the stack starts.
    BASELINE_WINDOW_MINUTES: process.env.BASELINE_WINDOW_MINUTES ?? '2',
    CANARY_WINDOW_MINUTES: process.env.CANARY_WINDOW_MINUTES ?? '2',
    STEP_SECONDS: process.env.STEP_SECONDS ?? '10',
  };
  const summary: string[] = [];

  const shutdown = async (code: number) => {
    step('stopping');
    await stopAll(started);
    return code;
  };

  step('1/5 demo service');
  try {
    const settings = loadDemoSettings(process.env);
    started.demo = await startDemoServer(settings, { logger: createLogger({ level: 'warn' }) });
    note(`${started.demo.url}/metrics (version ${settings.initialVersion}; bad versions: ${settings.badVersions.join(', ')})`);
    summary.push(`demo service  ${started.demo.url}   deploy a version: curl -s -XPOST ${started.demo.url}/deploy -d '{"version":"v2.0.0-bad"}'`);
  } catch (err) {
    note(`skipped: ${(err as Error).message}`);
  }

  step('2/5 Prometheus');
  if (spawnSync('prometheus', ['--version']).error) {
    note('skipped: the `prometheus` binary is not installed (Debian: apt-get install prometheus)');
  } else if (started.demo) {
    const config = await writeDemoPrometheusConfig(join(STATE, 'prometheus.yml'), { target: `127.0.0.1:${started.demo.port}` });
    const child = startChild('prometheus', prometheusArgs({ configFile: config, dataDir: join(STATE, 'prometheus-data'), listenAddress: PROMETHEUS_ADDRESS }), process.env, started);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = `${stderr}${d}`.slice(-2000)));
    if (await waitForHttp(`http://${PROMETHEUS_ADDRESS}/-/ready`, 30_000)) {
      note(`http://${PROMETHEUS_ADDRESS} scraping the demo service every 5 s`);
      summary.push(`Prometheus    http://${PROMETHEUS_ADDRESS}`);
    } else {
      note(`did not become ready: ${stderr.trim().split('\n').pop() ?? 'no output'} (is ${PROMETHEUS_ADDRESS} in use? set STACK_PROMETHEUS_ADDRESS)`);
    }
  }

  step('3/5 Kestra');
  let kestraRunning = false;
  try {
    Object.assign(process.env, { PROMETHEUS_URL: stackEnv.PROMETHEUS_URL, BASELINE_WINDOW_MINUTES: stackEnv.BASELINE_WINDOW_MINUTES, CANARY_WINDOW_MINUTES: stackEnv.CANARY_WINDOW_MINUTES, STEP_SECONDS: stackEnv.STEP_SECONDS });
    const up = await kestraUp();
    started.kestraStartedByUs = up.started;
    const report = await deploy({ log: note });
    kestraRunning = true;
    const s = kestraSettings();
    note(`${up.url} (${report.flows.length} flows deployed)`);
    summary.push(`Kestra        ${s.url}/ui/main/flows/edit/${WATCHDOG_NAMESPACE}/devops-loop   user ${s.username}, password ${s.password === 'Watchdog-local-1' ? s.password : '(KESTRA_PASSWORD)'}`);
  } catch (err) {
    note(`not available: ${(err as Error).message}`);
  }

  step('4/5 dashboard');
  if (!existsSync(join(ROOT, 'dashboard/package.json')) && !existsSync(join(ROOT, 'dashboard/app'))) {
    note('skipped: no dashboard in this checkout');
  } else {
    const build = spawnSync('npm', ['run', '--silent', 'dashboard:build'], { cwd: ROOT, env: stackEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (build.status !== 0) {
      note(`skipped: npm run dashboard:build failed: ${(build.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    } else {
      startChild('npm', ['run', '--silent', 'dashboard:start', '--', '--hostname', '127.0.0.1', '--port', String(DASHBOARD_PORT)], stackEnv, started);
      const url = `http://127.0.0.1:${DASHBOARD_PORT}`;
      if (await waitForHttp(url, 60_000)) {
        note(`${url}${kestraRunning ? '' : ' (it will show that Kestra is unreachable)'}`);
        summary.push(`dashboard     ${url}`);
      } else note(`did not answer at ${url} within 60 s`);
    }
  }

  step('5/5 the default deployment: memory-leak-payment');
  let exitCode = 0;
  if (kestraRunning) {
    const r = spawnSync('npx', ['tsx', 'scripts/trigger.ts', '--scenario', 'memory-leak-payment', '--wait'], { cwd: ROOT, env: stackEnv, encoding: 'utf8' });
    process.stdout.write(r.stdout);
    if (r.status !== 0) {
      note(`the execution did not succeed: ${r.stderr.trim()}`);
      exitCode = 1;
    }
  } else {
    note('Kestra is not running, so the same steps run in process (npm run loop):');
    const r = spawnSync('npx', ['tsx', 'scripts/loop.ts'], { cwd: ROOT, env: stackEnv, stdio: 'inherit' });
    exitCode = r.status ?? 1;
  }

  step('ready');
  for (const line of summary) note(line);
  note('a bad deployment:  npm run --silent trigger -- --scenario memory-leak-payment --wait');
  note('a good deployment: npm run --silent trigger -- --scenario healthy-hotfix --wait');
  if (!kestraRunning) note('(without Kestra: npm run loop -- --scenario memory-leak-payment | healthy-hotfix)');

  if (values.once) return shutdown(exitCode);
  note('Ctrl-C stops everything started here.');
  return new Promise<number>((done) => {
    const stop = () => void shutdown(exitCode).then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm start [-- --once]\n' : ''}start failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
