// Confusion-matrix summary of the evaluate command (ROLLBACK is the positive class).
import type { Decision } from '../judge/types.js';

export interface EvaluatedCase {
  id: string;
  decision: Decision;
  confidence: number;
  decided_by: string;
  expected?: Decision;
}

export interface EvaluationSummary {
  total: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
  false_rollback_rate: number;
  invalid: number;
}

/** A ratio with an empty denominator is 0: nothing to be right about. */
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
const round = (x: number): number => Math.round(x * 10_000) / 10_000;

export function summarize(cases: EvaluatedCase[], invalid: number): EvaluationSummary {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (const c of cases) {
    if (!c.expected) continue;
    const predicted = c.decision === 'ROLLBACK';
    const actual = c.expected === 'ROLLBACK';
    if (predicted && actual) tp++;
    else if (predicted) fp++;
    else if (actual) fn++;
    else tn++;
  }
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return {
    total: tp + fp + tn + fn,
    tp,
    fp,
    tn,
    fn,
    precision: round(precision),
    recall: round(recall),
    f1: round(ratio(2 * precision * recall, precision + recall)),
    false_rollback_rate: round(ratio(fp, fp + tn)),
    invalid,
  };
}
