// A V8 code cache inside each bundled task, so a Kestra task does not spend a
// third of its start-up compiling JavaScript (`npm run --silent bench:tasks`).
//
// Why this shape:
// - Node 20 has no compile cache for a CommonJS entry point (module.enableCompileCache
//   arrived in Node 22), but vm.Script accepts V8 cached data. So the bundle is a
//   small loader that compiles the task's code with the cache and runs it exactly
//   as Node's CommonJS loader would (same wrapper, same exports/require/module).
// - The cache is made at build time, by running the task once offline (the warm-up
//   runs in warm-up-runs.ts): V8 then includes every function that run compiled,
//   not only the top level. Kestra copies the bundles into a fresh directory for
//   every task run, so a cache written at run time would never be read again.
// - One file: the task's code and the cache travel inside a block comment after the
//   loader. Node skips a comment almost for free, where a string literal of the same
//   size costs ~3 ms to scan. The code never contains U+0001 (checked), which marks
//   where each part starts; the one sequence a comment cannot hold, `*` `/`, is stored
//   as `*` U+0001 `/` and put back before compiling. esbuild writes ASCII only
//   (charset: ascii, checked), so the loader reads the file as latin1.
// - A cache V8 rejects (another Node/V8 version, other V8 flags) only costs the
//   compile time saved: the code runs the same. WATCHDOG_CODE_CACHE_REPORT=1 makes the
//   loader say on stderr whether its cache was accepted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';

/** Node's own CommonJS wrapper: the bundle runs in the scope it would have had as a plain .cjs file. */
export const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
export const WRAP_TAIL = '\n})';
const MARK = '\u0001';
const SOURCE_MARK = `/*${MARK}S`;
const CACHE_MARK = `${MARK}C`;
const ESCAPED_END = `*${MARK}/`;

/** The loader at the top of every bundled task (plain CommonJS, run by `node <task>.cjs`). */
export const LOADER = `"use strict";
// deploy-watchdog task bundle: the code and its V8 code cache follow in the comment below (scripts/build/code-cache.ts).
const { readFileSync } = require("node:fs");
const { Script } = require("node:vm");
const text = readFileSync(__filename, "latin1");
const start = text.indexOf("/*\\u0001S") + 4;
const end = text.indexOf("\\u0001C", start);
const script = new Script(text.slice(start, end).replaceAll("*\\u0001/", "*/"), {
  filename: __filename,
  cachedData: Buffer.from(text.slice(end + 2, text.lastIndexOf("*/")), "base64"),
});
if (process.env.WATCHDOG_CODE_CACHE_REPORT) process.stderr.write(\`code cache: \${script.cachedDataRejected ? "rejected" : "accepted"}\\n\`);
script.runInThisContext()(exports, require, module, __filename, __dirname);
`;

/**
 * Runs the wrapped code once, as the bundle would run, and writes V8's cached data
 * on exit. Invoked as `node warm-up.cjs <wrapped-source> <cache-out> <bundle-path>`.
 */
const WARM_UP_SCRIPT = `"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { Script } = require("node:vm");
const Module = require("node:module");
const { dirname } = require("node:path");
const [source, cacheOut, bundle] = process.argv.slice(2);
const script = new Script(readFileSync(source, "latin1"), { filename: bundle });
process.on("exit", () => writeFileSync(cacheOut, script.createCachedData()));
const m = new Module(bundle, null);
m.filename = bundle;
process.argv.splice(1, 4, bundle);
script.runInThisContext()(m.exports, Module.createRequire(bundle), m, bundle, dirname(bundle));
`;

export interface WarmUp {
  /** the whole environment of the run (nothing is inherited) */
  env: Record<string, string>;
  cwd: string;
  /** the exit code the run must end with; anything else fails the build */
  status: number;
}

export class CodeCacheError extends Error {}

/** The bundle's text → the wrapped source V8 compiles (checked to fit in the comment). */
export function wrapBundle(name: string, bundle: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(bundle)) throw new CodeCacheError(`${name}: the bundle is not ASCII (esbuild charset must stay "ascii")`);
  if (bundle.includes(MARK)) throw new CodeCacheError(`${name}: the bundle contains U+0001, which marks the parts of the file`);
  return `${WRAP_HEAD}${bundle}${WRAP_TAIL}`;
}

/** The file Kestra runs: loader, then the code and cache in one comment. */
export function assembleBundle(wrapped: string, cache: Buffer): string {
  return `${LOADER}${SOURCE_MARK}${wrapped.replaceAll('*/', ESCAPED_END)}${CACHE_MARK}${cache.toString('base64')}*/\n`;
}

/** The parts of a file assembleBundle wrote (tests, bench). */
export function splitBundle(text: string): { source: string; cache: Buffer } {
  const start = text.indexOf(SOURCE_MARK) + SOURCE_MARK.length;
  const end = text.indexOf(CACHE_MARK, start);
  if (start < SOURCE_MARK.length || end < 0) throw new CodeCacheError('not a bundle with an embedded code cache');
  return {
    source: text.slice(start, end).replaceAll(ESCAPED_END, '*/'),
    cache: Buffer.from(text.slice(end + CACHE_MARK.length, text.lastIndexOf('*/')), 'base64'),
  };
}

/**
 * Replaces the esbuild output at `file` (an absolute path) by the loader + code + code cache, the cache
 * taken from one warm-up run of the task.
 */
export function embedCodeCache(file: string, warmUp: WarmUp): void {
  const name = basename(file);
  // the warm-up runs in warmUp.cwd, where a relative path would name another file
  if (!isAbsolute(file)) throw new CodeCacheError(`${file}: the bundle's path must be absolute`);
  const wrapped = wrapBundle(name, readFileSync(file, 'latin1'));
  const work = mkdtempSync(join(tmpdir(), 'watchdog-code-cache-'));
  try {
    const source = join(work, 'source.js');
    const cacheOut = join(work, 'cache.bin');
    const runner = join(work, 'warm-up.cjs');
    writeFileSync(source, wrapped, 'latin1');
    writeFileSync(runner, WARM_UP_SCRIPT);
    // plain node, no flags: V8 rejects a cache made under other flags
    const run = spawnSync(process.execPath, [runner, source, cacheOut, file], {
      cwd: warmUp.cwd,
      env: warmUp.env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60_000,
    });
    if (run.error) throw new CodeCacheError(`${name}: the warm-up run could not start: ${run.error.message}`);
    if (run.status !== warmUp.status) {
      const why = run.stderr.toString().trim().split('\n').slice(-3).join(' | ') || `signal ${run.signal}`;
      throw new CodeCacheError(`${name}: the warm-up run exited ${run.status}, expected ${warmUp.status}: ${why}`);
    }
    writeFileSync(file, assembleBundle(wrapped, readFileSync(cacheOut)), 'latin1');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
