// src/evaluation/summary.ts: the confusion-matrix summary of the evaluate
// command, ROLLBACK being the positive class.
import { describe, expect, it } from 'vitest';
import { summarize, type EvaluatedCase } from '../../src/evaluation/summary.js';
import type { Decision } from '../../src/judge/types.js';

let n = 0;
function c(decision: Decision, expected?: Decision): EvaluatedCase {
  n++;
  return { id: `case-${n}`, decision, confidence: 0.9, decided_by: 'judge', ...(expected ? { expected } : {}) };
}
const times = (k: number, make: () => EvaluatedCase): EvaluatedCase[] => Array.from({ length: k }, make);

describe('summarize', () => {
  it('a hand-computed example: 3 TP, 1 FP, 4 TN, 2 FN', () => {
    const cases = [
      ...times(3, () => c('ROLLBACK', 'ROLLBACK')), // tp
      ...times(1, () => c('ROLLBACK', 'CONTINUE')), // fp
      ...times(4, () => c('CONTINUE', 'CONTINUE')), // tn
      ...times(2, () => c('CONTINUE', 'ROLLBACK')), // fn
    ];
    // precision 3/4, recall 3/5, f1 = 2·0.75·0.6/1.35 = 0.6667, false rollback rate 1/(1+4)
    expect(summarize(cases, 0)).toEqual({
      total: 10,
      tp: 3,
      fp: 1,
      tn: 4,
      fn: 2,
      precision: 0.75,
      recall: 0.6,
      f1: 0.6667,
      false_rollback_rate: 0.2,
      invalid: 0,
    });
  });

  it('cases without `expected` are left out of every count', () => {
    const withTruth = [c('ROLLBACK', 'ROLLBACK'), c('CONTINUE', 'CONTINUE'), c('ROLLBACK', 'CONTINUE')];
    const without = [c('ROLLBACK'), c('ROLLBACK'), c('CONTINUE')];
    const expected = summarize(withTruth, 0);
    expect(expected).toMatchObject({ total: 3, tp: 1, fp: 1, tn: 1, fn: 0, precision: 0.5, recall: 1, false_rollback_rate: 0.5 });
    expect(summarize([...without.slice(0, 2), ...withTruth, without[2]!], 0)).toEqual(expected);
    // nothing with ground truth: all zero
    expect(summarize(without, 0)).toMatchObject({ total: 0, tp: 0, fp: 0, tn: 0, fn: 0 });
  });

  it('invalid is passed through untouched and does not count in total', () => {
    const s = summarize([c('ROLLBACK', 'ROLLBACK')], 3);
    expect(s.invalid).toBe(3);
    expect(s.total).toBe(1);
  });

  it('ratios are rounded to 4 decimals', () => {
    // tp 1, fp 2, fn 0, tn 2: precision 1/3, recall 1, f1 = 2·(1/3)/(4/3) = 0.5, FRR 2/4
    const s = summarize([c('ROLLBACK', 'ROLLBACK'), c('ROLLBACK', 'CONTINUE'), c('ROLLBACK', 'CONTINUE'), c('CONTINUE', 'CONTINUE'), c('CONTINUE', 'CONTINUE')], 0);
    expect(s).toMatchObject({ precision: 0.3333, recall: 1, f1: 0.5, false_rollback_rate: 0.5 });
  });

  describe('zero denominators give 0, never NaN', () => {
    it('no cases at all', () => {
      expect(summarize([], 0)).toEqual({
        total: 0,
        tp: 0,
        fp: 0,
        tn: 0,
        fn: 0,
        precision: 0,
        recall: 0,
        f1: 0,
        false_rollback_rate: 0,
        invalid: 0,
      });
    });

    it('only true negatives: no predicted or actual positives', () => {
      const s = summarize(times(3, () => c('CONTINUE', 'CONTINUE')), 0);
      expect(s).toMatchObject({ total: 3, tn: 3, precision: 0, recall: 0, f1: 0, false_rollback_rate: 0 });
    });

    it('only missed regressions: no negatives, no predicted positives', () => {
      const s = summarize(times(2, () => c('CONTINUE', 'ROLLBACK')), 0);
      expect(s).toMatchObject({ total: 2, fn: 2, precision: 0, recall: 0, f1: 0, false_rollback_rate: 0 });
    });

    it('only false rollbacks: no actual positives', () => {
      const s = summarize(times(2, () => c('ROLLBACK', 'CONTINUE')), 0);
      expect(s).toMatchObject({ total: 2, fp: 2, precision: 0, recall: 0, f1: 0, false_rollback_rate: 1 });
    });

    it('every ratio is a finite number in [0, 1]', () => {
      for (const cases of [[], [c('ROLLBACK')], times(2, () => c('CONTINUE', 'ROLLBACK')), times(2, () => c('ROLLBACK', 'CONTINUE'))]) {
        const s = summarize(cases, 0);
        for (const key of ['precision', 'recall', 'f1', 'false_rollback_rate'] as const) {
          expect(Number.isFinite(s[key])).toBe(true);
          expect(s[key]).toBeGreaterThanOrEqual(0);
          expect(s[key]).toBeLessThanOrEqual(1);
        }
      }
    });
  });
});
