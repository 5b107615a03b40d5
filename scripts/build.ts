// npm run build: bundles every tasks/*.ts entry with esbuild into
// dist/tasks/<name>.cjs — one self-contained file each, run by Kestra with plain
// `node` (no node_modules next to it). `--outdir DIR` builds elsewhere (a relative
// DIR is taken from the working directory, the repository root under npm run).
//
// A plain esbuild bundle: CommonJS (no ES module loader at start-up), minified. A
// dependency needed only on some paths is loaded there with `import()` in the source
// (axios: src/collect/load-axios.ts, the openai SDK: src/llm/chat-client.ts, Octokit:
// src/actions/github-target.ts, child_process: src/actions/rollback.ts); esbuild keeps
// it inside the bundle and initialises it only when that `import()` runs.
// No code cache, no warm-up runs, no stand-ins: a task's cost on Kestra is the
// engine's scheduling and the process start, not node's own start-up
// (`npm run --silent bench:e2e`, README.md "Kestra task scripts").
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TASKS_DIR = join(ROOT, 'tasks');

/**
 * Bundles every task into `outputDir` (relative: from the working directory) and
 * returns the absolute paths of the bundles.
 */
export async function buildTasks(outputDir: string): Promise<string[]> {
  const outdir = resolve(outputDir);
  const names = readdirSync(TASKS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  await build({
    entryPoints: names.map((n) => join(TASKS_DIR, `${n}.ts`)),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outExtension: { '.js': '.cjs' },
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // bundles were ES modules (<name>.mjs) before: kestra:deploy uploads all of dist/tasks
  for (const n of names) rmSync(join(outdir, `${n}.mjs`), { force: true });
  return names.map((n) => join(outdir, `${n}.cjs`));
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    const { values } = parseCommandArgs(process.argv.slice(2), {
      outdir: { type: 'string', default: join(ROOT, 'dist/tasks') },
    });
    const files = await buildTasks(values.outdir!);
    for (const f of files) process.stdout.write(`built ${f}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm run build -- [--outdir DIR]\n' : ''}build failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
