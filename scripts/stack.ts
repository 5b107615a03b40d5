// npm start: the whole local stack, no Docker needed, and the default deployment
// (the payment-service memory-leak scenario) judged by Kestra.
//
//   1. the demo service (prom-client) on 127.0.0.1:9464, behaving as the version deployed to it
//   2. Prometheus (Debian package `prometheus`) on 127.0.0.1:9090, scraping it every 5 s
//   3. Kestra: the local Kestra (npm run kestra:up) on KESTRA_URL (default http://127.0.0.1:8080)
//   4. the flows, the task bundles and the demo scenarios (npm run kestra:deploy)
//   5. the dashboard on 127.0.0.1:3000 (DASHBOARD_PORT), reading Kestra's API
//   6. the default deployment through Kestra's webhook; prints the decision (the flow's
//      outputs) and the deployment's page on the dashboard
// The demo service, Prometheus and the dashboard are optional: one that cannot start is
// reported with the reason and skipped. Kestra is not: when it cannot start or take the
// flows, npm start stops what it started and fails with the reason. Prints the URLs, the
// credentials and the commands that trigger a good and a bad deployment; Ctrl-C stops
// everything it started. `--once`: stop after step 6, exit 0 only when the execution
// ended SUCCESS.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { startDemoServer, type DemoServer } from '../src/demo/server.js';
import { loadDemoSettings } from '../src/demo/settings.js';
import { prometheusArgs, writeDemoPrometheusConfig } from '../src/demo/prometheus-config.js';
import { KESTRA_DEFAULTS, kestraSettings } from '../src/kestra/settings.js';
import { createLogger } from '../src/log.js';
import { deploy } from './kestra/deploy.js';
import { kestraDown } from './kestra/down.js';
import { kestraState } from './kestra/state.js';
import { kestraUp } from './kestra/up.js';
import { triggerScenario } from './trigger.js';

const ROOT = resolve(import.meta.dirname, '..');
const STATE = join(ROOT, '.cache/stack');
const PROMETHEUS_ADDRESS = process.env.STACK_PROMETHEUS_ADDRESS?.trim() || '127.0.0.1:9090';
const DASHBOARD_PORT = Number(process.env.DASHBOARD_PORT ?? 3000);
const DEFAULT_SCENARIO = 'memory-leak-payment';
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

async function stopAll(started: Started, env: NodeJS.ProcessEnv): Promise<void> {
  for (const child of started.children) {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
  await started.demo?.stop();
  if (started.kestraStartedByUs) note(await kestraDown(env));
}

/** Newest mtime of the files under a directory (node_modules and .next left out). */
function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === '.next') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** `next build` only when dashboard/ (or the lock file) changed since the last build. */
function dashboardBuildIsCurrent(): boolean {
  const buildId = join(ROOT, 'dashboard/.next/BUILD_ID');
  if (!existsSync(buildId)) return false;
  const built = statSync(buildId).mtimeMs;
  return newestMtime(join(ROOT, 'dashboard')) < built && newestMtime(join(ROOT, 'package-lock.json')) < built;
}

