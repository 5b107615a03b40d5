// npm run kestra:up: start the local Kestra (the Maven module local-kestra/: Kestra
// 2.0's engine in one JVM, H2 on disk, local storage, the REST API subset the project
// uses) on the loopback address of KESTRA_URL, with basic auth; wait until it answers.
// Idempotent: a local Kestra this state directory started (pid file, still running)
// is left as is, and so is a Kestra that already answers at KESTRA_URL with our
// credentials (e.g. docker compose up).
//
//   Java 21+: JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*; none: fail saying how to install one.
//   Build:    `mvn package` in local-kestra/ when local-kestra/target/local-kestra.jar is missing or
//             older than local-kestra/src or pom.xml (the first build downloads ~280 jars from Maven
//             Central, with progress; later ones run offline, ~10 s). Needs Maven (`mvn`).
//   Settings: KESTRA_URL (loopback host and port), KESTRA_USERNAME, KESTRA_PASSWORD, WEBHOOK_KEY
//             (src/kestra/settings.ts), TOGETHER_API_KEY, GITHUB_TOKEN, PROMETHEUS_URL, ... for
//             the flows (README.md "Kestra"); KESTRA_CONTROLLER_PORT (the engine's internal gRPC
//             port; default the API port + 1, or a free one); KESTRA_START_TIMEOUT (seconds, default 180).
// State in KESTRA_HOME (default .kestra/, git-ignored): application.yml, kestra.log, build.log,
// kestra.pid, data/ (H2 database, storage). The JVM runs from a copy of the build shared by
// every state directory, with an AOT cache of its start-up on Java 25+ (scripts/kestra/runtime.ts).
//   JVM:      KESTRA_JAVA_OPTS (extra JVM options, e.g. -Xmx1g); KESTRA_AOT=off starts without the AOT cache.
// Stop it with npm run kestra:down.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { UsageError, parseCommandArgs } from '../../src/cli/args.js';
import { createKestraClient, KestraApiError } from '../../src/kestra/client.js';
import {
  KESTRA_VERSION,
  MIN_JAVA,
  buildReason,
  failureFromLog,
  isLoopbackHost,
  javaHomeOf,
  javaMajor,
  javaOptions,
  kestraConfigYaml,
  kestraProcessEnv,
  localKestraCommand,
  mavenArgs,
  missingJavaMessage,
  missingMavenMessage,
  pickJava,
  readyFromLog,
  type JavaCandidate,
} from '../../src/kestra/install.js';
import { kestraSettings, type KestraSettings } from '../../src/kestra/settings.js';
import { ensureAotCache, installRuntime, MODULE_DIR, MODULE_JAR, MODULE_LIB } from './runtime.js';
import { ROOT, kestraState, runningKestraPid, type KestraState } from './state.js';

export { MODULE_DIR, MODULE_JAR, MODULE_LIB };

type Say = (line: string) => void;
const defaultSay: Say = (line) => process.stderr.write(`kestra:up: ${line}\n`);

