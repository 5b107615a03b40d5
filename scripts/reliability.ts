// npm run --silent reliability -- [PATH...] [--seeds 1,2,3] [--runs 400] [--json]
// How far to trust the confidence a decision states: a reliability table
// (confidence bins against observed accuracy, and the expected calibration
// error) for each set of scenario files given, decided as `evaluate` decides
// them, and for the synthetic KPI bench (bench:generalisation's deployments)
// on each seed. Text by default; --json prints one JSON object.
import { parseCommandArgs, runCommandMain, UsageError } from '../src/cli/args.js';
import { configOrExit } from '../src/config/env.js';
import { createChatClientFromSettings } from '../src/decision/decide.js';
import { decideScenarioFiles } from '../src/evaluation/decide-files.js';
import { formatReliability, reliabilityTable, type ReliabilityTable } from '../src/evaluation/reliability.js';
import { judge } from '../src/judge/judge.js';
import { createLogger } from '../src/log.js';
import { syntheticDeployments } from './scenarios/synthetic-kpis.js';

const USAGE = 'usage: npm run --silent reliability -- [PATH...] [--seeds 1,2,3] [--runs 400] [--json]';

async function main(): Promise<number> {
  const config = configOrExit();
  const { values, positionals } = parseCommandArgs(process.argv.slice(2), {
    seeds: { type: 'string', default: '1,2,3' },
    runs: { type: 'string', default: '400' },
    json: { type: 'boolean', default: false },
  });
  const seeds = String(values.seeds).split(',').filter(Boolean).map(Number);
  const runs = Number(values.runs);
  if (seeds.some((s) => !Number.isInteger(s)) || !Number.isInteger(runs) || runs < 1) {
    throw new UsageError('--seeds takes integers separated by commas, --runs a positive integer');
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ? config.logLevel : 'warn' });
  const llm = createChatClientFromSettings(config.llm);
  const tables: Record<string, ReliabilityTable> = {};
  let invalid = 0;
  for (const path of positionals) {
    const decided = await decideScenarioFiles([path], {
      config,
      logger,
      ...(llm ? { llm } : {}),
      onInvalid: (message) => process.stderr.write(`${message}\n`),
    });
    invalid += decided.invalid;
    tables[path] = reliabilityTable(decided.cases);
  }
  for (const seed of seeds) {
    const cases = syntheticDeployments(runs, seed).map((d) => {
      const r = judge(d.input, config.judge);
      return { id: d.id, decision: r.decision, confidence: r.confidence, decided_by: 'judge', expected: d.expected };
    });
    tables[`synthetic seed ${seed}`] = reliabilityTable(cases);
  }
  if (values.json) process.stdout.write(`${JSON.stringify({ tables, invalid })}\n`);
  else process.stdout.write(`${Object.entries(tables).map(([name, t]) => formatReliability(name, t)).join('\n\n')}\n`);
  return invalid > 0 ? 1 : 0;
}

runCommandMain('reliability', USAGE, main);
