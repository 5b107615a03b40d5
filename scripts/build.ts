// npm run build: bundles every tasks/*.ts entry with esbuild into
// dist/tasks/<name>.mjs — one self-contained file each, run by Kestra with plain
// `node` (no node_modules next to it). `--outdir DIR` builds elsewhere (tests).
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { lazyBuiltinsPlugin, replacementsPlugin } from './build/cold-start-plugins.js';

const TASKS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'tasks');

export async function buildTasks(outdir: string): Promise<string[]> {
  const names = readdirSync(TASKS_DIR).filter((f) => f.endsWith('.ts'));
  const entries = names.map((f) => join(TASKS_DIR, f));
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outExtension: { '.js': '.mjs' },
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    // Bundled CommonJS dependencies still call require() for Node built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    // Cold start: a task loads only what its path needs (scripts/build/cold-start-plugins.ts).
    plugins: [replacementsPlugin(), lazyBuiltinsPlugin()],
  });
  return names.map((f) => join(outdir, f.replace(/\.ts$/, '.mjs')));
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  try {
    const { values } = parseCommandArgs(process.argv.slice(2), { outdir: { type: 'string', default: 'dist/tasks' } });
    const files = await buildTasks(values.outdir!);
    for (const f of files) process.stdout.write(`built ${f}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof UsageError ? 'usage: npm run build -- [--outdir DIR]\n' : ''}build failed: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