/** `java -XshowSettings:properties -version` prints on stderr; a missing binary gives major undefined. */
function probeJava(path: string, source: JavaCandidate['source']): JavaCandidate {
  const r = spawnSync(path, ['-XshowSettings:properties', '-version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return { path, source, major: undefined };
  const out = `${r.stderr ?? ''}${r.stdout ?? ''}`;
  return { path, source, major: javaMajor(out), home: javaHomeOf(out) };
}

/** JAVA_HOME, `java` on PATH, /usr/lib/jvm/*; pickJava orders them. */
export function findJava(env: NodeJS.ProcessEnv = process.env): { java: string; home: string | undefined; major: number } {
  const probed: JavaCandidate[] = [];
  if (env.JAVA_HOME?.trim()) probed.push(probeJava(join(env.JAVA_HOME.trim(), 'bin/java'), 'JAVA_HOME'));
  probed.push(probeJava('java', 'PATH'));
  if (existsSync('/usr/lib/jvm')) {
    for (const d of readdirSync('/usr/lib/jvm').sort()) {
      const path = join('/usr/lib/jvm', d, 'bin/java');
      if (existsSync(path)) probed.push(probeJava(path, 'jvm-dir'));
    }
  }
  const chosen = pickJava(probed);
  if (!chosen) throw new Error(missingJavaMessage(probed));
  return { java: chosen.path, home: chosen.home, major: chosen.major! };
}

function newestSource(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const visit = (path: string) => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    if (!newest || st.mtimeMs > newest.mtimeMs) newest = { path: path.slice(ROOT.length + 1), mtimeMs: st.mtimeMs };
  };
  visit(join(dir, 'src'));
  visit(join(dir, 'pom.xml'));
  return newest;
}

/** Why the module needs a build, or undefined when local-kestra.jar is current. */
export function moduleBuildReason(): string | undefined {
  return buildReason({
    jarMtimeMs: existsSync(MODULE_JAR) ? statSync(MODULE_JAR).mtimeMs : undefined,
    libJars: existsSync(MODULE_LIB) ? readdirSync(MODULE_LIB).filter((f) => f.endsWith('.jar')).length : 0,
    newestSource: newestSource(MODULE_DIR),
  });
}

/** One `mvn` run; its output goes to the build log, a progress line every few seconds to `say`. */
function runMaven(args: string[], javaHome: string | undefined, logFile: string, say: Say): Promise<{ ok: boolean; tail: string[] }> {
  return new Promise((done, fail) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n$ mvn ${args.join(' ')}   (JAVA_HOME=${javaHome ?? 'unset'})\n`);
    const child = spawn('mvn', args, {
      cwd: MODULE_DIR,
      env: { ...process.env, ...(javaHome ? { JAVA_HOME: javaHome } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = Date.now();
    let downloaded = 0;
    let phase = 'resolving dependencies';
    const tail: string[] = [];
    let pending = '';
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (/Downloaded from /.test(line)) downloaded++;
        const goal = line.match(/--- (?:maven-)?([a-z-]+?)(?:-plugin)?:[^:\s]+:([A-Za-z-]+) /);
        if (goal) phase = `${goal[1]}:${goal[2]}`;
        tail.push(line);
        if (tail.length > 40) tail.shift();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      say(`building local-kestra: ${s} s, ${phase}${downloaded ? `, ${downloaded} files downloaded from Maven Central so far` : ''}`);
    }, 5000);
    child.on('error', (err) => {
      clearInterval(timer);
      log.end();
      fail(err);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      log.end(() => done({ ok: code === 0, tail }));
    });
  });
}

/** Builds local-kestra/ when its jar is missing or stale; returns what it did. */
export async function ensureModuleBuilt(opts: { javaHome: string | undefined; state: KestraState; say?: Say }): Promise<'current' | 'built'> {
  const say = opts.say ?? defaultSay;
  const reason = moduleBuildReason();
  if (!reason) return 'current';
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...(opts.javaHome ? { JAVA_HOME: opts.javaHome } : {}) } });
  if (mvn.error || mvn.status !== 0) {
    throw new Error(missingMavenMessage(mvn.error ? (mvn.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not on PATH' : mvn.error.message : `mvn -v exited ${mvn.status}: ${(mvn.stderr || mvn.stdout).trim().split('\n')[0]}`));
  }
  if (opts.javaHome && !existsSync(join(opts.javaHome, 'bin/javac'))) {
    throw new Error(`${opts.javaHome} is a Java runtime without a compiler (no bin/javac); building local-kestra needs a JDK ${MIN_JAVA}+ (not only a JRE): install one and set JAVA_HOME`);
  }
  writeFileSync(opts.state.buildLog, '');
  const started = Date.now();
  // Offline first when Kestra's artifacts are already in the local Maven repository.
  const cached = existsSync(join(homedir(), '.m2/repository/io/kestra/core', KESTRA_VERSION));
  say(`building local-kestra (${reason}); ${cached ? 'offline, from ~/.m2' : 'the first build downloads ~280 jars from Maven Central'}; log in ${opts.state.buildLog}`);
  let r = await runMaven(mavenArgs(cached), opts.javaHome, opts.state.buildLog, say);
  if (!r.ok && cached) {
    say('the offline build failed (a dependency is missing from ~/.m2); building online');
    r = await runMaven(mavenArgs(false), opts.javaHome, opts.state.buildLog, say);
  }
  if (!r.ok) {
    const errors = r.tail.filter((l) => /\[ERROR\]/.test(l)).slice(0, 6);
    throw new Error(`mvn package failed in local-kestra/ (see ${opts.state.buildLog}):\n${(errors.length ? errors : r.tail.slice(-8)).join('\n')}`);
  }
  if (moduleBuildReason()) throw new Error(`mvn package succeeded but ${MODULE_JAR} is still missing or stale; see ${opts.state.buildLog}`);
  say(`built local-kestra in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

/** Whether something accepts TCP connections on host:port. */
function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = createConnection({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
    socket.once('error', () => done(false));
  });
}

/** A port we can bind on host: `preferred` when free, else any free one. */
function bindablePort(host: string, preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((done) => {
      const server = createServer();
      server.once('error', () => done(undefined));
      server.listen(port, host, () => {
        const got = (server.address() as { port: number }).port;
        server.close(() => done(got));
      });
    });
  return tryPort(preferred).then((p) => p ?? tryPort(0).then((q) => q!));
}

/** KESTRA_CONTROLLER_PORT, else the API port + 1 when free, else any free loopback port. */
async function controllerPortFor(env: NodeJS.ProcessEnv, host: string, apiPort: number): Promise<number> {
  const given = env.KESTRA_CONTROLLER_PORT?.trim();
  if (!given) return bindablePort(host, apiPort + 1);
  const port = Number(given);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || port === apiPort) {
    throw new Error(`KESTRA_CONTROLLER_PORT=${given}: expected a free port number other than the API port ${apiPort}`);
  }
  return port;
}

function hostOf(settings: KestraSettings): { host: string; port: number } {
  const url = new URL(settings.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' || !isLoopbackHost(host)) {
    throw new Error(
      `KESTRA_URL=${settings.url}: kestra:up starts a local Kestra on http://127.0.0.1 only; ` +
        'set KESTRA_URL to http://127.0.0.1:<port>, or unset it (default http://127.0.0.1:8080), or leave kestra:up out and run your own Kestra',
    );
  }
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(url.port || 80) };
}

