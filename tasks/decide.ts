// Kestra task: decide one deployment (judge, plus the LLM when a key is configured).
//
// Inputs (environment):
//   SCENARIO_FILE  path to a scenario-format JSON file: the deployment and its
//                  metrics (and logs), as collect-metrics/collect-logs write it
//   DECISION_FILE  where to write the full decision record (default decision.json;
//                  list it in the Kestra task's outputFiles)
//   plus the configuration variables in README.md (LLM_*, JUDGE_*, LOG_LEVEL, ...)
// Outputs (Kestra): decision, confidence, decided_by, health_score, summary, reasoning;
//   counter `decisions` tagged by decision and decided_by; timer `llm_latency` when the LLM ran.
// Synchronous fs: a task is one short process, and node:fs/promises would load
// readline and the streams at start-up (~1 ms per task).
import { writeFileSync } from 'node:fs';
import Kestra from '../src/task-io/kestra.js';
import { configOrExit } from '../src/config/env.js';
import { createChatClientFromSettings, decide, decideInput, headline } from '../src/decision/decide.js';
import { loadOpenAiSdk } from '../src/llm/chat-client.js';
import { createLogger } from '../src/log.js';
import { loadScenarioFile } from '../src/scenario/load.js';

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['judge', 'llm', 'kube']);
  const file = process.env.SCENARIO_FILE;
  if (!file) throw new Error('SCENARIO_FILE is not set: give the path of the deployment scenario JSON to decide');
  const out = process.env.DECISION_FILE || 'decision.json';
  const scenario = await loadScenarioFile(file, { defaultNamespace: config.kube.namespace });
  const llm = createChatClientFromSettings(config.llm);
  // The openai SDK loads lazily (only with a key): load it now, so `llm_latency` times the request alone.
  if (llm) await loadOpenAiSdk();
  const record = await decide(
    decideInput(scenario),
    { thresholds: config.judge, logger: createLogger({ level: config.logLevel, fd: 1 }), ...(llm ? { llm } : {}) },
  );
  writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
  Kestra.outputs({
    ...headline(record),
    decision_file: out,
  });
  Kestra.counter('decisions', 1, { decision: record.decision, decided_by: record.decided_by });
  if (record.llm.status !== 'disabled') Kestra.timer('llm_latency', record.llm.latency_ms / 1000);
}

main().catch((err) => {
  process.stderr.write(`decide failed: ${(err as Error).message}\n`);
  process.exit(1);
});
