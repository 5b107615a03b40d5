// esbuild plugins that keep a bundled Kestra task's cold start small
// (`npm run --silent bench:tasks`). None changes what the code does on any path
// the tasks take; each says why it is safe.
import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

const BUILTINS = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || BUILTINS.has(spec);

/**
 * Node built-ins imported by ES modules become `require()` calls, run when the
 * importing module initialises.
 *
 * 1. esbuild hoists every `import x from 'http'` of the bundle to its top, so Node
 *    loads http, https, http2, zlib, crypto, tls… before the first line runs, even
 *    for a package the task only loads on demand (axios behind `await import()`,
 *    which esbuild wraps in a lazy initialiser). Routed through a tiny CommonJS
 *    module (`module.exports = require('node:http')`), the built-in is loaded when
 *    that package is.
 * 2. Node's ES module facade of a built-in reads every export once, so
 *    `import { writeSync } from 'node:fs'` also runs fs's lazy getters (ReadStream…,
 *    which load the whole streams machinery); require() does not.
 */
export function lazyBuiltinsPlugin(): Plugin {
  return {
    name: 'lazy-builtins',
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/0-9]+$/ }, (args) => {
        if (args.kind !== 'import-statement' || !isBuiltin(args.path)) return undefined;
        return { path: args.path.startsWith('node:') ? args.path : `node:${args.path}`, namespace: 'lazy-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
}

interface Replacement {
  /** the package name as required */
  module: string;
  /** only when required from a file whose path matches (a dependency's own require) */
  importer?: RegExp;
  /** CommonJS source of the replacement */
  contents: string;
  why: string;
}

/**
 * Dependencies of dependencies that the tasks provably never use, or use only in
 * a way a smaller stand-in does exactly the same.
 */
export const REPLACEMENTS: Replacement[] = [
  {
    module: 'form-data',
    importer: /[\\/]node_modules[\\/]axios[\\/]/,
    why:
      'axios needs the form-data package only to build multipart/form-data bodies (toFormData, postForm); ' +
      'we send JSON and urlencoded bodies (Prometheus, Loki), never multipart. form-data pulls in mime-types ' +
      'and mime-db (134 KB).',
    contents: `module.exports = class FormData {
  constructor() {
    throw new Error('form-data is not bundled (scripts/build/cold-start-plugins.ts): this task never sends multipart/form-data bodies');
  }
};`,
  },
  {
    module: 'thread-stream',
    importer: /[\\/]node_modules[\\/]pino[\\/]/,
    why:
      'pino needs thread-stream only for pino.transport() (log transports in worker threads); src/log.ts ' +
      'writes to a file descriptor, synchronously, with no transport.',
    contents: `module.exports = class ThreadStream {
  constructor() {
    throw new Error('thread-stream is not bundled (scripts/build/cold-start-plugins.ts): pino transports are not used');
  }
};`,
  },
  {
    module: 'worker_threads',
    importer: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]tools\.js$/,
    why:
      'pino reads only isMainThread from worker_threads (to register its exit flush); a bundled task is ' +
      'the script node runs, always on the main thread.',
    contents: `module.exports = { isMainThread: true };`,
  },
  {
    module: 'assert',
    importer: /[\\/]node_modules[\\/]sonic-boom[\\/]/,
    why:
      "sonic-boom (pino's destination) calls assert(value, message) once, when a stream closes. Loading " +
      'node:assert at start-up also creates process.stderr; this stand-in loads it only when the assertion fails, ' +
      'which then throws the very same AssertionError.',
    contents: `module.exports = function assert(value, message) {
  if (!value) require('node:assert')(value, message);
};`,
  },
];

export function replacementsPlugin(replacements: Replacement[] = REPLACEMENTS): Plugin {
  return {
    name: 'replacements',
    setup(build) {
      replacements.forEach((r, index) => {
        const filter = new RegExp(`^(node:)?${r.module.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}$`);
        build.onResolve({ filter }, (args) =>
          !r.importer || r.importer.test(args.importer) ? { path: `${index}:${r.module}`, namespace: 'replacement' } : undefined,
        );
      });
      build.onLoad({ filter: /.*/, namespace: 'replacement' }, (args) => {
        const r = replacements[Number(args.path.split(':')[0])]!;
        return { contents: `// ${r.module}: ${r.why}\n${r.contents}\n`, loader: 'js' };
      });
    },
  };
}
