// npm start: the whole local stack, no Docker needed, and the default deployment
// (the payment-service memory-leak scenario) judged by Kestra.
//
//   1. the demo service (prom-client) on 127.0.0.1:9464, behaving as the version deployed to it
//   2. the local Kubernetes cluster (scripts/cluster/: etcd, kube-apiserver, controllers, kwok
//      on loopback; built once, ~12 min cold), the default deployment's Deployment in it
//      (payment-service in prod: v2.4.0, then v2.4.1, each a real revision), and the demo
//      service following the version the cluster runs (src/demo/cluster-version.ts)
//   3. Prometheus (Debian package `prometheus`) on 127.0.0.1:9090, scraping it every 5 s
//   4. Kestra: the local Kestra (npm run kestra:up) on KESTRA_URL (default http://127.0.0.1:8080),
//      its tasks given the cluster's KUBECONFIG and kubectl (first on PATH)
//   5. the flows, the task bundles and the demo scenarios (npm run kestra:deploy)
//   6. the dashboard on 127.0.0.1:3000 (DASHBOARD_PORT), reading Kestra's API
//   7. the default deployment through Kestra's webhook; prints the decision (the flow's
//      outputs), the image the cluster runs before and after, and the deployment's page
// The demo service, the cluster, Prometheus and the dashboard are optional: one that cannot start is
// reported with the reason and skipped. Kestra is not: when it cannot start or take the
// flows, npm start stops what it started and fails with the reason. Prints the URLs, the
// credentials and the commands that trigger a good and a bad deployment; Ctrl-C stops
// everything it started. `--once`: stop after step 7, exit 0 only when the execution
// ended SUCCESS (and, when the flow reports a rollback, the cluster runs previous_version).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createKubectlRunner, imageTag } from '../src/actions/rollback.js';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { watchClusterVersion, type ClusterVersionWatch } from '../src/demo/cluster-version.js';
import { startDemoServer, type DemoServer } from '../src/demo/server.js';
import { loadDemoSettings } from '../src/demo/settings.js';
import { prometheusArgs, writeDemoPrometheusConfig } from '../src/demo/prometheus-config.js';
import { KESTRA_DEFAULTS, kestraSettings } from '../src/kestra/settings.js';
import { createLogger } from '../src/log.js';
import { buildClusterBinaries } from './cluster/binaries.js';
import { runKubectl, startCluster, type LocalCluster } from './cluster/control-plane.js';
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
  cluster?: LocalCluster;
  watch?: ClusterVersionWatch;
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
  started.watch?.stop();
  await started.cluster?.stop();
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

  const target = scenarioDeployment(DEFAULT_SCENARIO);
  step('1/7 demo service');
  try {
    // it starts as the last-known-good version and follows the cluster from step 2 on
    const settings = loadDemoSettings({
      INITIAL_VERSION: target.previous_version,
      BAD_VERSIONS: `v2.0.0-bad,${target.version}`,
      ...process.env,
    });
    started.demo = await startDemoServer(settings, { logger: createLogger({ level: 'warn' }) });
    note(`${started.demo.url}/metrics (version ${settings.initialVersion}; bad versions: ${settings.badVersions.join(', ')})`);
    summary.push(`demo service  ${started.demo.url}   deploy a version: curl -s -XPOST ${started.demo.url}/deploy -d '{"version":"v2.0.0-bad"}'`);
  } catch (err) {
    note(`skipped: ${(err as Error).message}`);
  }

  step(`2/7 local Kubernetes cluster, ${target.service} in ${target.namespace}`);
  try {
    await buildClusterBinaries(note);
    const dir = join(STATE, 'cluster');
    rmSync(dir, { recursive: true, force: true });
    const cluster = await startCluster({ dir, detached: true });
    started.cluster = cluster;
    const kubectl = (args: string[], input?: string) => runKubectl(cluster.kubectl, cluster.kubeconfig, args, input);
    await kubectl(['create', 'namespace', target.namespace]);
    // revision 1 is the last-known-good version, revision 2 the deployment being judged
    for (const version of [target.previous_version, target.version]) {
      await kubectl(['-n', target.namespace, 'apply', '-f', '-'], JSON.stringify(demoDeployment(target.service, version)));
      await kubectl(['-n', target.namespace, 'rollout', 'status', `deployment/${target.service}`, '--timeout=60s']);
    }
    if (started.demo) {
      const demoUrl = started.demo.url;
      started.watch = watchClusterVersion({
        kubectl: createKubectlRunner({ binary: cluster.kubectl, kubeconfig: cluster.kubeconfig }),
        namespace: target.namespace,
        deployment: target.service,
        deploy: async (version) => {
          const r = await fetch(`${demoUrl}/deploy`, { method: 'POST', body: JSON.stringify({ version }), signal: AbortSignal.timeout(5000) });
          if (!r.ok) throw new Error(`POST /deploy answered ${r.status}: ${await r.text()}`);
        },
        onError: (m) => note(`demo service: ${m}`),
      });
      await started.watch.check();
    }
    // the flow's tasks (children of Kestra) find this cluster and its kubectl
    stackEnv.KUBECONFIG = cluster.kubeconfig;
    stackEnv.PATH = `${dirname(cluster.kubectl)}:${stackEnv.PATH ?? ''}`;
    stackEnv.ROLLOUT_TIMEOUT_SECONDS ??= '60';
    // A real rollback on the local cluster. DRY_RUN also governs the fix PR, which only goes
    // live with a GITHUB_TOKEN: with one, the user's DRY_RUN (default true) is left alone.
    if (process.env.DRY_RUN === undefined && !stackEnv.GITHUB_TOKEN) {
      stackEnv.DRY_RUN = 'false';
      note('DRY_RUN=false: the rollback runs for real on this cluster (no GITHUB_TOKEN: the fix PR stays a dry run)');
    } else if (process.env.DRY_RUN === undefined) {
      note('GITHUB_TOKEN is set, so DRY_RUN stays true (a live run would open a real PR): DRY_RUN=false npm start for a real rollback here');
    }
    note(`${cluster.server} (KUBECONFIG=${cluster.kubeconfig}); kubectl: ${cluster.kubectl}`);
    note(`${target.service} in ${target.namespace} runs ${await clusterImages(cluster, target)}${started.watch ? `; the demo service runs ${started.watch.version ?? '?'}` : ''}`);
    summary.push(`cluster       ${cluster.server}   KUBECONFIG=${cluster.kubeconfig} ${cluster.kubectl} -n ${target.namespace} rollout history deployment/${target.service}`);
  } catch (err) {
    note(`skipped: ${(err as Error).message.split('\n')[0]}; the rollback cannot run for real`);
  }

  step('3/7 Prometheus');
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

  step('4/7 Kestra');
  try {
    const up = await kestraUp({ env: stackEnv, say: note });
    started.kestraStartedByUs = up.started;
    if (up.started) {
      note(`ready in ${((up.readyMs ?? 0) / 1000).toFixed(1)} s${up.engineMs ? ` (engine start-up ${(up.engineMs / 1000).toFixed(1)} s)` : ''}: ${up.url}`);
    } else {
      note(`already running at ${up.url}${up.pid ? ` (pid ${up.pid})` : ''}; left running at the end`);
      if (started.cluster) note('its tasks do not see this stack\'s cluster (KUBECONFIG, kubectl): npm run kestra:down first for a real rollback');
      note('its flows see the environment it was started with (PROMETHEUS_URL, windows, keys): npm run kestra:down to restart it with this one');
    }
    const state = kestraState(stackEnv);
    summary.push(
      `Kestra        ${kestra.url}/api/v1/main   user ${kestra.username}, password ${kestra.password === KESTRA_DEFAULTS.password ? kestra.password : '(KESTRA_PASSWORD)'}${up.started || up.pid ? `; log ${state.logFile}` : ''}`,
    );
  } catch (err) {
    return fail('Kestra did not start', err);
  }

  step('5/7 flows, task bundles and demo scenarios (kestra:deploy)');
  try {
    const report = await deploy({ env: stackEnv, log: note });
    note(`${report.flows.length} flows, ${report.files.length} namespace files`);
  } catch (err) {
    return fail('kestra:deploy failed', err);
  }

  step('6/7 dashboard');
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

  step(`7/7 the default deployment through Kestra's webhook: ${DEFAULT_SCENARIO}`);
  let exitCode = 1;
  const imageBefore = started.cluster ? await clusterImages(started.cluster, target).catch(() => undefined) : undefined;
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
    let clusterOk = true;
    if (started.cluster) {
      const after = await clusterImages(started.cluster, target).catch((err: Error) => `unreadable (${err.message})`);
      await started.watch?.check();
      note(`cluster: ${target.service} in ${target.namespace} ran ${imageBefore ?? '?'}, now runs ${after}${started.watch ? `; the demo service runs ${started.watch.version ?? '?'}` : ''}`);
      if (o.rollback_status === 'rolled-back' && imageTag(after) !== target.previous_version) {
        note(`the flow reports rolled-back but the cluster does not run ${target.previous_version}`);
        clusterOk = false;
      } else if (o.rollback_status === 'dry-run') {
        note('the rollback was a dry run (DRY_RUN=true): nothing changed in the cluster');
      }
    }
    if (r.state === 'SUCCESS' && clusterOk) exitCode = 0;
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

