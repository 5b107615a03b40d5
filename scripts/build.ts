// npm run build: bundles every tasks/*.ts entry with esbuild into
// dist/tasks/<name>.cjs — one self-contained file each, run by Kestra with plain
// `node` (no node_modules next to it). `--outdir DIR` builds elsewhere (a relative
// DIR is taken from the working directory, the repository root under npm run).
//
// CommonJS, not an ES module: Node starts a .cjs entry ~5 ms sooner (no ES module
// loader). `--code-cache` embeds a V8 code cache from a warm-up run of each task
// (scripts/build/code-cache.ts); off by default: the cached bundle runs in a vm.Script
// with no dynamic-import callback, so the lazily imported paths (kubectl's
// child_process, Octokit) fail there — found by running the flows on Kestra.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { freeLoopbackPort } from '../src/util/free-port.js';
import { CodeCacheError, embedCodeCache } from './build/code-cache.js';
import { lazyBuiltinsPlugin, replacementsPlugin } from './build/cold-start-plugins.js';
import { WARM_UP_TASKS, warmUpRuns } from './build/warm-up-runs.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TASKS_DIR = join(ROOT, 'tasks');

export interface BuildOptions {
  /** embed a V8 code cache from a warm-up run (default false: see the header) */
  codeCache?: boolean;
}

/**
 * Bundles every task into `outputDir` (relative: from the working directory) and
 * returns the absolute paths of the bundles.
 */
export async function buildTasks(outputDir: string, options: BuildOptions = {}): Promise<string[]> {
  // once, here: the warm-up runs work in a scratch directory of their own, where a
  // relative path would name nothing (and Module.createRequire refuses one)
  const outdir = resolve(outputDir);
  const names = readdirSync(TASKS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  const missing = names.filter((n) => !WARM_UP_TASKS.includes(n));
  if (options.codeCache === true && missing.length > 0) {
    throw new CodeCacheError(`no warm-up run for ${missing.join(', ')}: add one in scripts/build/warm-up-runs.ts`);
  }
  await build({
    entryPoints: names.map((n) => join(TASKS_DIR, `${n}.ts`)),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    // the code cache's loader reads the file as latin1 (code-cache.ts checks it)
    charset: 'ascii',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    // Cold start: a task loads only what its path needs (scripts/build/cold-start-plugins.ts).
    plugins: [replacementsPlugin(), lazyBuiltinsPlugin()],
  });
  const files = new Map(names.map((n) => [n, join(outdir, `${n}.cjs`)]));
  // bundles were ES modules (<name>.mjs) before: kestra:deploy uploads all of dist/tasks
  for (const n of names) rmSync(join(outdir, `${n}.mjs`), { force: true });
  if (options.codeCache === true) {
    const work = mkdtempSync(join(tmpdir(), 'watchdog-warm-up-'));
    try {
      // a port nothing listens on: every URL of the warm-up runs is refused at once
      for (const [name, warmUp] of warmUpRuns(ROOT, work, `http://127.0.0.1:${await freeLoopbackPort()}`)) {
        const file = files.get(name);
        if (file) embedCodeCache(file, warmUp);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return [...files.values()];
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    const { values } = parseCommandArgs(process.argv.slice(2), {
      outdir: { type: 'string', default: join(ROOT, 'dist/tasks') },
      'code-cache': { type: 'boolean', default: false },
    });
    const files = await buildTasks(values.outdir!, { codeCache: values['code-cache'] === true });
    for (const f of files) process.stdout.write(`built ${f}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm run build -- [--outdir DIR] [--code-cache]\n' : ''}build failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
