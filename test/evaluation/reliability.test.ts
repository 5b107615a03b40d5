import { describe, expect, it } from 'vitest';
import { formatReliability, reliabilityTable } from '../../src/evaluation/reliability.js';
import type { EvaluatedCase } from '../../src/evaluation/summary.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runTsx } from '../support/run-command.js';
import { join } from 'node:path';

const c = (confidence: number, right: boolean, expected?: 'ROLLBACK' | 'CONTINUE'): EvaluatedCase => ({
  id: `c-${confidence}-${right}`,
  decision: right ? 'ROLLBACK' : 'CONTINUE',
  confidence,
  decided_by: 'judge',
  ...(expected === undefined ? { expected: 'ROLLBACK' as const } : { expected }),
});

describe('reliability table', () => {
  it('bins by stated confidence, with mean confidence, accuracy and the expected calibration error', () => {
    const cases = [c(0.9, true), c(0.95, true), c(0.95, false), c(0.55, true), c(1, true)];
    const t = reliabilityTable(cases);
    const top = t.bins.find((b) => b.confidence === '[0.9, 1]')!;
    expect(top).toEqual({ confidence: '[0.9, 1]', cases: 4, mean_confidence: 0.95, accuracy: 0.75 });
    expect(t.bins.find((b) => b.confidence === '[0.5, 0.6)')).toEqual({ confidence: '[0.5, 0.6)', cases: 1, mean_confidence: 0.55, accuracy: 1 });
    expect(t.bins.find((b) => b.confidence === '[0.6, 0.7)')!.accuracy).toBeNull();
    // ECE = 4/5·|0.75 − 0.95| + 1/5·|1 − 0.55|
    expect(t.ece).toBeCloseTo((4 / 5) * 0.2 + (1 / 5) * 0.45, 3);
    expect(formatReliability('x', t)).toMatch(/\[0\.9, 1\]\s+4\s+0\.950\s+0\.750/);
  });

  it('leaves out cases without ground truth', () => {
    const unlabelled: EvaluatedCase = { id: 'u', decision: 'CONTINUE', confidence: 0.9, decided_by: 'judge' };
    expect(reliabilityTable([unlabelled, c(0.7, true)]).cases).toBe(1);
  });
});

describe('npm run reliability', () => {
  it('prints one table per scenario set and per synthetic seed as JSON', async () => {
    const dir = await makeTempDir('reliability');
    try {
      const r = await runTsx('scripts/reliability.ts', [join(REPO_ROOT, 'mock-data', 'scenarios'), '--seeds', '1,2', '--runs', '30', '--json'], commandEnv(dir));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as { tables: Record<string, { cases: number; bins: unknown[] }>; invalid: number };
      expect(Object.keys(doc.tables)).toEqual([join(REPO_ROOT, 'mock-data', 'scenarios'), 'synthetic seed 1', 'synthetic seed 2']);
      expect(doc.tables['synthetic seed 1']!.cases).toBe(30);
      expect(doc.tables[join(REPO_ROOT, 'mock-data', 'scenarios')]!.cases).toBe(44);
      expect(doc.invalid).toBe(0);
    } finally {
      await removeTempDir(dir);
    }
  });
});
