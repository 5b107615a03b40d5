// Decides scenario files with the same code the Kestra flow runs: shared by the
// evaluate and reliability commands. A file that is not a valid scenario, or a
// scenario whose decision throws, is reported through `onInvalid` and counted;
// the other files are still decided.
import type { AppConfig } from '../config/env.js';
import { decide, decideInput } from '../decision/decide.js';
import type { ChatClient } from '../llm/chat-client.js';
import type { Logger } from '../log.js';
import { ScenarioError, expandScenarioPaths, loadScenarioFile } from '../scenario/load.js';
import type { EvaluatedCase } from './summary.js';

export interface DecidedFiles {
  cases: EvaluatedCase[];
  invalid: number;
}

export async function decideScenarioFiles(
  paths: string[],
  deps: { config: AppConfig; logger: Logger; llm?: ChatClient; onInvalid: (message: string) => void },
): Promise<DecidedFiles> {
  const cases: EvaluatedCase[] = [];
  let invalid = 0;
  for (const file of await expandScenarioPaths(paths)) {
    let scenario;
    try {
      scenario = await loadScenarioFile(file, { defaultNamespace: deps.config.kube.namespace });
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      invalid++;
      deps.onInvalid(`invalid scenario: ${err.message}`);
      continue;
    }
    let record;
    try {
      record = await decide(decideInput(scenario), { thresholds: deps.config.judge, logger: deps.logger, ...(deps.llm ? { llm: deps.llm } : {}) });
    } catch (err) {
      invalid++;
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      deps.onInvalid(`could not decide scenario: ${file} (${scenario.id}): ${reason}`);
      continue;
    }
    cases.push({
      id: scenario.id,
      decision: record.decision,
      confidence: record.confidence,
      decided_by: record.decided_by,
      ...(scenario.expected ? { expected: scenario.expected } : {}),
    });
  }
  return { cases, invalid };
}
