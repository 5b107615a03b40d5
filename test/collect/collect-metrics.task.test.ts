// tasks/collect-metrics.ts spawned as Kestra runs it (via tsx here), SOURCE=mock.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runTsx } from '../support/run-command.js';

const TASK_INPUTS = ['SOURCE', 'SCENARIO', 'MOCK_DATA_DIR', 'OUTPUT_FILE', 'DEPLOYMENT_ID', 'SERVICE', 'NAMESPACE', 'VERSION', 'PREVIOUS_VERSION', 'DEPLOYED_AT', 'PROMETHEUS_TIMEOUT_MS', 'PROMQL_EXTRA'];
const cleared = Object.fromEntries(TASK_INPUTS.map((n) => [n, undefined]));

function kestraOutputs(stdout: string): Record<string, any> {
  const line = stdout.split('\n').find((l) => l.startsWith('::{') && l.endsWith('}::') && l.includes('"outputs"'));
  expect(line, stdout).toBeDefined();
  return (JSON.parse(line!.slice(2, -2)) as { outputs: Record<string, any> }).outputs;
}

describe('collect-metrics task', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeTempDir(d);
  });

  it('SOURCE=mock writes a scenario the decide task can read, with Kestra outputs', async () => {
    const dir = await makeTempDir('collect');
    dirs.push(dir);
    const out = join(dir, 'scenario.json');
    const result = await runTsx(
      'tasks/collect-metrics.ts',
      [],
      commandEnv(join(dir, 'training'), {
        ...cleared,
        SOURCE: 'mock',
        SCENARIO: 'healthy-scattered-nulls-warehouse',
        MOCK_DATA_DIR: join(REPO_ROOT, 'mock-data', 'scenarios'),
        OUTPUT_FILE: out,
        DEPLOYMENT_ID: 'Deploy 2026/11 #42',
        SERVICE: 'warehouse-sync',
        NAMESPACE: 'prod',
        VERSION: 'v4.4.2',
        LOG_LEVEL: 'warn',
      }),
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const scenario = ScenarioSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    const source = ScenarioSchema.parse(
      JSON.parse(await readFile(join(REPO_ROOT, 'mock-data', 'scenarios', 'healthy-scattered-nulls-warehouse.json'), 'utf8')),
    );
    expect(scenario.id).toBe('deploy-2026-11-42');
    expect(scenario.deployment).toMatchObject({ deployment_id: 'Deploy 2026/11 #42', service: 'warehouse-sync', namespace: 'prod', version: 'v4.4.2' });
    expect(scenario.step_seconds).toBe(source.step_seconds);
    expect(scenario.metrics).toEqual(source.metrics);
    expect(scenario.logs).toEqual(source.logs);
    expect(scenario.expected).toBeUndefined();

    const outputs = kestraOutputs(result.stdout);
    expect(outputs.scenario_file).toBe(out);
    expect(outputs.metrics).toEqual(Object.keys(source.metrics));
    expect(outputs.no_data).toEqual([]);
    expect(outputs.samples.error_rate.baseline).toBe(source.metrics.error_rate!.baseline.filter((v) => v !== null).length);
  });

  it('SOURCE=mock with only a DEPLOYMENT_ID keeps the scenario\'s service and versions', async () => {
    const dir = await makeTempDir('collect');
    dirs.push(dir);
    const out = join(dir, 'scenario.json');
    const result = await runTsx(
      'tasks/collect-metrics.ts',
      [],
      commandEnv(join(dir, 'training'), {
        ...cleared,
        SOURCE: 'mock',
        SCENARIO: 'memory-leak-payment',
        MOCK_DATA_DIR: join(REPO_ROOT, 'mock-data', 'scenarios'),
        OUTPUT_FILE: out,
        DEPLOYMENT_ID: 'demo-redelivery-1',
        LOG_LEVEL: 'warn',
      }),
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const source = ScenarioSchema.parse(JSON.parse(await readFile(join(REPO_ROOT, 'mock-data', 'scenarios', 'memory-leak-payment.json'), 'utf8')));
    const scenario = ScenarioSchema.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(scenario.deployment).toMatchObject({
      deployment_id: 'demo-redelivery-1',
      service: source.deployment.service,
      version: source.deployment.version,
      previous_version: source.deployment.previous_version,
    });
  });

  it('fails with one line naming the reason: SOURCE=mock without SCENARIO', async () => {
    const dir = await makeTempDir('collect');
    dirs.push(dir);
    const result = await runTsx(
      'tasks/collect-metrics.ts',
      [],
      commandEnv(join(dir, 'training'), { ...cleared, SOURCE: 'mock', OUTPUT_FILE: join(dir, 'scenario.json') }),
      60_000,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^collect-metrics failed: SCENARIO is not set/);
  });
});