/** The dashboard build, in the background while Kestra starts; resolves to undefined or the reason it failed. */
function buildDashboard(env: NodeJS.ProcessEnv, started: Started): Promise<string | undefined> {
  if (dashboardBuildIsCurrent()) return Promise.resolve(undefined);
  return new Promise((done) => {
    // a child of ours like the others: stopping the stack (a failed Kestra, Ctrl-C) stops the build too
    const child = startChild('npm', ['run', '--silent', 'dashboard:build'], env, started);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = `${stderr}${d}`.slice(-4000)));
    child.on('error', (err) => done(err.message));
    child.on('close', (code) => {
      if (code === 0) return done(undefined);
      const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('at '));
      done(`npm run dashboard:build failed: ${lines.slice(-3).join(' | ') || `exit ${code}`}`);
    });
  });
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
  // Validated before anything starts: a bad KESTRA_URL fails here, with the reason.
  const kestra = kestraSettings(stackEnv);
  const summary: string[] = [];

  let stopping: Promise<void> | undefined;
  const shutdown = (code: number): Promise<number> => {
    stopping ??= (async () => {
      step('stopping');
      await stopAll(started, stackEnv);
    })();
    return stopping.then(() => code);
  };
  const fail = async (what: string, err: unknown): Promise<number> => {
    note(`failed: ${(err as Error).message}`);
    await shutdown(1);
    process.stderr.write(`start failed: ${what}: ${(err as Error).message}\n`);
    return 1;
  };
  // Ctrl-C while starting stops what has started so far, Kestra included.
  const interrupted = () => void shutdown(130).then((code) => process.exit(code));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  step('1/6 demo service');
  try {
    const settings = loadDemoSettings(process.env);
    started.demo = await startDemoServer(settings, { logger: createLogger({ level: 'warn' }) });
    note(`${started.demo.url}/metrics (version ${settings.initialVersion}; bad versions: ${settings.badVersions.join(', ')})`);
    summary.push(`demo service  ${started.demo.url}   deploy a version: curl -s -XPOST ${started.demo.url}/deploy -d '{"version":"v2.0.0-bad"}'`);
  } catch (err) {
    note(`skipped: ${(err as Error).message}`);
  }

  step('2/6 Prometheus');
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
  } else {
    note('skipped: no demo service to scrape');
  }

  const hasDashboard = existsSync(join(ROOT, 'dashboard/app'));
  const dashboardBuild = hasDashboard ? buildDashboard(stackEnv, started) : Promise.resolve('no dashboard in this checkout');

  step('3/6 Kestra');
  try {
    const up = await kestraUp({ env: stackEnv, say: note });
    started.kestraStartedByUs = up.started;
    if (up.started) {
      note(`ready in ${((up.readyMs ?? 0) / 1000).toFixed(1)} s${up.engineMs ? ` (engine start-up ${(up.engineMs / 1000).toFixed(1)} s)` : ''}: ${up.url}`);
    } else {
      note(`already running at ${up.url}${up.pid ? ` (pid ${up.pid})` : ''}; left running at the end`);
      note('its flows see the environment it was started with (PROMETHEUS_URL, windows, keys): npm run kestra:down to restart it with this one');
    }
    const state = kestraState(stackEnv);
    summary.push(
      `Kestra        ${kestra.url}/api/v1/main   user ${kestra.username}, password ${kestra.password === KESTRA_DEFAULTS.password ? kestra.password : '(KESTRA_PASSWORD)'}${up.started || up.pid ? `; log ${state.logFile}` : ''}`,
    );
  } catch (err) {
    return fail('Kestra did not start', err);
  }

  step('4/6 flows, task bundles and demo scenarios (kestra:deploy)');
  try {
    const report = await deploy({ env: stackEnv, log: note });
    note(`${report.flows.length} flows, ${report.files.length} namespace files`);
  } catch (err) {
    return fail('kestra:deploy failed', err);
  }

  step('5/6 dashboard');
  let dashboardUrl: string | undefined;
  const buildProblem = await dashboardBuild;
  if (buildProblem) {
    note(`skipped: ${buildProblem}`);
  } else {
    // the dashboard's login: DASHBOARD_USERS when configured, else a one-time password shown below, once (never written to a file)
    const { oneTimeLogin, usersConfigured } = await import('../dashboard/cli/one-time-login.js');
    const login = usersConfigured(stackEnv) ? null : await oneTimeLogin();
    const dashboardEnv = { ...stackEnv, ...login?.env, KESTRA_URL: kestra.url, KESTRA_USERNAME: kestra.username, KESTRA_PASSWORD: kestra.password };
    startChild('npm', ['run', '--silent', 'dashboard:start', '--', '--hostname', '127.0.0.1', '--port', String(DASHBOARD_PORT)], dashboardEnv, started);
    if (login) summary.push(`dashboard login: user ${login.user}, one-time password ${login.password} (this run only)`);
    const url = `http://127.0.0.1:${DASHBOARD_PORT}`;
    if (await waitForHttp(url, 60_000)) {
      dashboardUrl = url;
      note(url);
      summary.push(`dashboard     ${url}`);
    } else note(`did not answer at ${url} within 60 s (is the port in use? set DASHBOARD_PORT)`);
  }

  step(`6/6 the default deployment through Kestra's webhook: ${DEFAULT_SCENARIO}`);
  let exitCode = 1;
  try {
    const r = await triggerScenario({ scenario: DEFAULT_SCENARIO, wait: true, timeoutMs: 300_000, env: stackEnv });
    const o = r.outputs ?? {};
    const pageUrl = dashboardUrl ? `${dashboardUrl}/deployments/${encodeURIComponent(r.execution_id)}` : `${kestra.url}/api/v1/main/executions/${r.execution_id}`;
    note(`execution ${r.execution_id} ended ${r.state} ${((r.elapsed_ms ?? 0) / 1000).toFixed(1)} s after the webhook`);
    if (o.decision !== undefined) {
      note(`decision: ${String(o.decision)}${o.confidence !== undefined ? ` (confidence ${String(o.confidence)})` : ''}${o.rollback_status !== undefined ? `, rollback ${String(o.rollback_status)}` : ''}`);
    } else note('no decision in the flow outputs');
    // the long texts (summary, reasoning) shortened; the dashboard shows them whole
    const short = (v: unknown) => (typeof v === 'string' && v.length > 160 ? `${v.slice(0, 157)}...` : v);
    if (o.summary !== undefined) note(`summary: ${String(short(o.summary))}`);
    const rest = Object.fromEntries(Object.entries(o).filter(([k]) => !['summary', 'reasoning', 'decision', 'confidence', 'rollback_status'].includes(k)).map(([k, v]) => [k, short(v)]));
    note(`outputs: ${JSON.stringify(rest)}`);
    for (const line of r.problems ?? []) note(line);
    note(`${dashboardUrl ? 'the deployment on the dashboard' : 'the execution (API; no dashboard running)'}: ${pageUrl}`);
    if (r.state === 'SUCCESS') exitCode = 0;
  } catch (err) {
    note(`failed: ${(err as Error).message}`);
  }

  step(exitCode === 0 ? 'ready' : 'ready, but the default deployment did not succeed');
  for (const line of summary) note(line);
  note(`a bad deployment:  npm run --silent trigger -- --scenario ${DEFAULT_SCENARIO} --wait`);
  note('a good deployment: npm run --silent trigger -- --scenario healthy-hotfix --wait');

  if (values.once) return shutdown(exitCode);
  note('Ctrl-C stops everything started here.');
  process.removeListener('SIGINT', interrupted);
  process.removeListener('SIGTERM', interrupted);
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
