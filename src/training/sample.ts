// A reward-pending training sample: the state the decision saw, the action taken
// and why. `reward` stays null until the outcome of the deployment is known.
import type { DecisionRecord } from '../decision/types.js';
import type { Deployment } from '../scenario/schema.js';

export const SAMPLE_SCHEMA_VERSION = 1;
/** Signatures kept per sample: enough to learn from, small enough for a JSON line. */
const MAX_SIGNATURES = 10;

export interface TrainingSample {
  schema_version: number;
  deployment_id: string;
  service: string;
  namespace: string;
  version: string;
  previous_version: string | null;
  recorded_at: string;
  state: {
    health_score: number | null;
    coverage: { compared: number; total: number };
    metrics: Record<
      string,
      {
        verdict: string;
        baseline_median: number | null;
        canary_median: number | null;
        baseline_n: number;
        canary_n: number;
        shift: number | null;
        tolerance: number | null;
        p_value: number | null;
      }
    >;
    log_signatures: Array<{ signature: string; level: string; baseline_count: number; canary_count: number; is_new: boolean }>;
  };
  action: 'ROLLBACK' | 'CONTINUE';
  confidence: number;
  decided_by: string;
  summary: string;
  reasoning: string;
  llm_status: string;
  model: string | null;
  prompt_version: string;
  reward: null;
}

export function buildSample(deployment: Deployment, record: DecisionRecord, now: Date): TrainingSample {
  const metrics: TrainingSample['state']['metrics'] = {};
  for (const v of record.judge.verdicts) {
    metrics[v.metric] = {
      verdict: v.verdict,
      baseline_median: v.baseline.median,
      canary_median: v.canary.median,
      baseline_n: v.baseline.n,
      canary_n: v.canary.n,
      shift: v.shift,
      tolerance: v.tolerance,
      p_value: v.p_value,
    };
  }
  return {
    schema_version: SAMPLE_SCHEMA_VERSION,
    deployment_id: deployment.deployment_id,
    service: deployment.service,
    namespace: deployment.namespace,
    version: deployment.version,
    previous_version: deployment.previous_version ?? null,
    recorded_at: now.toISOString(),
    state: {
      health_score: record.health_score,
      coverage: record.judge.coverage,
      metrics,
      log_signatures: record.log_analysis.signatures.slice(0, MAX_SIGNATURES).map((s) => ({
        signature: s.signature,
        level: s.level,
        baseline_count: s.baseline_count,
        canary_count: s.canary_count,
        is_new: s.is_new,
      })),
    },
    action: record.decision,
    confidence: record.confidence,
    decided_by: record.decided_by,
    summary: record.summary,
    reasoning: record.reasoning,
    llm_status: record.llm.status,
    model: record.llm.status === 'disabled' ? null : record.llm.model,
    prompt_version: record.prompt_version,
    reward: null,
  };
}
