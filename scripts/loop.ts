// npm run loop -- [--scenario FILE|NAME] [--json]
// Runs one deployment in process through the same steps as the Kestra flow.
// With no --scenario it runs the embedded default, the payment-service memory leak.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openFixPr } from '../src/actions/fix-pr.js';
import { githubTarget } from '../src/actions/github-target.js';
import { createKubectlRunner, performRollback } from '../src/actions/rollback.js';
import { UsageError, parseCommandArgs } from '../src/cli/args.js';
import { configOrExit } from '../src/config/env.js';
import { createChatClientFromSettings } from '../src/decision/decide.js';
import { createLogger } from '../src/log.js';
import { loopReportJson, loopReportText, runLoop } from '../src/pipeline/run-loop.js';
import { ScenarioError, loadScenarioFile } from '../src/scenario/load.js';

const DEFAULT_SCENARIO = 'memory-leak-payment';
const SCENARIO_DIR = 'mock-data/scenarios';
const USAGE = 'usage: npm run loop -- [--scenario FILE|NAME] [--json]';

/** A path to a file, or the name of a scenario in mock-data/scenarios. */
function resolveScenario(arg: string): string {
  if (existsSync(arg)) return arg;
  const named = join(SCENARIO_DIR, `${arg.replace(/\.json$/, '')}.json`);
  if (existsSync(named)) return named;
  throw new UsageError(`no scenario file "${arg}" and no scenario of that name in ${SCENARIO_DIR}/`);
}

async function main(): Promise<void> {
  const config = configOrExit();
  const { values } = parseCommandArgs(process.argv.slice(2), {
    scenario: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const file = resolveScenario(values.scenario ?? DEFAULT_SCENARIO);
  const scenario = await loadScenarioFile(file, { defaultNamespace: config.kube.namespace });
  const logger = createLogger({ level: process.env.LOG_LEVEL ? config.logLevel : values.json ? 'warn' : 'info' });
  const llm = createChatClientFromSettings(config.llm);
  const github = await githubTarget(config, logger);
  const kubectl = createKubectlRunner();
  const report = await runLoop(scenario, {
    rollback: (target) =>
      performRollback({ ...target, timeoutSeconds: config.kube.rolloutTimeoutSeconds }, { kubectl, dryRun: config.dryRun, logger }),
    fixPr: (input) => openFixPr(input, { ...github, logger }),
    thresholds: config.judge,
    trainingDataDir: config.trainingDataDir,
    ...(config.kube.context ? { kubeContext: config.kube.context } : {}),
    ...(llm ? { llm } : {}),
    logger,
    now: () => new Date(),
  });
  process.stdout.write(values.json ? `${JSON.stringify(loopReportJson(report))}\n` : `${loopReportText(report)}\n`);
  if (report.rollback.status === 'failed' || report.pull_request.status === 'failed') process.exitCode = 1;
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof ScenarioError) {
    process.stderr.write(`invalid scenario: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`loop failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
