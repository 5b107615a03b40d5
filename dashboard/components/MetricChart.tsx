import { seriesGeometry, type Box } from '../lib/chart';
import { formatNumber } from '../lib/format';

const BOX: Box = { width: 560, height: 200, pad: { top: 12, right: 12, bottom: 28, left: 56 } };

export interface MetricChartProps {
  metric: string;
  unit?: string | undefined;
  baseline: Array<number | null>;
  canary: Array<number | null>;
  stepSeconds: number;
  verdict?: string | undefined;
  deployedAt?: string | undefined;
}

/** Baseline and canary series of one metric with the deploy moment marked (plain SVG). */
export function MetricChart({ metric, unit, baseline, canary, stepSeconds, verdict, deployedAt }: MetricChartProps) {
  const g = seriesGeometry({ baseline, canary, stepSeconds }, BOX);
  const bottom = BOX.height - BOX.pad.bottom;
  const label = `${metric}${unit ? ` (${unit})` : ''}: ${baseline.length} baseline and ${canary.length} canary samples${verdict ? `, verdict ${verdict}` : ''}`;
  return (
    <figure className="metric-chart" id={`chart-${metric}`} data-metric={metric}>
      <figcaption>
        <strong>{metric}</strong>
        {unit ? <span className="muted"> ({unit})</span> : null}
        {verdict ? <span className={`verdict verdict-${verdict}`}>{verdict}</span> : null}
      </figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={label}>
        {g.yTicks.map((t) => (
          <g key={`y${t.value}`}>
            <line x1={BOX.pad.left} x2={BOX.width - BOX.pad.right} y1={t.y} y2={t.y} className="grid" />
            <text x={BOX.pad.left - 6} y={t.y + 4} textAnchor="end" className="tick">
              {formatNumber(t.value)}
            </text>
          </g>
        ))}
        {g.xTicks.map((t) => (
          <text key={`x${t.minutes}`} x={t.x} y={BOX.height - 8} textAnchor="middle" className="tick">
            {t.minutes > 0 ? `+${t.minutes}` : t.minutes} min
          </text>
        ))}
        <line x1={g.deployX} x2={g.deployX} y1={BOX.pad.top} y2={bottom} className="deploy-line" />
        <text x={g.deployX + 4} y={BOX.pad.top + 10} className="deploy-label">
          deploy{deployedAt ? ` ${deployedAt.slice(11, 16)} UTC` : ''}
        </text>
        {g.baselinePath ? <path d={g.baselinePath} className="series series-baseline" /> : null}
        {g.canaryPath ? <path d={g.canaryPath} className="series series-canary" /> : null}
        {g.dots.map((d) => (
          <circle key={`${d.series}${d.x}`} cx={d.x} cy={d.y} r={2.5} className={`dot dot-${d.series}`} />
        ))}
        {!g.hasData ? (
          <text x={BOX.width / 2} y={BOX.height / 2} textAnchor="middle" className="tick">
            no samples
          </text>
        ) : null}
      </svg>
      <p className="legend-row">
        <span className="legend legend-baseline">baseline</span> <span className="legend legend-canary">canary</span>{' '}
        <span className="legend legend-deploy">deploy</span>
      </p>
    </figure>
  );
}
