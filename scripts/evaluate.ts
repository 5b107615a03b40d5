// npm run --silent evaluate -- PATH...
// Decides every scenario with the same code the Kestra flow runs and prints one
// JSON document (the contract in ../shared/scenario-format.md). Invalid files are
// reported on stderr, counted in summary.invalid, and make the exit code 1. A
// scenario that cannot be decided (the decision threw) is handled the same way:
// reported with its path and the error, counted in summary.invalid, and the
// other scenarios are still decided and printed.
import { UsageError, parseCommandArgs, runCommandMain } from '../src/cli/args.js';
import { configOrExit } from '../src/config/env.js';
import { createChatClientFromSettings } from '../src/decision/decide.js';
import { decideScenarioFiles } from '../src/evaluation/decide-files.js';
import { summarize } from '../src/evaluation/summary.js';
import { createLogger } from '../src/log.js';

const USAGE = 'usage: npm run --silent evaluate -- PATH... (scenario files, or directories searched for *.json)';

async function main(): Promise<number> {
  const config = configOrExit();
  const { positionals } = parseCommandArgs(process.argv.slice(2), {});
  if (positionals.length === 0) throw new UsageError('no scenario paths given');
  // stdout carries the result document only; logs go to stderr, quiet unless asked.
  const logger = createLogger({ level: process.env.LOG_LEVEL ? config.logLevel : 'warn' });
  const llm = createChatClientFromSettings(config.llm);

  const { cases, invalid } = await decideScenarioFiles(positionals, {
    config,
    logger,
    ...(llm ? { llm } : {}),
    onInvalid: (message) => process.stderr.write(`${message}\n`),
  });
  process.stdout.write(`${JSON.stringify({ cases, summary: summarize(cases, invalid) }, null, 2)}\n`);
  return invalid > 0 ? 1 : 0;
}

runCommandMain('evaluate', USAGE, main);
