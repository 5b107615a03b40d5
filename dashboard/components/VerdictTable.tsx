import { formatChange, formatNumber, formatPValue } from '../lib/format';
import type { MetricVerdictView } from '../lib/kestra-schema';

const VERDICT_TEXT = { pass: 'pass', high: 'too high', low: 'too low', nodata: 'no data' } as const;
/** The judge's detectors in an SRE's words (src/judge/excursions.ts, compare-metric.ts). */
const DETECTOR_TEXT = { 'median-shift': 'median shift', excursion: 'excursion', jump: 'step change', guardrail: 'above ceiling' } as const;

/** The judge's per-metric verdicts. */
export function VerdictTable({ verdicts }: { verdicts: MetricVerdictView[] }) {
  if (verdicts.length === 0) return <p className="muted">The decision file lists no metric verdicts.</p>;
  return (
    <table className="verdicts">
      <caption className="visually-hidden">Per-metric verdicts</caption>
      <thead>
        <tr>
          <th scope="col">Metric</th>
          <th scope="col">Baseline median</th>
          <th scope="col">Canary median</th>
          <th scope="col">Change</th>
          <th scope="col">p-value</th>
          <th scope="col">Tolerance</th>
          <th scope="col">Verdict</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {verdicts.map((v) => (
          <tr key={v.metric} data-metric={v.metric} data-verdict={v.verdict}>
            <th scope="row">
              <a href={`#chart-${v.metric}`}>{v.metric}</a>
            </th>
            <td>{formatNumber(v.baseline.median, v.unit)}</td>
            <td>{formatNumber(v.canary.median, v.unit)}</td>
            <td>{formatChange(v.relative_change)}</td>
            <td>{formatPValue(v.p_value)}</td>
            <td>
              {v.tolerance === null ? '–' : `± ${formatNumber(v.tolerance, v.unit)}`}
              {v.guardrail ? <span className="muted"> (ceiling {formatNumber(v.guardrail.limit, v.unit)})</span> : null}
            </td>
            <td>
              <span className={`verdict verdict-${v.verdict}`}>{VERDICT_TEXT[v.verdict]}</span>
              {v.detector && (v.verdict === 'high' || v.verdict === 'low') ? (
                <span className="muted detector"> by {DETECTOR_TEXT[v.detector]}</span>
              ) : null}
            </td>
            <td className="reason">{v.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
