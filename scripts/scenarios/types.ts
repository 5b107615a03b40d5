// The shape of one entry in the scenario table, and the categories the table
// must cover (test/scenarios/generated.test.ts checks that every category has
// at least one scenario and that the data really shows what it claims).
import type { Gen, LogEntry, LogGen, MetricSeries } from './builders.js';

export const CATEGORIES = {
  // the three hand-described scenarios the project started with
  original: 'one of the three original scenarios',
  // regressions (expected ROLLBACK)
  'latency-regression': 'p95/p99 latency goes up and stays up',
  'latency-p99-only': 'only the tail (p99) regresses, p95 is unchanged',
  'error-spike': 'the error rate jumps after the deploy',
  'crash-loop': 'containers restart again and again',
  'traffic-drop': 'request_rate collapses (traffic no longer reaches the service)',
  'late-degradation': 'the canary starts fine and degrades only late in the window',
  'cpu-regression': 'CPU use goes up a lot for the same traffic',
  'custom-kpi-regression': 'a custom KPI (no direction given) moves the bad way',
  'regression-with-nulls-noise': 'a clear regression hidden in noise and missing samples',
  'regression-no-baseline': 'a clear regression in a metric that has no baseline at all',
  'prompt-injection': 'log lines try to talk the judge into CONTINUE while metrics regress',
  // hard healthy cases (expected CONTINUE)
  'noisy-same-distribution': 'very noisy metrics, same distribution before and after',
  'single-spike': 'one bad sample in the canary, everything else normal',
  'warmup-burst': 'CPU/latency burst in the first 1–2 canary samples only (warm-up)',
  'diurnal-trend': 'a daily traffic trend that continues smoothly across the deploy',
  'tiny-traffic': 'so little traffic that one failed request is a 50–100% error rate sample',
  'missing-metric': 'a usual metric is absent',
  'empty-window': 'a metric with an empty baseline or canary window',
  'scattered-nulls': 'null samples scattered through stable metrics',
  'harmless-error-logs': 'INFO log lines that mention "error" harmlessly',
  improvement: 'the deploy makes things better (lower latency or errors)',
  'ar1-wander': 'autocorrelated slow wander, no change at the deploy',
  'many-custom-kpis-unchanged': 'many custom KPIs, none of them changed',
  // extra variety
  'short-canary': 'only 5–8 canary samples',
  'small-shift': 'a real but small, harmless shift',
  'steady-warn-logs': 'WARN lines at the same rate before and after',
  sawtooth: 'a saw-tooth memory pattern (GC) in both windows',
  'isolated-restart': 'one container restart in the canary, as also seen in the baseline',
} as const;

export type Category = keyof typeof CATEGORIES;

export type Expected = 'ROLLBACK' | 'CONTINUE';

export interface ScenarioDef {
  /** file name and `id`; new scenarios start with `regress-` (ROLLBACK) or `healthy-` (CONTINUE) */
  id: string;
  description: string;
  /** the ground truth, from how the scenario is built */
  expected: Expected;
  /** what the scenario covers (not written to the JSON) */
  categories: Category[];
  /** deployment number: `deploy-0001` */
  deploy: number;
  service: string;
  namespace?: 'prod' | 'staging';
  version: string;
  previousVersion: string;
  /** spacing of samples, default 60 */
  stepSeconds?: number;
  /**
   * Picks another noise stream for this scenario (default 0). Only for when a
   * draw happens to contradict the description (e.g. a metric meant to be
   * unchanged drifts by chance); never to steer what some judge answers.
   */
  salt?: number;
  /** [baseline samples, canary samples] */
  windows: [number, number];
  metrics: (g: Gen) => Record<string, MetricSeries>;
  logs?: (l: LogGen) => LogEntry[];
}
