// Generates the mock deployment scenarios in mock-data/scenarios/ (format v1,
// see shared/scenario-format.md): one pretty-printed JSON file per scenario,
// `<id>.json`. The data is synthetic but seeded, so the output is
// byte-for-byte reproducible; test/scenarios/generated.test.ts fails if the
// committed files differ from what this script writes. Never edit the JSON by
// hand: change the definitions and regenerate.
//
// Regenerate:
//   npm run generate:scenarios                 (= npx tsx scripts/generate-scenarios.ts)
// Options:
//   --out DIR   where to write (default mock-data/scenarios)
//   --seed N    PRNG seed (default 20260105). Another seed changes the noise,
//               never the shape of a scenario nor its expected decision.
//
// Add a scenario:
//   1. Append an entry to the table in scripts/scenarios/regressions.ts
//      (id `regress-…`, expected ROLLBACK) or scripts/scenarios/healthy.ts
//      (id `healthy-…`, expected CONTINUE). Use the next free `deploy` number.
//   2. Build its metrics from the helpers in scripts/scenarios/builders.ts:
//      g.flat(level, sd), g.step(before, after, sd), g.ramp(from, to, start, end),
//      g.trend, g.diurnal, g.ar1, g.spike, g.sawtooth, g.withNulls, g.gap,
//      combined with sum()/times(); then g.pct / g.ms / g.rps / g.count /
//      g.metric turn a curve into the { baseline, canary } series.
//   3. Set `expected` from how you built it (what an SRE would decide looking
//      at the data), never from what some judge happens to answer.
//   4. Tag it with `categories` (scripts/scenarios/types.ts), run this script,
//      then `npx vitest run test/scenarios`, and commit the JSON with the code.
//
// Each scenario draws from its own random streams (seeded by seed + id), so
// adding or editing one scenario leaves every other file unchanged.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_SEED, generate } from './scenarios/generate.js';

interface Options {
  out: string;
  seed: number;
}

const USAGE = 'usage: tsx scripts/generate-scenarios.ts [--out DIR] [--seed N]';

function parseArgs(argv: string[]): Options {
  const opts: Options = { out: 'mock-data/scenarios', seed: DEFAULT_SEED };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--out':
        opts.out = value();
        break;
      case '--seed': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new Error(`--seed expects an integer 0..4294967295, got "${v}"`);
        opts.seed = Number(v);
        break;
      }
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        return process.exit(0);
      default:
        throw new Error(`unknown argument "${arg}"\n${USAGE}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const files = generate(opts.seed);
  const dir = resolve(opts.out);
  await mkdir(dir, { recursive: true });
  for (const f of files) await writeFile(resolve(dir, f.file), f.text, 'utf8');

  const written = new Set(files.map((f) => f.file));
  const stale = (await readdir(dir)).filter((name) => name.endsWith('.json') && !written.has(name)).sort();
  const rollbacks = files.filter((f) => f.scenario.expected === 'ROLLBACK').length;
  process.stdout.write(
    `wrote ${files.length} scenarios to ${dir} (seed ${opts.seed}; ${rollbacks} ROLLBACK, ${files.length - rollbacks} CONTINUE)\n`,
  );
  if (stale.length > 0) {
    process.stderr.write(`warning: ${dir} also holds files this generator does not write: ${stale.join(', ')}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
