// What dist/tasks/run.cjs does (tasks/run.ts): `node dist/tasks/run.cjs dist/tasks/<task>.cjs`
// runs a task bundle as `node dist/tasks/<task>.cjs` would, compiled with V8's code cache
// (Node's public vm.Script `cachedData`, the mechanism of Node 22's compile cache, which
// Node 20 lacks). Why: a task is a short process, and compiling its bundle's functions
// as they first run is about a third of its own cost (measured with npm run bench:e2e:
// README.md, "Kestra task scripts").
//
// Nothing is made at build time: the first run of a bundle compiles it as usual and
// saves the cache as it exits; later runs of the same bundle (same bytes, Node version
// and architecture) use it. A cache V8 rejects (other V8 flags) is made again. The cache
// lives in WATCHDOG_CODE_CACHE_DIR (default <tmpdir>/deploy-watchdog-code-cache-<uid>),
// used only when it is a directory of this user that nobody else can write; `off` turns
// the cache off. Any cache problem only costs the compile: the task itself is never
// affected, and this program prints nothing of its own except when the bundle is missing.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { Script, constants } from 'node:vm';

/** The cache file of one bundle: its name and bytes, the Node version and the architecture. */
export function cacheFileName(bundlePath: string, source: string, nodeVersion: string, arch: string): string {
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  return `${basename(bundlePath, '.cjs')}-${digest}-${nodeVersion}-${arch}.v8cache`;
}

/** The cache directory to use, or undefined: turned off, not creatable, or writable by others. */
export function cacheDirectory(env: NodeJS.ProcessEnv, uid: number | undefined): string | undefined {
  const configured = env.WATCHDOG_CODE_CACHE_DIR?.trim();
  if (configured === 'off' || uid === undefined) return undefined;
  const dir = resolve(configured || join(tmpdir(), `deploy-watchdog-code-cache-${uid}`));
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    // another user's file could hold code this process would run
    return st.isDirectory() && st.uid === uid && (st.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically and removes the caches of other builds of the same bundle. */
export function saveCache(dir: string, bundleName: string, file: string, data: Buffer): void {
  try {
    const tmp = join(dir, `.${file}.${process.pid}`);
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, join(dir, file));
    const sameBundle = new RegExp(`^${bundleName.replace(/[^a-z0-9]/gi, '\\$&')}-[0-9a-f]{16}-.*\\.v8cache$`);
    for (const other of readdirSync(dir)) if (other !== file && sameBundle.test(other)) rmSync(join(dir, other), { force: true });
  } catch {
    // a cache that cannot be written only costs the next run its compile
  }
}

/** Runs the bundle named by argv[2] (the process's own argv and environment). */
export function runBundle(): void {
  const arg = process.argv[2];
  if (!arg) {
    process.stderr.write('usage: node dist/tasks/run.cjs dist/tasks/<task>.cjs\n');
    process.exit(2);
  }
  const bundle = resolve(arg);
  let source: string;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch (err) {
    process.stderr.write(`run.cjs: cannot read ${arg} (${(err as Error).message}); is it in the task's namespaceFiles include?\n`);
    process.exit(1);
  }
  // as with `node <bundle>`: argv[1] is the bundle
  process.argv.splice(1, 2, bundle);

  const dir = cacheDirectory(process.env, process.getuid?.());
  const file = dir ? cacheFileName(bundle, source, process.version, process.arch) : undefined;
  let cachedData: Buffer | undefined;
  if (dir && file) {
    try {
      cachedData = readFileSync(join(dir, file));
    } catch {
      // first run of this bundle: compiled as usual, saved at exit
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
    // import() in a bundle loads as in a module node runs itself
    ...(constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER ? { importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER } : {}),
  });
  if (dir && file && (!cachedData || script.cachedDataRejected)) {
    // at exit, the cache holds every function the run compiled, not only the top level
    process.once('exit', () => saveCache(dir, basename(bundle, '.cjs'), file, script.createCachedData()));
  }
  const module = { exports: {}, filename: bundle, id: '.', loaded: false };
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  module.loaded = true;
}

