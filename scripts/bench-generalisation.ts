// npm run bench:generalisation [-- --runs N --seed S]
// How the judge does on scenarios it was never tuned on: synthetic KPI
// deployments (scripts/scenarios/synthetic-kpis.ts says what they are). Read the
// figures as a robustness check, beside `evaluate` on real data.
import { parseCommandArgs } from '../src/cli/args.js';
import { DEFAULT_THRESHOLDS, judge } from '../src/judge/judge.js';
import { reliabilityTable } from '../src/evaluation/reliability.js';
import { summarize, type EvaluatedCase } from '../src/evaluation/summary.js';
import { syntheticDeployments } from './scenarios/synthetic-kpis.js';

const { values } = parseCommandArgs(process.argv.slice(2), {
  runs: { type: 'string', default: '400' },
  seed: { type: 'string', default: '1' },
});
const runs = Number(values.runs);
const seed = Number(values.seed);

const cases: EvaluatedCase[] = syntheticDeployments(runs, seed).map((d) => {
  const result = judge(d.input, DEFAULT_THRESHOLDS);
  return { id: d.id, decision: result.decision, confidence: result.confidence, decided_by: 'judge', expected: d.expected };
});
console.log(JSON.stringify({ runs, seed, summary: summarize(cases, 0), calibration: reliabilityTable(cases) }, null, 2));
