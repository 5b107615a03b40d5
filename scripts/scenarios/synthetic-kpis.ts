// Synthetic KPI deployments for judging generalisation: series shaped like real
// ones around software changes — unknown metric names (direction `either`),
// one-minute steps, daily seasonality, autocorrelated noise (AR(1), ρ up to
// 0.85), rare spikes, 3–10 KPIs, windows of 30–120 / 10–60 samples. A bad
// change shifts 1–2 KPIs by 3–10 stationary standard deviations, up or down.
// These are this file's assumptions, not ground truth from the field.
import type { JudgeInput, MetricSeries } from '../../src/judge/types.js';
import { mulberry32, normalSampler } from './builders.js';

export interface SyntheticDeployment {
  id: string;
  input: JudgeInput;
  expected: 'ROLLBACK' | 'CONTINUE';
}

const DAY = 1440;

/** `runs` deployments from one seed; the same seed gives the same deployments. */
export function syntheticDeployments(runs: number, seed: number): SyntheticDeployment[] {
  const rand = mulberry32(seed);
  const normal = normalSampler(rand);
  const out: SyntheticDeployment[] = [];
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
    out.push({ id: `synthetic-${seed}-${k}`, input: { step_seconds: 60, metrics }, expected: bad ? 'ROLLBACK' : 'CONTINUE' });
  }
  return out;
}
