import type { DeploymentRow } from '../lib/deployment';

const ROLLBACK_TEXT: Record<string, string> = {
  rolled_back: 'rolled back',
  dry_run: 'dry run: the rollback commands were printed, not run',
  not_needed: 'not needed',
  'not-needed': 'not needed',
  failed: 'the rollback failed',
  awaiting_approval: 'awaiting approval in Kestra',
  skipped: 'skipped',
};

const SAMPLE_TEXT: Record<string, string> = {
  recorded: 'recorded; reward pending (null until the outcome is known)',
  duplicate: 'already recorded for this deployment (duplicate ignored)',
};

/** Rollback result, fix PR, training sample and the way to Kestra. */
export function ActionsPanel({ row, kestraUrl }: { row: DeploymentRow; kestraUrl: string }) {
  return (
    <dl className="facts">
      <dt>Rollback</dt>
      <dd data-rollback={row.rollbackStatus ?? 'none'}>{row.rollbackStatus ? (ROLLBACK_TEXT[row.rollbackStatus] ?? row.rollbackStatus) : '–'}</dd>
      <dt>Fix pull request</dt>
      <dd>
        {row.prUrl ? (
          <a href={row.prUrl} rel="noopener noreferrer nofollow" target="_blank">
            {row.prUrl}
          </a>
        ) : (
          'none'
        )}
      </dd>
      <dt>Training sample</dt>
      <dd data-sample={row.sampleStatus ?? 'none'}>{row.sampleStatus ? (SAMPLE_TEXT[row.sampleStatus] ?? row.sampleStatus) : 'not recorded'}</dd>
      <dt>Kestra</dt>
      <dd>
        <a href={kestraUrl} rel="noopener noreferrer" target="_blank">
          Open execution {row.executionId} in Kestra
        </a>
      </dd>
    </dl>
  );
}
