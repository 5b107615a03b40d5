// The in-process loop end to end (`npm run loop` runs `tsx scripts/loop.ts`):
// the readable and JSON reports, the training sample, and its errors.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandEnv, makeTempDir, removeTempDir, runTsx, type CommandResult } from '../support/run-command.js';

const SCRIPT = 'scripts/loop.ts';

async function sampleLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(dir, 'samples.jsonl'), 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('loop with no --scenario: the payment-service memory leak, readable report', () => {
  let dir: string | undefined;
  let result: CommandResult;
  beforeAll(async () => {
    dir = await makeTempDir('loop-default');
    result = await runTsx(SCRIPT, [], commandEnv(dir));
  });
  afterAll(() => removeTempDir(dir));

  it('exits 0 with a readable (not JSON) report of a ROLLBACK', () => {
    expect(result.code).toBe(0);
    expect(() => JSON.parse(result.stdout)).toThrow();
    expect(result.stdout).toMatch(/^Deployment deploy-0001: payment-service v2\.4\.1 in prod$/m);
    expect(result.stdout).toMatch(/^Decision: +ROLLBACK \(confidence \d\.\d\d, decided by judge\)$/m);
    expect(result.stdout).toMatch(/^Metrics:$/m);
    expect(result.stdout).toMatch(/^ +HIGH +memory_pct: /m);
  });

  it('lists the dry-run kubectl commands of the rollback to the previous version', () => {
    expect(result.stdout).toMatch(/^Rollback \(dry run, would run\):$/m);
    const commands = result.stdout
      .split('\n')
      .filter((l) => /^ +\$ /.test(l))
      .map((l) => l.replace(/^ +\$ /, ''));
    expect(commands).toEqual([
      'kubectl -n prod get replicasets -o json',
      "kubectl -n prod rollout undo deployment/payment-service '--to-revision=<revision of v2.4.0>'",
      'kubectl -n prod rollout status deployment/payment-service --timeout=180s',
      "kubectl -n prod get deployment/payment-service -o 'jsonpath={.spec.template.spec.containers[*].image}'",
    ]);
  });

  it('records the training sample in TRAINING_DATA_DIR/samples.jsonl', async () => {
    expect(result.stdout).toContain(`Training sample: recorded in ${join(dir!, 'samples.jsonl')}`);
    const lines = await sampleLines(dir!);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ deployment_id: 'deploy-0001', service: 'payment-service', action: 'ROLLBACK', reward: null });
  });
});

describe('loop --scenario healthy-hotfix --json, run twice', () => {
  let dir: string | undefined;
  let first: CommandResult;
  let second: CommandResult;
  beforeAll(async () => {
    dir = await makeTempDir('loop-json');
    first = await runTsx(SCRIPT, ['--scenario', 'healthy-hotfix', '--json'], commandEnv(dir));
    second = await runTsx(SCRIPT, ['--scenario', 'healthy-hotfix', '--json'], commandEnv(dir));
  });
  afterAll(() => removeTempDir(dir));

  it('prints one JSON object on one line', () => {
    expect(first.code).toBe(0);
    const lines = first.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(typeof report).toBe('object');
    expect(Array.isArray(report)).toBe(false);
  });

  it('the object carries decision, confidence, decided_by, health_score, per-metric verdicts and rollback not-needed', () => {
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({
      deployment_id: 'deploy-0002',
      service: 'checkout-service',
      namespace: 'prod',
      decision: 'CONTINUE',
      decided_by: 'judge',
      rollback: { status: 'not-needed' },
      pull_request: { status: 'not-needed' },
    });
    expect(report.confidence).toBeGreaterThan(0);
    expect(report.confidence).toBeLessThanOrEqual(1);
    expect(typeof report.health_score).toBe('number');
    expect(report.rollback).toEqual({ status: 'not-needed' });
    expect(Array.isArray(report.verdicts)).toBe(true);
    expect(report.verdicts.length).toBeGreaterThan(0);
    const metrics = report.verdicts.map((v: { metric: string }) => v.metric);
    expect(metrics).toEqual(expect.arrayContaining(['error_rate', 'latency_p95_ms']));
    for (const v of report.verdicts) {
      expect(typeof v.metric).toBe('string');
      expect(['pass', 'high', 'low', 'nodata']).toContain(v.verdict);
      expect(typeof v.reason).toBe('string');
    }
    expect(report.llm).toMatchObject({ status: 'disabled' });
  });

  it('the first run records the sample, the second records `duplicate`', () => {
    expect(JSON.parse(first.stdout).sample).toEqual({ status: 'recorded', file: join(dir!, 'samples.jsonl') });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).sample).toEqual({ status: 'duplicate', file: join(dir!, 'samples.jsonl') });
  });

  it('samples.jsonl still holds exactly one line for the deployment', async () => {
    const lines = await sampleLines(dir!);
    expect(lines.filter((l) => l.deployment_id === 'deploy-0002')).toHaveLength(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ action: 'CONTINUE', decided_by: 'judge', reward: null });
  });
});

describe('loop: errors', () => {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await makeTempDir('loop-errors');
  });
  afterAll(() => removeTempDir(dir));

  it('an unknown scenario name: exit 2, a message naming it, usage, nothing recorded', async () => {
    const result = await runTsx(SCRIPT, ['--scenario', 'no-such-scenario'], commandEnv(dir!));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no-such-scenario');
    expect(result.stderr).toMatch(/^usage: /m);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    await expect(readFile(join(dir!, 'samples.jsonl'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('invalid configuration (LLM_TIMEOUT_MS=abc): exit 2 naming the variable', async () => {
    const result = await runTsx(SCRIPT, ['--scenario', 'healthy-hotfix'], commandEnv(dir!, { LLM_TIMEOUT_MS: 'abc' }));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('LLM_TIMEOUT_MS');
    expect(result.stderr).toContain('expected a whole number');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    await expect(readFile(join(dir!, 'samples.jsonl'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
