// npm run build: bundles every tasks/*.ts entry with esbuild into
// dist/tasks/<name>.cjs — one file each, run by Kestra with plain `node` (no
// node_modules next to it). `--outdir DIR` builds elsewhere (a relative DIR is taken
// from the working directory, the repository root under npm run).
//
// A plain esbuild bundle: CommonJS (no ES module loader at start-up), minified. A
// dependency needed only on some paths is loaded there with `import()` in the source
// (axios: src/collect/load-axios.ts, the openai SDK: src/llm/chat-client.ts, Octokit:
// src/actions/github-target.ts). Those three are bundled once each into
// dist/tasks/lib/<name>.cjs, and a task's `import()` of one becomes a `require` of that
// file, so a task that never takes the path never reads or compiles it: node compiles
// a whole bundle at start-up, and the three were two thirds of the bundles that had
// them (collect-metrics 396 KB → 118 KB, decide 316 KB → ~150 KB; `npm run --silent
// bench:e2e`, README.md "Kestra task scripts"). A flow task whose bundle requires a
// library lists it in its namespaceFiles (the flow contract test checks).
// tasks/run.ts is built the same way into dist/tasks/run.cjs, the launcher the flows run
// each bundle through (`node dist/tasks/run.cjs dist/tasks/<task>.cjs`): it keeps V8's
// compiled code between runs, made by the runs themselves (src/task-io/code-cache.ts).
// The build makes no code cache and runs nothing; no warm-up runs, no stand-ins, and
// every bundle still runs with `node dist/tasks/<task>.cjs`.
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TASKS_DIR = join(ROOT, 'tasks');

/** The lazily imported packages, each with its file under `<outdir>/lib/`. */
export const LAZY_LIBRARIES: Readonly<Record<string, string>> = {
  axios: 'axios.cjs',
  openai: 'openai.cjs',
  '@octokit/rest': 'octokit-rest.cjs',
};

const LIBRARY_DIR = 'lib';

/** `import('<lazy package>')` → `require('./lib/<file>')`, beside the bundle; static imports stay bundled. */
const lazyLibraries: Plugin = {
  name: 'lazy-libraries',
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) => {
      const file = LAZY_LIBRARIES[args.path];
      return file && args.kind === 'dynamic-import' ? { path: `./${LIBRARY_DIR}/${file}`, external: true } : undefined;
    });
  },
};

/** The library files (`lib/<file>`) a built bundle requires, from its text. */
export function requiredLibraries(bundleText: string): string[] {
  const found = new Set<string>();
  for (const m of bundleText.matchAll(/require\(["']\.\/lib\/([a-z0-9.-]+\.cjs)["']\)/g)) found.add(`${LIBRARY_DIR}/${m[1]}`);
  return [...found].sort();
}

/**
 * Whether a built bundle may open a TLS connection: it loads an HTTP client library or
 * uses node's https, tls or http2, or fetch. A task whose bundle cannot may run without
 * NODE_EXTRA_CA_CERTS (flows/devops-loop.yml blanks it: Node 20 parses its CA store at
 * every start while it is set).
 */
export function mayOpenTls(bundleText: string): boolean {
  return requiredLibraries(bundleText).length > 0 || /require\(["'](?:node:)?(?:https|tls|http2)["']\)|\bfetch\(/.test(bundleText);
}

const COMMON = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, sourcemap: false, legalComments: 'none', logLevel: 'warning' } as const;

/**
 * Bundles every task into `outputDir` (relative: from the working directory), and
 * each lazy library into `outputDir/lib/`; returns the absolute paths written.
 */
export async function buildTasks(outputDir: string): Promise<string[]> {
  const outdir = resolve(outputDir);
  const names = readdirSync(TASKS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.replace(/\.ts$/, ''));
  const libraries = Object.entries(LAZY_LIBRARIES);
  await Promise.all([
    build({
      ...COMMON,
      entryPoints: names.map((n) => join(TASKS_DIR, `${n}.ts`)),
      outdir,
      outExtension: { '.js': '.cjs' },
      plugins: [lazyLibraries],
      // an external `import()` would stay one (node's ES module loader, and no named
      // exports of a CommonJS file): as a require it loads like the rest of the bundle
      supported: { 'dynamic-import': false },
    }),
    ...libraries.map(([pkg, file]) =>
      build({
        ...COMMON,
        stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: ROOT, sourcefile: `${pkg}-library.js`, loader: 'js' },
        outfile: join(outdir, LIBRARY_DIR, file),
      }),
    ),
  ]);
  // bundles were ES modules (<name>.mjs) before: kestra:deploy uploads all of dist/tasks
  for (const n of names) rmSync(join(outdir, `${n}.mjs`), { force: true });
  return [...names.map((n) => join(outdir, `${n}.cjs`)), ...libraries.map(([, file]) => join(outdir, LIBRARY_DIR, file))];
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
