// One deployment, in process, through the steps the Kestra flow runs:
// decide → (ROLLBACK) rollback → fix PR → record a reward-pending sample.
// Side effects sit behind the adapters in `deps`, so tests swap them freely.
import { incidentReport, incidentTitle } from '../actions/incident-report.js';
import { formatCommand, planRollback } from '../actions/rollback-plan.js';
import { decide } from '../decision/decide.js';
import type { DecisionRecord } from '../decision/types.js';
import type { JudgeThresholds } from '../judge/types.js';
import type { ChatClient } from '../llm/chat-client.js';
import { forDeployment, type Logger } from '../log.js';
import type { Deployment, Scenario } from '../scenario/schema.js';
import { buildSample } from '../training/sample.js';
import { recordSample, type RecordOutcome } from '../training/store.js';

export interface LoopDeps {
  thresholds: JudgeThresholds;
  trainingDataDir: string;
  kubeContext?: string;
  llm?: ChatClient;
  logger: Logger;
  now: () => Date;
}

export type RollbackReport = { status: 'not-needed' } | { status: 'dry-run'; commands: string[] };
export type PullRequestReport =
  | { status: 'not-needed' }
  | { status: 'dry-run'; title: string; body: string; files: string[] };

export interface LoopReport {
  deployment: Deployment;
  record: DecisionRecord;
  rollback: RollbackReport;
  pull_request: PullRequestReport;
  sample: RecordOutcome;
}

export async function runLoop(scenario: Scenario, deps: LoopDeps): Promise<LoopReport> {
  const { deployment } = scenario;
  const log = forDeployment(deps.logger, deployment.deployment_id);
  const record = await decide(
    {
      deployment,
      step_seconds: scenario.step_seconds,
      metrics: scenario.metrics,
      ...(scenario.logs ? { logs: scenario.logs } : {}),
    },
    { thresholds: deps.thresholds, logger: deps.logger, ...(deps.llm ? { llm: deps.llm } : {}) },
  );

  let rollback: RollbackReport = { status: 'not-needed' };
  let pull_request: PullRequestReport = { status: 'not-needed' };
  if (record.decision === 'ROLLBACK') {
    // The in-process loop only plans the cluster and GitHub side effects; the
    // Kestra flow's rollback and open-fix-pr tasks carry them out.
    const steps = planRollback({
      service: deployment.service,
      namespace: deployment.namespace,
      ...(deployment.previous_version ? { previous_version: deployment.previous_version } : {}),
      ...(deps.kubeContext ? { context: deps.kubeContext } : {}),
    });
    rollback = { status: 'dry-run', commands: steps.map((s) => formatCommand(s.argv)) };
    log.warn({ event: 'rollback_planned', commands: rollback.commands }, 'rollback planned (dry run)');
    pull_request = {
      status: 'dry-run',
      title: incidentTitle(deployment, record),
      body: incidentReport(deployment, record),
      files: [`incidents/${deployment.deployment_id}.md`],
    };
  }

  const sample = await recordSample(deps.trainingDataDir, buildSample(deployment, record, deps.now()));
  log.info({ event: 'sample', status: sample.status, file: sample.file }, 'training sample');
  return { deployment, record, rollback, pull_request, sample };
}

/** The one JSON object `loop --json` prints. */
export function loopReportJson(report: LoopReport): Record<string, unknown> {
  const { record } = report;
  return {
    deployment_id: report.deployment.deployment_id,
    service: report.deployment.service,
    namespace: report.deployment.namespace,
    version: report.deployment.version,
    decision: record.decision,
    confidence: record.confidence,
    decided_by: record.decided_by,
    health_score: record.health_score,
    summary: record.summary,
    reasoning: record.reasoning,
    suspected_cause: record.suspected_cause,
    llm: record.llm,
    verdicts: record.judge.verdicts,
    logs: record.judge.logs,
    rollback: report.rollback,
    pull_request: report.pull_request,
    sample: report.sample,
  };
}

/** The readable report `loop` prints. */
export function loopReportText(report: LoopReport): string {
  const { record, deployment } = report;
  const lines = [
    `Deployment ${deployment.deployment_id}: ${deployment.service} ${deployment.version} in ${deployment.namespace}`,
    `Decision:   ${record.decision} (confidence ${record.confidence.toFixed(2)}, decided by ${record.decided_by})`,
    `Health:     ${record.health_score ?? 'n/a'} / 100`,
    '',
    'Metrics:',
    ...record.judge.verdicts.map((v) => `  ${v.verdict.toUpperCase().padEnd(6)} ${v.metric}: ${v.reason}`),
    `  LOGS   ${record.judge.logs.reason}`,
    '',
    `Summary:    ${record.summary}`,
    `Reasoning:  ${record.reasoning}`,
    '',
  ];
  if (report.rollback.status === 'dry-run') {
    lines.push('Rollback (dry run, would run):', ...report.rollback.commands.map((c) => `  $ ${c}`), '');
  } else lines.push('Rollback:   not needed', '');
  if (report.pull_request.status === 'dry-run') {
    lines.push(`Fix PR (dry run): "${report.pull_request.title}" with ${report.pull_request.files.join(', ')}`, '');
  }
  lines.push(`Training sample: ${report.sample.status} in ${report.sample.file}`);
  return lines.join('\n');
}
