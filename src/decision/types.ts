// The decision as every consumer sees it: the evaluate command, the loop, the
// Kestra decide task, the training sample and the dashboard.
import type { Decision, JudgeResult } from '../judge/types.js';
import type { LogAnalysis } from '../logs/types.js';

export type DecidedBy = 'llm' | 'judge' | 'llm+judge';

/** What happened on the LLM path, recorded whatever the outcome. */
export type LlmOutcome =
  | { status: 'disabled'; reason: string }
  | { status: 'failed'; reason: string; latency_ms: number; model: string }
  | {
      status: 'answered';
      latency_ms: number;
      model: string;
      decision: Decision;
      confidence: number;
      summary: string;
      reasoning: string;
      suspected_cause: string | null;
    };

export interface DecisionRecord {
  decision: Decision;
  confidence: number;
  decided_by: DecidedBy;
  health_score: number | null;
  /** one paragraph for humans: the LLM's summary, or the judge's explanation */
  summary: string;
  /** why this decision, including how a disagreement between LLM and judge was settled */
  reasoning: string;
  suspected_cause: string | null;
  judge: JudgeResult;
  llm: LlmOutcome;
  log_analysis: LogAnalysis;
  prompt_version: string;
}
