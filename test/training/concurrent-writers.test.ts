// 100 record-sample processes writing to one training-data directory at once,
// each the bundled task run with plain node, as Kestra would run them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTasks } from '../../scripts/build.js';
import { decide } from '../../src/decision/decide.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { readSamples } from '../../src/training/store.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runCommand } from '../support/run-command.js';

describe('record-sample with 100 concurrent writer processes', () => {
  let work: string | undefined;
  let bundle = '';
  let decisionFile = '';

  beforeAll(async () => {
    work = await makeTempDir('writers');
    const built = await buildTasks(join(work, 'dist'));
    bundle = built.find((f) => f.endsWith('record-sample.cjs'))!;
    const scenario = await loadScenarioFile(join(REPO_ROOT, 'mock-data/scenarios/memory-leak-payment.json'));
    const record = await decide(
      { deployment: scenario.deployment, step_seconds: scenario.step_seconds, metrics: scenario.metrics },
      { thresholds: DEFAULT_THRESHOLDS },
    );
    decisionFile = join(work, 'decision.json');
    await writeFile(decisionFile, JSON.stringify(record));
  }, 120_000);
  afterAll(() => removeTempDir(work));

  const run = (dataDir: string, deploymentId: string) =>
    runCommand(process.execPath, [bundle], {
      cwd: work!,
      timeoutMs: 90_000,
      env: commandEnv(dataDir, {
        DECISION_FILE: decisionFile,
        DEPLOYMENT_ID: deploymentId,
        SERVICE: 'payment-service',
        NAMESPACE: 'prod',
        VERSION: 'v2.4.1',
        LOG_LEVEL: 'warn',
      }),
    });

  it('100 processes with distinct deployments give 100 valid, whole lines', async () => {
    const dataDir = join(work!, 'distinct');
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => run(dataDir, `deploy-c${i}`)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const { samples, corrupt } = await readSamples(dataDir);
    expect(corrupt).toEqual([]);
    expect(samples).toHaveLength(100);
    expect(new Set(samples.map((s) => s.deployment_id)).size).toBe(100);
    expect(samples.every((s) => s.reward === null && s.action === 'ROLLBACK')).toBe(true);
  }, 120_000);

  it('20 processes re-delivering one deployment record it once', async () => {
    const dataDir = join(work!, 'same');
    const results = await Promise.all(Array.from({ length: 20 }, () => run(dataDir, 'deploy-again')));
    const statuses = results.map((r) => /"sample_status":"(\w+)"/.exec(r.stdout)?.[1]);
    expect(statuses.filter((s) => s === 'recorded')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(19);
    expect((await readSamples(dataDir)).samples).toHaveLength(1);
  }, 120_000);

  it('a missing decision record fails with a one-line reason and records nothing', async () => {
    const dataDir = join(work!, 'missing');
    const r = await runCommand(process.execPath, [bundle], {
      cwd: work!,
      env: commandEnv(dataDir, { DECISION_FILE: join(work!, 'nope.json'), DEPLOYMENT_ID: 'd', SERVICE: 's', VERSION: 'v1' }),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot read the decision record .*nope\.json/);
    expect((await readSamples(dataDir)).samples).toHaveLength(0);
  });
});