/** The settings a running local Kestra was started with (its application.yml). */
function startedWith(state: KestraState): { port?: number; username?: string; password?: string } {
  try {
    const doc = parse(readFileSync(state.configFile, 'utf8')) as any;
    return { port: doc?.micronaut?.server?.port, username: doc?.kestra?.server?.['basic-auth']?.username, password: doc?.kestra?.server?.['basic-auth']?.password };
  } catch {
    return {};
  }
}

export function flowEnvironment(settings: KestraSettings, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return kestraProcessEnv({
    webhookKey: settings.webhookKey,
    ...(env.TOGETHER_API_KEY ? { togetherApiKey: env.TOGETHER_API_KEY } : {}),
    ...(env.GITHUB_TOKEN ? { githubToken: env.GITHUB_TOKEN } : {}),
    envs: {
      kestra_url: settings.url,
      prometheus_url: env.PROMETHEUS_URL,
      training_data_dir: env.TRAINING_DATA_DIR?.trim() || join(ROOT, 'training-data'),
      watchdog_dry_run: env.DRY_RUN,
      baseline_window_minutes: env.BASELINE_WINDOW_MINUTES,
      canary_window_minutes: env.CANARY_WINDOW_MINUTES,
      step_seconds: env.STEP_SECONDS,
      github_repository: env.GITHUB_REPOSITORY,
      gitops_manifest_path: env.GITOPS_MANIFEST_PATH,
      slack_webhook_url: env.SLACK_WEBHOOK_URL,
      github_api_url: env.GITHUB_API_URL,
      rollout_timeout_seconds: env.ROLLOUT_TIMEOUT_SECONDS,
      kubeconfig: env.KUBECONFIG,
      loki_url: env.LOKI_URL,
      llm_base_url: env.LLM_BASE_URL,
    },
  });
}

export interface KestraUpResult {
  url: string;
  /** the local Kestra's pid; undefined for a Kestra we found answering but did not start */
  pid: number | undefined;
  started: boolean;
  /** from spawning the JVM to the first answer of GET /api/v1/configs */
  readyMs?: number;
  /** LocalKestra's own start-up time, from its log */
  engineMs?: number;
  java?: string;
  built?: boolean;
}

