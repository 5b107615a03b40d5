// src/training/store.ts + sample.ts: reward-pending samples, one JSON line per
// deployment, idempotent by deployment_id, corrupt lines skipped and reported.
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decide } from '../../src/decision/decide.js';
import type { DecisionRecord } from '../../src/decision/types.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import type { Deployment } from '../../src/scenario/schema.js';
import { buildSample, SAMPLE_SCHEMA_VERSION, type TrainingSample } from '../../src/training/sample.js';
import { readSamples, recordSample, SAMPLES_FILE } from '../../src/training/store.js';
import { BAD_METRICS, DEPLOYMENT, GOOD_METRICS } from '../llm/fixtures.js';
import { makeTempDir, removeTempDir } from '../support/run-command.js';

const NOW = new Date('2026-03-04T05:06:07.000Z');

let rollbackRecord: DecisionRecord;
let continueRecord: DecisionRecord;
beforeAll(async () => {
  rollbackRecord = await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: BAD_METRICS }, { thresholds: DEFAULT_THRESHOLDS });
  continueRecord = await decide({ deployment: DEPLOYMENT, step_seconds: 60, metrics: GOOD_METRICS }, { thresholds: DEFAULT_THRESHOLDS });
});

function sample(deploymentId: string, record: DecisionRecord = rollbackRecord, now: Date = NOW): TrainingSample {
  return buildSample({ ...DEPLOYMENT, deployment_id: deploymentId }, record, now);
}

async function fileLines(dir: string): Promise<string[]> {
  const text = await readFile(join(dir, SAMPLES_FILE), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.split('\n').filter((l) => l !== '');
}

let dir: string | undefined;
beforeEach(async () => {
  dir = await makeTempDir('training');
});
afterEach(async () => {
  await removeTempDir(dir);
  dir = undefined;
});

describe('buildSample', () => {
  it('a reward-pending sample: reward null, the state, action and provenance of the decision', () => {
    const s = sample('deploy-77');
    expect(s.reward).toBeNull();
    expect(s).toMatchObject({
      schema_version: SAMPLE_SCHEMA_VERSION,
      deployment_id: 'deploy-77',
      service: DEPLOYMENT.service,
      namespace: DEPLOYMENT.namespace,
      version: DEPLOYMENT.version,
      previous_version: DEPLOYMENT.previous_version,
      recorded_at: NOW.toISOString(),
      action: 'ROLLBACK',
      confidence: rollbackRecord.confidence,
      decided_by: 'judge',
      llm_status: 'disabled',
      model: null,
      prompt_version: rollbackRecord.prompt_version,
    });
    expect(Object.keys(s.state.metrics).sort()).toEqual(['error_rate', 'latency_p95_ms']);
    expect(s.state.metrics.error_rate!.verdict).toBe('high');
    expect(s.state.health_score).toBe(rollbackRecord.health_score);
    expect(s.state.coverage).toEqual(rollbackRecord.judge.coverage);
    expect(sample('deploy-78', continueRecord).action).toBe('CONTINUE');
  });

  it('previous_version absent → null (JSON has no undefined)', () => {
    const { previous_version: _omit, ...rest } = DEPLOYMENT;
    const deployment: Deployment = rest;
    const s = buildSample(deployment, continueRecord, NOW);
    expect(s.previous_version).toBeNull();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});

describe('recordSample', () => {
  it('records one line holding the sample, reward null', async () => {
    const s = sample('deploy-1');
    const outcome = await recordSample(dir!, s);
    expect(outcome).toEqual({ status: 'recorded', file: join(dir!, SAMPLES_FILE) });
    const lines = await fileLines(dir!);
    expect(lines).toHaveLength(1);
    const stored = JSON.parse(lines[0]!);
    expect(stored).toEqual(s);
    expect(stored.reward).toBeNull();
    // the lock is released
    expect((await readdir(dir!)).filter((f) => f.includes('lock'))).toEqual([]);
  });

  it('the same deployment_id again is a `duplicate` and adds nothing, even with different content', async () => {
    await recordSample(dir!, sample('deploy-1', rollbackRecord));
    const again = await recordSample(dir!, sample('deploy-1', continueRecord, new Date('2027-01-01T00:00:00Z')));
    expect(again).toEqual({ status: 'duplicate', file: join(dir!, SAMPLES_FILE) });
    const lines = await fileLines(dir!);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).action).toBe('ROLLBACK');
    // a different id is still recorded afterwards
    expect((await recordSample(dir!, sample('deploy-2'))).status).toBe('recorded');
    expect(await fileLines(dir!)).toHaveLength(2);
  });

  it('creates the directory when it does not exist yet', async () => {
    const nested = join(dir!, 'not', 'yet');
    expect((await recordSample(nested, sample('deploy-n'))).status).toBe('recorded');
    expect(await fileLines(nested)).toHaveLength(1);
  });

  it('50 concurrent calls with distinct ids: 50 whole, valid lines, every id once', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `deploy-concurrent-${i}`);
    const outcomes = await Promise.all(ids.map((id, i) => recordSample(dir!, sample(id, i % 2 ? rollbackRecord : continueRecord))));
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
    const lines = await fileLines(dir!);
    expect(lines).toHaveLength(50);
    const parsed = lines.map((l) => JSON.parse(l) as TrainingSample);
    expect(parsed.map((p) => p.deployment_id).sort()).toEqual([...ids].sort());
    expect(parsed.every((p) => p.reward === null)).toBe(true);
    const { samples, corrupt } = await readSamples(dir!);
    expect(corrupt).toEqual([]);
    expect(samples).toHaveLength(50);
  });

  it('10 concurrent calls with the same id: exactly one recorded, nine duplicates, one line', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => recordSample(dir!, sample('deploy-same'))));
    expect(outcomes.filter((o) => o.status === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(9);
    expect(await fileLines(dir!)).toHaveLength(1);
  });
});

describe('readSamples', () => {
  it('no samples file yet: nothing, no error', async () => {
    expect(await readSamples(dir!)).toEqual({ samples: [], corrupt: [] });
  });

  it('a corrupt line is reported (line number, reason) and skipped; the other lines are still read', async () => {
    await recordSample(dir!, sample('deploy-a'));
    await appendFile(join(dir!, SAMPLES_FILE), '{"deployment_id": "torn", "sta\n');
    await appendFile(join(dir!, SAMPLES_FILE), '{"hello": "world"}\n');
    await recordSample(dir!, sample('deploy-b'));
    await appendFile(join(dir!, SAMPLES_FILE), '\n');
    const { samples, corrupt } = await readSamples(dir!);
    expect(samples.map((s) => s.deployment_id)).toEqual(['deploy-a', 'deploy-b']);
    expect(samples[0]).toEqual(sample('deploy-a'));
    expect(corrupt).toHaveLength(2);
    expect(corrupt[0]!.line).toBe(2);
    expect(corrupt[0]!.reason.length).toBeGreaterThan(0);
    expect(corrupt[1]).toEqual({ line: 3, reason: 'not a training sample' });
  });

  it('lines that are JSON but not objects (null, numbers, strings, arrays) are corrupt, not a crash', async () => {
    await writeFile(join(dir!, SAMPLES_FILE), ['null', '42', '"text"', '[1,2]', JSON.stringify(sample('deploy-ok'))].join('\n') + '\n');
    const { samples, corrupt } = await readSamples(dir!);
    expect(samples.map((s) => s.deployment_id)).toEqual(['deploy-ok']);
    expect(corrupt.map((c) => c.line)).toEqual([1, 2, 3, 4]);
  });
});
