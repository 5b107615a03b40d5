import { stackedBars, type Box, type DecisionBucket } from '../lib/chart';
import { formatTime } from '../lib/format';

const BOX: Box = { width: 720, height: 160, pad: { top: 10, right: 10, bottom: 24, left: 32 } };

/** Stacked bars of decisions per time bucket (plain SVG). */
export function DecisionsChart({ buckets }: { buckets: DecisionBucket[] }) {
  const { bars, max } = stackedBars(buckets, BOX);
  const total = buckets.reduce((n, b) => n + b.rollback + b.continue + b.pending, 0);
  const rollbacks = buckets.reduce((n, b) => n + b.rollback, 0);
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  const baseY = BOX.height - BOX.pad.bottom;
  return (
    <figure className="chart" aria-labelledby="decisions-chart-caption">
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        role="img"
        aria-label={`Decisions over time: ${total} deployments, ${rollbacks} rollbacks`}
        className="decisions-chart"
      >
        <line x1={BOX.pad.left} x2={BOX.width - BOX.pad.right} y1={baseY} y2={baseY} className="axis" />
        <text x={BOX.pad.left - 6} y={BOX.pad.top + 8} textAnchor="end" className="tick">{max}</text>
        <text x={BOX.pad.left - 6} y={baseY} textAnchor="end" className="tick">0</text>
        {bars.map((bar) => (
          <rect key={`${bar.bucket.start}-${bar.kind}`} x={bar.x} y={bar.y} width={bar.width} height={bar.height} className={`bar bar-${bar.kind}`}>
            <title>{`${formatTime(new Date(bar.bucket.start).toISOString())}: ${bar.count} ${bar.kind}`}</title>
          </rect>
        ))}
        {first && last ? (
          <>
            <text x={BOX.pad.left} y={BOX.height - 6} className="tick">{formatTime(new Date(first.start).toISOString())}</text>
            <text x={BOX.width - BOX.pad.right} y={BOX.height - 6} textAnchor="end" className="tick">{formatTime(new Date(last.end).toISOString())}</text>
          </>
        ) : null}
      </svg>
      <figcaption id="decisions-chart-caption">
        Decisions over time:{' '}
        <span className="legend legend-continue">CONTINUE</span> <span className="legend legend-rollback">ROLLBACK</span>{' '}
        <span className="legend legend-pending">no decision yet</span>
      </figcaption>
    </figure>
  );
}
