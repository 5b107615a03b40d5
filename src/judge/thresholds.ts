// The judge's default thresholds, apart from the judge itself: configuration
// (src/config/env.ts) reads them in every task, and importing the judge for them
// would load and initialise its statistics in tasks that never decide.
import type { JudgeThresholds } from './types.js';

export const DEFAULT_THRESHOLDS: JudgeThresholds = {
  alpha: 0.05,
  // 2.5: the canary median must sit beyond ~99% of the baseline samples
  noise_sigmas: 2.5,
  min_samples: 3,
  guardrails: { error_rate: 10, memory_pct: 95 },
  min_error_events: 5,
  log_new_errors_min: 10,
  low_confidence: 0.5,
  // the `for: 5m` of common alerting practice: shorter blips and warm-ups are not regressions
  min_excursion_seconds: 300,
};
