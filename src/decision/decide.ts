// The one decision function every caller uses (the evaluate command, the
// in-process loop, the Kestra decide task): logs -> judge -> LLM -> policy.
// It never throws on LLM trouble; the judge always decides when the LLM cannot.
import { judge as runJudge } from '../judge/judge.js';
import type { JudgeInput, JudgeThresholds } from '../judge/types.js';
import { askLlm } from '../llm/ask.js';
import { createOpenAiChatClient, type ChatClient } from '../llm/chat-client.js';
import { buildPrompt, PROMPT_VERSION } from '../llm/prompt.js';
import type { LlmSettings } from '../llm/settings.js';
import { forDeployment, silentLogger, type Logger } from '../log.js';
import { analyzeLogs } from '../logs/signatures.js';
import type { Deployment, Scenario } from '../scenario/schema.js';
import { combine } from './policy.js';
import type { DecisionRecord, LlmOutcome } from './types.js';

export const LLM_DISABLED_REASON = 'no LLM API key configured';

export interface DecideInput {
  deployment: Deployment;
  step_seconds: number;
  metrics: JudgeInput['metrics'];
  logs?: { baseline: string[]; canary: string[] };
}

export interface DecideDeps {
  thresholds: JudgeThresholds;
  /** absent: the LLM path is disabled and the judge decides alone */
  llm?: ChatClient;
  logger?: Logger;
  /** clock for the LLM latency (tests) */
  now?: () => number;
}

/** What `decide` reads of a scenario (never `expected`). */
export function decideInput(scenario: Scenario): DecideInput {
  return {
    deployment: scenario.deployment,
    step_seconds: scenario.step_seconds,
    metrics: scenario.metrics,
    ...(scenario.logs ? { logs: scenario.logs } : {}),
  };
}

/** The headline fields every consumer shows first (Kestra outputs, loop --json). */
export function headline(record: DecisionRecord) {
  return {
    decision: record.decision,
    confidence: record.confidence,
    decided_by: record.decided_by,
    health_score: record.health_score,
    summary: record.summary,
    reasoning: record.reasoning,
  };
}

/** The real client when an API key is configured; undefined (LLM disabled) otherwise. */
export function createChatClientFromSettings(settings: LlmSettings): ChatClient | undefined {
  if (!settings.apiKey || settings.apiKey.trim() === '') return undefined;
  return createOpenAiChatClient(settings);
}

export async function decide(input: DecideInput, deps: DecideDeps): Promise<DecisionRecord> {
  const log = forDeployment(deps.logger ?? silentLogger(), input.deployment.deployment_id);

  const logAnalysis = analyzeLogs(input.logs?.baseline ?? [], input.logs?.canary ?? []);
  const judgeResult = runJudge(
    { step_seconds: input.step_seconds, metrics: input.metrics, logs: logAnalysis },
    deps.thresholds,
  );
  log.info(
    {
      event: 'judge_result',
      decision: judgeResult.decision,
      confidence: judgeResult.confidence,
      health_score: judgeResult.health_score,
      coverage: judgeResult.coverage,
      failing: judgeResult.verdicts.filter((v) => v.verdict === 'high' || v.verdict === 'low').map((v) => v.metric),
      log_verdict: judgeResult.logs.verdict,
    },
    'judge decided',
  );

  let llm: LlmOutcome;
  if (deps.llm) {
    const prompt = buildPrompt(input.deployment, judgeResult, logAnalysis);
    llm = await askLlm(deps.llm, prompt, deps.now);
  } else {
    llm = { status: 'disabled', reason: LLM_DISABLED_REASON };
  }
  if (llm.status === 'answered') {
    log.info(
      {
        event: 'llm_outcome',
        status: llm.status,
        model: llm.model,
        latency_ms: llm.latency_ms,
        decision: llm.decision,
        confidence: llm.confidence,
        prompt_version: PROMPT_VERSION,
      },
      'LLM answered',
    );
  } else if (llm.status === 'failed') {
    log.warn(
      {
        event: 'llm_outcome',
        status: llm.status,
        model: llm.model,
        latency_ms: llm.latency_ms,
        reason: llm.reason,
        prompt_version: PROMPT_VERSION,
      },
      'LLM failed; the judge decides',
    );
  } else {
    log.info({ event: 'llm_outcome', status: llm.status, reason: llm.reason }, 'LLM disabled; the judge decides');
  }

  const combined = combine(judgeResult, llm);
  return {
    ...combined,
    health_score: judgeResult.health_score,
    judge: judgeResult,
    llm,
    log_analysis: logAnalysis,
    prompt_version: PROMPT_VERSION,
  };
}
