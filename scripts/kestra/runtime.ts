// What the local Kestra's JVM runs from.
//
// A copy of the built module, one per build (named by the build's jar stamps) and
// shared by every state directory of this checkout, under .cache/local-kestra/
// (git-ignored): a rebuild or `mvn clean` in local-kestra/ never pulls jars from
// under a running Kestra, and tests with private KESTRA_HOMEs reuse one copy.
//
// On Java 25+, beside it, an AOT cache of the engine's start-up (JDK's own
// -XX:AOTCacheOutput / -XX:AOTCache, JEP 483 and 514; nothing outside the JDK):
// made once per build by a training run (start the engine on a throwaway
// configuration, wait until it is ready, stop it; the JVM writes the cache as it
// exits). With it the engine loads and links its ~20,000 classes from the cache
// instead of parsing jars, which halves its start-up. A cache the JVM cannot use
// (another JDK, a changed classpath) is ignored by the JVM with a warning in the
// log, never an error. KESTRA_AOT=off leaves it out.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kestraConfigYaml, localKestraCommand, readyFromLog } from '../../src/kestra/install.js';
import { freeLoopbackPort } from '../../src/util/free-port.js';
import { ROOT } from './state.js';

export const MODULE_DIR = join(ROOT, 'local-kestra');
export const MODULE_JAR = join(MODULE_DIR, 'target/local-kestra.jar');
export const MODULE_LIB = join(MODULE_DIR, 'target/lib');
const RUNTIMES = join(ROOT, '.cache/local-kestra');

/** The Java version whose JVM can make and use an AOT cache with -XX:AOTCacheOutput. */
export const AOT_MIN_JAVA = 25;
const TRAINING_TIMEOUT_MS = 240_000;

export interface Runtime {
  dir: string;
  jar: string;
  libDir: string;
}

/** The runtime copy of the current build, made when missing (atomically: a half-copied runtime is never used). */
export function installRuntime(): Runtime {
  const libs = readdirSync(MODULE_LIB).filter((f) => f.endsWith('.jar')).sort();
  const jarStat = statSync(MODULE_JAR);
  const stamp = `${jarStat.mtimeMs}:${jarStat.size}:${libs.map((f) => `${f}:${statSync(join(MODULE_LIB, f)).size}`).join(',')}`;
  const dir = join(RUNTIMES, `runtime-${createHash('sha256').update(stamp).digest('hex').slice(0, 16)}`);
  const runtime = { dir, jar: join(dir, 'local-kestra.jar'), libDir: join(dir, 'lib') };
  if (existsSync(join(dir, 'build.stamp'))) return runtime;
  mkdirSync(RUNTIMES, { recursive: true });
  const partial = mkdtempSync(join(RUNTIMES, 'partial-'));
  try {
    mkdirSync(join(partial, 'lib'));
    cpSync(MODULE_JAR, join(partial, 'local-kestra.jar'));
    for (const f of libs) cpSync(join(MODULE_LIB, f), join(partial, 'lib', f));
    writeFileSync(join(partial, 'build.stamp'), stamp);
    renameSync(partial, dir);
    pruneRuntimes(dir);
  } catch (err) {
    rmSync(partial, { recursive: true, force: true });
    if (existsSync(join(dir, 'build.stamp'))) return runtime; // another process installed it meanwhile
    throw new Error(`cannot copy the built local-kestra into ${dir} (${(err as Error).message}); is a build running in local-kestra/? Try again when it has finished`);
  }
  return runtime;
}

/**
 * Removes the runtimes of earlier builds (~200 MB each with their AOT cache) that no
 * running process uses. Linux only (/proc tells which command lines name them);
 * elsewhere they stay.
 */
function pruneRuntimes(keep: string): void {
  if (!existsSync('/proc/self/cmdline')) return;
  const commandLines: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      commandLines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // gone, or not ours to read
    }
  }
  for (const name of readdirSync(RUNTIMES)) {
    const dir = join(RUNTIMES, name);
    if (dir === keep || !name.startsWith('runtime-')) continue;
    if (commandLines.some((c) => c.includes(dir))) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The runtime's AOT cache file (it may not exist yet). */
export const aotCacheFile = (runtime: Runtime) => join(runtime.dir, 'kestra.aot');

/**
 * The AOT cache for this runtime, made by a training run when missing; undefined
 * when Java is older than 25, KESTRA_AOT=off, another process is making it right
 * now (this start goes without), or the training failed (its log says why).
 */
export async function ensureAotCache(opts: {
  runtime: Runtime;
  java: string;
  javaMajor: number;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}): Promise<string | undefined> {
  if (opts.javaMajor < AOT_MIN_JAVA || opts.env.KESTRA_AOT?.trim().toLowerCase() === 'off') return undefined;
  const cache = aotCacheFile(opts.runtime);
  if (existsSync(cache)) return cache;
  const lock = join(opts.runtime.dir, 'aot.lock');
  try {
    closeSync(openSync(lock, 'wx'));
  } catch {
    // Someone trains now; a lock older than a training can take is left over from a crash.
    if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs < 2 * TRAINING_TIMEOUT_MS) return undefined;
    rmSync(lock, { force: true });
    return ensureAotCache(opts);
  }
  const log = join(opts.runtime.dir, 'aot-training.log');
  opts.say(`making an AOT cache of the engine's start-up (once per build, about a minute; Java ${opts.javaMajor}); log in ${log}`);
  const started = Date.now();
  try {
    const made = await trainingRun({ ...opts, output: `${cache}.partial`, log });
    if (!made) {
      opts.say(`no AOT cache: the training run did not produce one (see ${log}); starting without`);
      return undefined;
    }
    renameSync(`${cache}.partial`, cache);
    opts.say(`AOT cache ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${cache}`);
    return cache;
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Starts the engine on a throwaway configuration with -XX:AOTCacheOutput, waits until ready, stops it. */
async function trainingRun(opts: { runtime: Runtime; java: string; output: string; log: string }): Promise<boolean> {
  const scratch = mkdtempSync(join(RUNTIMES, 'training-'));
  try {
    const [port, controllerPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    const configFile = join(scratch, 'application.yml');
    writeFileSync(
      configFile,
      kestraConfigYaml({ host: '127.0.0.1', port, controllerPort, username: 'training@local', password: 'training', dataDir: join(scratch, 'data') }),
      { mode: 0o600 },
    );
    const { command, args } = localKestraCommand({
      java: opts.java,
      configFile,
      jar: opts.runtime.jar,
      libDir: opts.runtime.libDir,
      jvmOptions: [`-XX:AOTCacheOutput=${opts.output}`],
    });
    const out = openSync(opts.log, 'w');
    const child = spawn(command, args, { cwd: scratch, stdio: ['ignore', out, out], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    closeSync(out);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const deadline = Date.now() + TRAINING_TIMEOUT_MS;
    let ready = false;
    let gone = false;
    void exited.then(() => (gone = true));
    while (!ready && !gone && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      ready = readyFromLog(readFileSync(opts.log, 'utf8')) !== undefined;
    }
    if (!gone) child.kill('SIGTERM'); // the JVM writes the cache while it exits
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(10_000, deadline - Date.now()));
    await exited;
    clearTimeout(timer);
    return ready && existsSync(opts.output);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(`${opts.output}.config`, { force: true });
  }
}
