import { formatTime } from '../lib/format';
import type { ReviewRecord } from '../lib/review-record';

/** Who approved or rejected the paused rollback, and when (from the execution's labels). */
export function ReviewNote({ review }: { review: ReviewRecord }) {
  return (
    <p className={`review-note review-${review.action}`} data-review={review.action} data-reviewed-by={review.by}>
      {review.action === 'approve' ? 'Rollback approved' : 'Deployment kept (rollback rejected)'} by <strong>{review.by}</strong> at{' '}
      <time dateTime={review.at}>{formatTime(review.at)}</time>.
    </p>
  );
}