interface ScenarioDeployment {
  service: string;
  namespace: string;
  version: string;
  previous_version: string;
}

/** The deployment a mock-data scenario describes: what the cluster must run for its rollback. */
function scenarioDeployment(name: string): ScenarioDeployment {
  const file = join(ROOT, 'mock-data/scenarios', `${name}.json`);
  const d = JSON.parse(readFileSync(file, 'utf8')).deployment as Partial<ScenarioDeployment>;
  if (!d?.service || !d.namespace || !d.version || !d.previous_version) throw new Error(`${file}: deployment needs service, namespace, version and previous_version`);
  return d as ScenarioDeployment;
}

/** A Deployment of the demo's image at `version`: kwok's node runs it without a container. */
function demoDeployment(service: string, version: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service, labels: { app: service } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: service } },
      template: { metadata: { labels: { app: service } }, spec: { containers: [{ name: service, image: `demo.local/${service}:${version}` }] } },
    },
  };
}

async function clusterImages(cluster: LocalCluster, t: ScenarioDeployment): Promise<string> {
  const r = await runKubectl(cluster.kubectl, cluster.kubeconfig, ['-n', t.namespace, 'get', `deployment/${t.service}`, '-o', 'jsonpath={.spec.template.spec.containers[*].image}']);
  return r.stdout.trim();
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm start [-- --once]\n' : ''}start failed: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