async function waitUntilAnswering(opts: {
  settings: KestraSettings;
  state: KestraState;
  pid: number;
  exited: () => boolean;
  timeoutMs: number;
}): Promise<void> {
  const client = createKestraClient({ ...opts.settings, timeoutMs: 2000 });
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    try {
      await client.reachable();
      await client.checkCredentials();
      return;
    } catch (err) {
      if (err instanceof KestraApiError && err.status === 401) {
        throw new Error(`the Kestra at ${opts.settings.url} rejects KESTRA_USERNAME/KESTRA_PASSWORD (401); it was started with other credentials: npm run kestra:down, then kestra:up again`);
      }
      if (opts.exited()) {
        const log = existsSync(opts.state.logFile) ? readFileSync(opts.state.logFile, 'utf8') : '';
        const reason = failureFromLog(log) ?? log.trim().split('\n').slice(-5).join('\n');
        throw new Error(`the local Kestra exited during start-up: ${reason || 'no output'} (log: ${opts.state.logFile})`);
      }
      if (Date.now() > deadline) {
        throw new Error(`the local Kestra (pid ${opts.pid}) did not answer at ${opts.settings.url} within ${Math.round(opts.timeoutMs / 1000)} s: ${(err as Error).message}; see ${opts.state.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export async function kestraUp(opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; say?: Say } = {}): Promise<KestraUpResult> {
  const env = opts.env ?? process.env;
  const say = opts.say ?? defaultSay;
  const settings = kestraSettings(env);
  const state = kestraState(env);
  const timeoutMs = opts.timeoutMs ?? Number(env.KESTRA_START_TIMEOUT || 180) * 1000;
  const { host, port } = hostOf(settings);

  const running = runningKestraPid(state);
  if (running) {
    const was = startedWith(state);
    if (was.port !== undefined && (was.port !== port || was.username !== settings.username || was.password !== settings.password)) {
      throw new Error(
        `the local Kestra (pid ${running}) runs with other settings (port ${was.port}, user ${was.username}) than KESTRA_URL/KESTRA_USERNAME/KESTRA_PASSWORD now say; stop it with npm run kestra:down first`,
      );
    }
    // it may still be starting (another kestra:up): wait for it the same way
    await waitUntilAnswering({ settings, state, pid: running, exited: () => runningKestraPid(state) === undefined, timeoutMs });
    return { url: settings.url, pid: running, started: false };
  }

  if (await portAnswers(host, port)) {
    try {
      const client = createKestraClient({ ...settings, timeoutMs: 5000 });
      await client.reachable();
      await client.checkCredentials();
    } catch (err) {
      if (err instanceof KestraApiError && err.status === 401) {
        throw new Error(
          `a Kestra already answers at ${settings.url} but rejects KESTRA_USERNAME/KESTRA_PASSWORD (401): use its credentials, stop it, or set KESTRA_URL to another port (e.g. http://127.0.0.1:28080)`,
        );
      }
      throw new Error(
        `${host}:${port} is in use by another program, which does not answer as Kestra (${(err as Error).message}); ` +
          'stop it or set KESTRA_URL to another port (e.g. http://127.0.0.1:28080)',
      );
    }
    say(`a Kestra already answers at ${settings.url} with our credentials (not started by kestra:up, so kestra:down leaves it alone)`);
    return { url: settings.url, pid: undefined, started: false };
  }

  const java = findJava(env);
  mkdirSync(state.dir, { recursive: true });
  mkdirSync(state.dataDir, { recursive: true });
  const built = (await ensureModuleBuilt({ javaHome: java.home, state, say })) === 'built';
  const runtime = installRuntime();
  const jvmOptions = javaOptions(env.KESTRA_JAVA_OPTS);
  const aot = await ensureAotCache({ runtime, java: java.java, javaMajor: java.major, env, say });

  const controllerPort = await controllerPortFor(env, host, port);
  writeFileSync(
    state.configFile,
    kestraConfigYaml({ host, port, controllerPort, username: settings.username, password: settings.password, dataDir: state.dataDir }),
    { mode: 0o600 },
  );
  const { command, args } = localKestraCommand({
    java: java.java,
    configFile: state.configFile,
    jar: runtime.jar,
    libDir: runtime.libDir,
    jvmOptions: [...(aot ? [`-XX:AOTCache=${aot}`] : []), ...jvmOptions],
  });
  const log = openSync(state.logFile, 'w');
  const startedAt = Date.now();
  const child = spawn(command, args, {
    cwd: state.dir,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...env, ...flowEnvironment(settings, env) },
  });
  closeSync(log);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.once('error', () => (exited = true));
  child.unref();
  if (!child.pid) throw new Error(`cannot start ${command}`);
  writeFileSync(state.pidFile, String(child.pid));
  say(`starting Kestra ${KESTRA_VERSION} (local-kestra, pid ${child.pid}, Java ${java.major} at ${java.home ?? java.java}) on ${settings.url}; log in ${state.logFile}`);
  try {
    await waitUntilAnswering({ settings, state, pid: child.pid, exited: () => exited, timeoutMs });
  } catch (err) {
    if (!exited) {
      try {
        process.kill(child.pid, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    runningKestraPid(state); // drops the pid file once the process is gone
    throw err;
  }
  const readyMs = Date.now() - startedAt;
  // LocalKestra logs its ready line just after its API starts answering
  let engine = readyFromLog(readFileSync(state.logFile, 'utf8'));
  for (let i = 0; !engine && i < 10; i++) {
    await new Promise((r) => setTimeout(r, 100));
    engine = readyFromLog(readFileSync(state.logFile, 'utf8'));
  }
  return { url: settings.url, pid: child.pid, started: true, readyMs, ...(engine ? { engineMs: engine.ms } : {}), java: java.java, built };
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    parseCommandArgs(process.argv.slice(2), {});
    const r = await kestraUp();
    const s = kestraSettings();
    const timing =
      r.readyMs !== undefined ? `; ready in ${(r.readyMs / 1000).toFixed(1)} s${r.engineMs !== undefined ? ` (engine start-up ${(r.engineMs / 1000).toFixed(1)} s)` : ''}` : '';
    process.stdout.write(`Kestra ${r.started ? 'started' : 'already running'}: ${r.url} (user ${s.username})${r.pid ? `; pid ${r.pid}` : ''}${timing}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm run kestra:up\n' : ''}kestra:up failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
