import type { DeploymentRow } from '../lib/deployment';

// The rollback task's rollback_status (tasks/rollback.ts), and the flow's 'not-needed' when it did not run.
const ROLLBACK_TEXT: Record<string, string> = {
  'rolled-back': 'rolled back',
  'dry-run': 'dry run: the rollback commands were printed, not run',
  'not-needed': 'not needed',
  failed: 'the rollback failed',
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
      {row.rollbackImages ? (
        <>
          <dt>Image</dt>
          <dd data-images="">
            <code>{row.rollbackImages.before}</code> → <code>{row.rollbackImages.after ?? 'unknown (not verified)'}</code>
          </dd>
        </>
      ) : null}
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
