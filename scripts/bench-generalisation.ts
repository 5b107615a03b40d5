// npm run bench:generalisation [-- --runs N --seed S]
// How the judge does on scenarios it was never tuned on: synthetic KPI series
// shaped like real ones around software changes — unknown metric names
// (direction `either`), one-minute steps, daily seasonality, autocorrelated noise
// (AR(1), ρ up to 0.85), rare spikes, 3–10 KPIs, windows of 30–120 / 10–60
// samples. A bad change shifts 1–2 KPIs by 3–10 stationary standard deviations,
// up or down. These are this file's assumptions, not ground truth from the
// field: read the figures as a robustness check, beside `evaluate` on real data.
import { parseCommandArgs } from '../src/cli/args.js';
import { DEFAULT_THRESHOLDS, judge } from '../src/judge/judge.js';
import type { MetricSeries } from '../src/judge/types.js';
import { summarize, type EvaluatedCase } from '../src/evaluation/summary.js';
import { mulberry32, normalSampler } from './scenarios/builders.js';

const { values } = parseCommandArgs(process.argv.slice(2), {
  runs: { type: 'string', default: '400' },
  seed: { type: 'string', default: '1' },
});
const runs = Number(values.runs);
const rand = mulberry32(Number(values.seed));
const normal = normalSampler(rand);
const DAY = 1440;

const cases: EvaluatedCase[] = [];
for (let k = 0; k < runs; k++) {
  const bad = rand() < 0.4;
  const nb = 30 + Math.floor(rand() * 90);
  const nc = 10 + Math.floor(rand() * 50);
  const kpis = 3 + Math.floor(rand() * 8);
  const shifted = new Set<number>();
  if (bad) {
    const count = 1 + Math.floor(rand() * 2);
    while (shifted.size < Math.min(count, kpis)) shifted.add(Math.floor(rand() * kpis));
  }
  const metrics: Record<string, MetricSeries> = {};
  for (let m = 0; m < kpis; m++) {
    const level = Math.exp(rand() * 10);
    const rho = rand() * 0.85;
    const sd = level * (0.01 + rand() * 0.2);
    const amplitude = rand() < 0.5 ? level * rand() * 0.5 : 0;
    const phase = rand() * 2 * Math.PI;
    const shift = (3 + rand() * 7) * (rand() < 0.5 ? -1 : 1) * sd;
    let noise = 0;
    const xs: number[] = [];
    for (let i = 0; i < nb + nc; i++) {
      noise = rho * noise + Math.sqrt(1 - rho * rho) * normal();
      let v = level + amplitude * Math.sin(phase + (2 * Math.PI * i) / DAY) + sd * noise;
      if (rand() < 0.01) v += 8 * sd; // a rare spike
      if (shifted.has(m) && i >= nb) v += shift;
      xs.push(Number(v.toPrecision(5)));
    }
    metrics[`kpi_${m}`] = { baseline: xs.slice(0, nb), canary: xs.slice(nb) };
  }
  const result = judge({ step_seconds: 60, metrics }, DEFAULT_THRESHOLDS);
  cases.push({
    id: `synthetic-${k}`,
    decision: result.decision,
    confidence: result.confidence,
    decided_by: 'judge',
    expected: bad ? 'ROLLBACK' : 'CONTINUE',
  });
}
// Calibration: how often the decision was right, by stated-confidence band.
const bands = [0.5, 0.7, 0.9, 1.01].map((hi, i, all) => {
  const lo = i === 0 ? 0 : all[i - 1]!;
  const inBand = cases.filter((c) => c.confidence >= lo && c.confidence < hi);
  const right = inBand.filter((c) => c.decision === c.expected).length;
  return { confidence: `[${lo}, ${Math.min(1, hi)})`, cases: inBand.length, accuracy: inBand.length ? Number((right / inBand.length).toFixed(3)) : null };
});
console.log(JSON.stringify({ runs, seed: Number(values.seed), summary: summarize(cases, 0), calibration: bands }, null, 2));
