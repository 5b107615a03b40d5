// One Kestra execution of devops-loop as a row of the dashboard. Pure.
// Kestra 2.0 executions carry no outputs: a list row is read from the execution's
// labels (toDeploymentRow); the deployment page adds the flow outputs fetched from
// /outputs/executions/{id} (toDetailRow).
import { DecisionLabelsSchema, type DecisionLabels, type FlowOutputs, type KestraExecution } from './kestra-schema';

export type Decision = 'ROLLBACK' | 'CONTINUE';

/** What the execution's state means for a deployment. */
export type Phase = 'decided' | 'running' | 'awaiting_approval' | 'failed' | 'ended_without_decision';

export interface DeploymentRow {
  executionId: string;
  service: string | null;
  version: string | null;
  previousVersion: string | null;
  deploymentId: string | null;
  /** Kestra's state.current, e.g. RUNNING, PAUSED, SUCCESS, FAILED */
  state: string;
  phase: Phase;
  startDate: string | null;
  endDate: string | null;
  /** time to decision: the execution's duration, when it ended */
  durationMs: number | null;
  decision: Decision | null;
  confidence: number | null;
  decidedBy: string | null;
  healthScore: number | null;
  summary: string | null;
  reasoning: string | null;
  rollbackStatus: string | null;
  /** the container images the rollback task read before and after (empty when it did not run or was a dry run) */
  rollbackImages: { before: string; after: string | null } | null;
  prUrl: string | null;
  sampleStatus: string | null;
  decisionFile: string | null;
  scenarioFile: string | null;
}

const RUNNING = new Set(['CREATED', 'QUEUED', 'RUNNING', 'RETRYING', 'RESTARTED', 'SUBMITTED']);
const FAILED = new Set(['FAILED', 'KILLED', 'KILLING', 'CANCELLED']);

/** ISO-8601 duration (PT1M2.5S, P1DT2H) or a number of seconds, in ms. */
export function parseDurationMs(value: string | number | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : null;
  if (typeof value !== 'string') return null;
  const m = value.match(/^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/);
  if (!m || value === 'P' || value === 'PT') return null;
  const [d, h, min, s] = m.slice(1).map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
  return Math.round(((d * 24 + h) * 60 + min) * 60_000 + s * 1000);
}

const parseTime = (iso: string | undefined): number | null => {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
};

const finite = (n: number | null | undefined): n is number => typeof n === 'number' && Number.isFinite(n);

const nonEmpty = (s: string | undefined): string | null => (s && s.trim() !== '' ? s : null);

const confidenceOf = (c: number | null | undefined): number | null => (finite(c) && c >= 0 && c <= 1 ? c : null);

function phaseOf(state: string, decision: Decision | null, rollbackStatus: string | undefined): Phase {
  if (state === 'PAUSED' || rollbackStatus === 'awaiting_approval') return 'awaiting_approval';
  if (RUNNING.has(state)) return 'running';
  if (decision) return 'decided';
  if (FAILED.has(state)) return 'failed';
  return 'ended_without_decision';
}

/** The devops-loop labels of an execution (the last one of a key wins), validated field by field. */
export function decisionLabels(execution: KestraExecution): DecisionLabels {
  const record: Record<string, string> = {};
  for (const l of execution.labels ?? []) record[l.key] = l.value;
  const parsed = DecisionLabelsSchema.safeParse(record);
  return parsed.success ? parsed.data : {};
}

/**
 * A list row, from the execution alone (its labels): no request beyond the
 * search. Before the decide task has labelled it, the decision is null (pending).
 */
export function toDeploymentRow(execution: KestraExecution): DeploymentRow {
  return toDetailRow(execution, null);
}

/**
 * The deployment page's row: the flow outputs (null when Kestra has none yet)
 * first, the labels where an output is missing.
 */
export function toDetailRow(execution: KestraExecution, flowOutputs: FlowOutputs | null): DeploymentRow {
  const outputs: FlowOutputs = flowOutputs ?? {};
  const labels = decisionLabels(execution);
  const start = parseTime(execution.state.startDate);
  const end = parseTime(execution.state.endDate);
  const durationMs =
    start !== null && end !== null && end >= start ? end - start : end !== null ? parseDurationMs(execution.state.duration) : null;
  const decision = outputs.decision ?? labels.decision ?? null;
  return {
    executionId: execution.id,
    service: nonEmpty(outputs.service) ?? nonEmpty(labels.service),
    version: nonEmpty(outputs.version) ?? nonEmpty(labels.version),
    previousVersion: nonEmpty(outputs.previous_version),
    deploymentId: nonEmpty(outputs.deployment_id) ?? nonEmpty(labels.deployment_id),
    state: execution.state.current,
    phase: phaseOf(execution.state.current, decision, outputs.rollback_status),
    startDate: start !== null ? new Date(start).toISOString() : null,
    endDate: end !== null ? new Date(end).toISOString() : null,
    durationMs,
    decision,
    confidence: confidenceOf(outputs.confidence) ?? confidenceOf(labels.confidence),
    decidedBy: nonEmpty(outputs.decided_by) ?? nonEmpty(labels.decided_by),
    healthScore: finite(outputs.health_score) ? outputs.health_score : null,
    summary: nonEmpty(outputs.summary),
    reasoning: nonEmpty(outputs.reasoning),
    rollbackStatus: nonEmpty(outputs.rollback_status),
    rollbackImages: nonEmpty(outputs.rollback_image_before)
      ? { before: outputs.rollback_image_before!, after: nonEmpty(outputs.rollback_image_after) }
      : null,
    prUrl: safeHttpUrl(outputs.pr_url),
    sampleStatus: nonEmpty(outputs.sample_status),
    decisionFile: nonEmpty(outputs.decision_file),
    scenarioFile: nonEmpty(outputs.scenario_file),
  };
}

/** Only http(s) links from untrusted outputs are ever rendered as links. */
export function safeHttpUrl(value: string | undefined | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}
