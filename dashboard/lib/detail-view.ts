// From the decision and scenario files to the deployment page's charts. Pure.
import type { DecisionFile, ScenarioFile } from './kestra-schema';

export interface MetricChartData {
  metric: string;
  unit: string | undefined;
  baseline: Array<number | null>;
  canary: Array<number | null>;
  stepSeconds: number;
  verdict: string | undefined;
}

/** One chart per metric of the scenario, in the verdict table's order, then the rest. */
export function metricCharts(decision: DecisionFile | null, scenario: ScenarioFile | null): MetricChartData[] {
  if (!scenario) return [];
  const verdicts = decision?.judge.verdicts ?? [];
  const order = [...verdicts.map((v) => v.metric), ...Object.keys(scenario.metrics).sort()];
  const seen = new Set<string>();
  const charts: MetricChartData[] = [];
  for (const metric of order) {
    const series = scenario.metrics[metric];
    if (!series || seen.has(metric)) continue;
    seen.add(metric);
    const verdict = verdicts.find((v) => v.metric === metric);
    charts.push({
      metric,
      unit: series.unit ?? verdict?.unit,
      baseline: series.baseline,
      canary: series.canary,
      stepSeconds: scenario.step_seconds,
      verdict: verdict?.verdict,
    });
  }
  return charts;
}
