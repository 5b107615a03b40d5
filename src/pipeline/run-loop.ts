// One deployment, in process, through the steps the Kestra flow runs:
// decide → (ROLLBACK) rollback → fix PR → record a reward-pending sample.
// Side effects sit behind the adapters in `deps`, so tests swap them freely.
import type { FixPrInput, FixPrResult } from '../actions/fix-pr.js';
import type { RollbackResult } from '../actions/rollback.js';
import type { RollbackTarget } from '../actions/rollback-plan.js';
import { decide, decideInput, headline } from '../decision/decide.js';
import type { DecisionRecord } from '../decision/types.js';
import type { JudgeThresholds } from '../judge/types.js';
import type { ChatClient } from '../llm/chat-client.js';
import { forDeployment, type Logger } from '../log.js';
import type { Deployment, Scenario } from '../scenario/schema.js';
import { buildSample } from '../training/sample.js';
import { recordSample, type RecordOutcome } from '../training/store.js';

/** The side effects, as adapters: scripts/loop.ts passes performRollback and openFixPr bound to their clients. */
export interface LoopDeps {
  thresholds: JudgeThresholds;
  trainingDataDir: string;
  kubeContext?: string;
  llm?: ChatClient;
  /** `version` is the deployed (bad) version: a re-delivered rollback that finds it gone changes nothing */
  rollback: (target: RollbackTarget & { version?: string }) => Promise<RollbackResult>;
  fixPr: (input: FixPrInput) => Promise<FixPrResult>;
  logger: Logger;
  now: () => Date;
}

export type RollbackReport = { status: 'not-needed' } | RollbackResult;
export type PullRequestReport = { status: 'not-needed' } | FixPrResult;

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
    decideInput(scenario),
    { thresholds: deps.thresholds, logger: deps.logger, ...(deps.llm ? { llm: deps.llm } : {}) },
  );

  let rollback: RollbackReport = { status: 'not-needed' };
  let pull_request: PullRequestReport = { status: 'not-needed' };
  if (record.decision === 'ROLLBACK') {
    rollback = await deps.rollback({
      service: deployment.service,
      namespace: deployment.namespace,
      version: deployment.version,
      ...(deployment.previous_version ? { previous_version: deployment.previous_version } : {}),
      ...(deps.kubeContext ? { context: deps.kubeContext } : {}),
    });
    // A rollback never fails silently: loud in the log, in the report, and in the exit code (scripts/loop.ts).
    if (rollback.status === 'failed') log.error({ event: 'rollback_failed', error: rollback.error }, 'rollback FAILED');
    else log.warn({ event: 'rollback', status: rollback.status, commands: rollback.commands }, 'rollback');
    pull_request = await deps.fixPr({ deployment, record });
    log.info({ event: 'fix_pr', status: pull_request.status, url: pull_request.url }, 'fix PR');
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
    ...headline(record),
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
  const rb = report.rollback;
  if (rb.status === 'not-needed') lines.push('Rollback:   not needed', '');
  else if (rb.status === 'dry-run') lines.push('Rollback (dry run, would run):', ...rb.commands.map((c) => `  $ ${c}`), '');
  else if (rb.status === 'failed') lines.push(`Rollback:   FAILED: ${rb.error}`, '');
  else lines.push(`Rollback:   done${rb.revision ? ` to revision ${rb.revision}` : ''}; image now ${rb.image}`, '');
  const pr = report.pull_request;
  if (pr.status === 'dry-run') lines.push(`Fix PR (dry run): "${pr.title}" with ${pr.files.join(', ')}`, '');
  else if (pr.status === 'failed') lines.push(`Fix PR:     FAILED: ${pr.error}`, '');
  else if (pr.status !== 'not-needed') lines.push(`Fix PR:     ${pr.status} ${pr.url}`, '');
  lines.push(`Training sample: ${report.sample.status} in ${report.sample.file}`);
  return lines.join('\n');
}
