import type { Problem } from '../lib/kestra';
import { formatTime } from '../lib/format';

const TITLE: Record<Problem['kind'], string> = {
  unreachable: 'Kestra is unreachable',
  unauthorized: 'Kestra rejected the credentials (401)',
  not_found: 'Not found in Kestra',
  bad_response: 'Kestra gave an unexpected answer',
  config: 'The dashboard is misconfigured',
  conflict: 'Kestra refused the action',
  rejected: 'Kestra rejected the request',
};

/** Says what went wrong and, when older data stays on screen, from when it is. */
export function StatusBanner({ problem, staleSince }: { problem: Problem; staleSince: string | null }) {
  return (
    <div role="alert" className={`banner banner-${problem.kind}`} data-problem={problem.kind}>
      <strong>{TITLE[problem.kind]}.</strong> {problem.message}{' '}
      {staleSince ? <span>Showing the last data received at {formatTime(staleSince)}; retrying.</span> : <span>Retrying.</span>}
    </div>
  );
}
