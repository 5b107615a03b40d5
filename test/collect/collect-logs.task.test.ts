// tasks/collect-logs.ts spawned as Kestra runs it (via `npx tsx` here): kubectl v1.34.4
// against a REAL control plane on loopback (test/support/local-cluster.ts; kwok's node
// serves the pod logs), or, with LOKI_URL, the loopback Loki double. One cluster for the
// file, a namespace per test.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { ScenarioSchema } from '../../src/scenario/schema.js';
import { CLUSTER_START_TIMEOUT_MS, CLUSTER_TEST_TIMEOUT_MS, addPodWithLogs, createDeploymentWithHistory, startTestCluster, type TestCluster } from '../support/local-cluster.js';
import { startLokiDouble } from '../support/loki-double.js';
import { commandEnv, makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';


const OLD_POD = 'payment-service-6f7c9d8b5-abcde';
const NEW_POD = 'payment-service-7d9f8b6c4-xyz12';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await startTestCluster();
}, CLUSTER_START_TIMEOUT_MS);

afterAll(async () => {
  await cluster?.stop();
}, 30_000);

/** payment-service (scaled to 0: only the pods below match its selector) and two pods with logs. */
async function seed(namespace: string, dir: string): Promise<void> {
  await createDeploymentWithHistory(cluster, { namespace, name: 'payment-service', images: ['reg/payment-service:v1.0.0'], replicas: 0 });
  await addPodWithLogs(cluster, {
    namespace,
    name: OLD_POD,
    labels: { app: 'payment-service' },
    containers: {
      app: [
        { time: '2026-11-23T09:20:00Z', text: 'INFO before the baseline window' },
        { time: '2026-11-23T09:40:00.25Z', text: 'INFO served request id=1' },
        { time: '2026-11-23T09:59:59.999999999Z', text: 'WARN slow request took 900ms' },
        { time: '2026-11-23T10:02:00.5Z', text: 'ERROR db timeout after 5000ms' },
      ],
    },
  }, dir);
  await addPodWithLogs(cluster, {
    namespace,
    name: NEW_POD,
    labels: { app: 'payment-service' },
    containers: {
      app: [
        { time: '2026-11-23T10:00:00Z', text: 'INFO starting v1.1.0' },
        { time: '2026-11-23T10:01:00Z', text: 'INFO connecting to postgres://app:s3cr3t-pa55@db:5432/pay password=hunter2' },
        { time: '2026-11-23T10:03:00Z', text: 'ERROR NullPointerException in CheckoutHandler' },
      ],
    },
  }, dir);
}

const scenarioIn = (namespace: string) => ({
  id: 'deploy-42',
  description: 'collected from Prometheus',
  deployment: { deployment_id: 'deploy-42', service: 'payment-service', namespace, version: 'v1.1.0', previous_version: 'v1.0.0' },
  step_seconds: 60,
  metrics: { error_rate: { baseline: [0.1, 0.2, null], canary: [0.3, 4.5], direction: 'increase', unit: '%' } },
});

function kestraOutputs(stdout: string): Record<string, any> {
  const line = stdout.split('\n').find((l) => l.startsWith('::{') && l.endsWith('}::') && l.includes('"outputs"'));
  expect(line, `no Kestra outputs line in:\n${stdout}`).toBeDefined();
  return (JSON.parse(line!.slice(2, -2)) as { outputs: Record<string, any> }).outputs;
}

describe('tasks/collect-logs.ts: kubectl v1.34.4 against a real control plane', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  let dir: string;
  let ns: string;

  beforeEach(async () => {
    dir = await makeTempDir('collect-logs');
    ns = await cluster.namespace('collect');
  });

  afterEach(async () => {
    await removeTempDir(dir);
  });

  const env = (overrides: Record<string, string | undefined> = {}) =>
    commandEnv(join(dir, 'training'), {
      // the cluster's kubectl first: on some images /usr/bin/kubectl is another program
      PATH: `${dirname(cluster.kubectlPath)}:${process.env.PATH ?? ''}`,
      HOME: dir,
      KUBECONFIG: cluster.kubeconfig,
      KUBECACHEDIR: undefined,
      KUBE_CONTEXT: 'local',
      DEPLOYMENT_ID: 'deploy-42',
      SERVICE: 'payment-service',
      NAMESPACE: ns,
      VERSION: 'v1.1.0',
      PREVIOUS_VERSION: 'v1.0.0',
      DEPLOYED_AT: '2026-11-23T10:00:00Z',
      BASELINE_WINDOW_MINUTES: '30',
      CANARY_WINDOW_MINUTES: '10',
      LOKI_URL: undefined,
      LOKI_SELECTOR: undefined,
      LOG_MAX_LINES: undefined,
      SCENARIO_FILE: undefined,
      OUTPUT_FILE: undefined,
      ...overrides,
    });

  it('real cluster: merges the logs into SCENARIO_FILE, which still parses, and prints the Kestra outputs', async () => {
    await seed(ns, dir);
    const SCENARIO = scenarioIn(ns);
    const file = join(dir, 'scenario.json');
    await writeFile(file, `${JSON.stringify(SCENARIO, null, 2)}\n`);
    const r = await runTsx('tasks/collect-logs.ts', [], env({ SCENARIO_FILE: file }), 60_000);
    expect(r.stderr.trim(), r.stdout).toBe('');
    expect(r.code).toBe(0);

    const text = await readFile(file, 'utf8');
    const scenario = ScenarioSchema.parse(JSON.parse(text));
    // everything collect-metrics wrote is still there
    expect(scenario).toMatchObject({ ...SCENARIO, logs: expect.any(Object) });
    expect(scenario.logs!.baseline).toEqual([
      `2026-11-23T09:40:00.250000000Z [pod/${OLD_POD}/app] INFO served request id=1`,
      `2026-11-23T09:59:59.999999999Z [pod/${OLD_POD}/app] WARN slow request took 900ms`,
    ]);
    expect(scenario.logs!.canary).toHaveLength(4);
    // timestamps as the kubelet prints them: nine fixed fraction digits
    expect(scenario.logs!.canary[0]).toBe(`2026-11-23T10:00:00.000000000Z [pod/${NEW_POD}/app] INFO starting v1.1.0`);
    expect(scenario.logs!.canary[2]).toBe(`2026-11-23T10:02:00.500000000Z [pod/${OLD_POD}/app] ERROR db timeout after 5000ms`);
    // secrets never reach the file
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cr3t-pa55');
    expect(scenario.logs!.canary[1]).toContain('[redacted]');

    expect(kestraOutputs(r.stdout)).toEqual({
      log_source: 'kubectl',
      baseline_lines: 2,
      canary_lines: 4,
      new_error_signatures: 2,
      dropped: { baseline: 0, canary: 0 },
      file,
    });
    expect(r.stdout).toContain('"correlation_id":"deploy-42"');
    expect(r.stdout).not.toContain('hunter2');
    // read since the baseline start: the 09:20 line is not there
    expect(text).not.toContain('before the baseline window');
  });

  it('real cluster: without SCENARIO_FILE writes {baseline, canary} to OUTPUT_FILE, bounded by LOG_MAX_LINES', async () => {
    await seed(ns, dir);
    const out = join(dir, 'logs.json');
    const r = await runTsx('tasks/collect-logs.ts', [], env({ OUTPUT_FILE: out, LOG_MAX_LINES: '3' }), 60_000);
    expect(r.stderr.trim(), r.stdout).toBe('');
    expect(r.code).toBe(0);
    const text = await readFile(out, 'utf8');
    const logs = JSON.parse(text) as { baseline: string[]; canary: string[] };
    expect(Object.keys(logs)).toEqual(['baseline', 'canary']);
    expect(logs.baseline).toHaveLength(2);
    // the most recent three canary lines are kept
    expect(logs.canary).toHaveLength(3);
    expect(logs.canary[2]).toContain('ERROR NullPointerException in CheckoutHandler');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('password=[redacted]');
    expect(kestraOutputs(r.stdout)).toMatchObject({ log_source: 'kubectl', baseline_lines: 2, canary_lines: 3, dropped: { baseline: 0, canary: 1 }, file: out });
  });

  it('real cluster: a deployment that does not exist exits 1 with one line naming it', async () => {
    const r = await runTsx('tasks/collect-logs.ts', [], env({ SERVICE: 'ghost-service', DEPLOYMENT_ID: 'deploy-43', OUTPUT_FILE: join(dir, 'logs.json') }), 60_000);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^collect-logs failed: kubectl found no deployment/ghost-service in namespace ${ns} \\(context local\\): .*"ghost-service" not found; check SERVICE and NAMESPACE`));
    expect(r.stdout).not.toContain('::{"outputs"');
  });

  it('real cluster: a SCENARIO_FILE of another deployment is refused and left as it was', async () => {
    await seed(ns, dir);
    const SCENARIO = scenarioIn(ns);
    const file = join(dir, 'scenario.json');
    const other = { ...SCENARIO, id: 'deploy-41', deployment: { ...SCENARIO.deployment, deployment_id: 'deploy-41' } };
    const before = `${JSON.stringify(other, null, 2)}\n`;
    await writeFile(file, before);
    const r = await runTsx('tasks/collect-logs.ts', [], env({ SCENARIO_FILE: file }), 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^collect-logs failed: SCENARIO_FILE .* is for deployment deploy-41 \(payment-service\), not deploy-42/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('with LOKI_URL set against the loopback Loki double the task reads Loki, not kubectl', async () => {
    // nothing in the namespace: a kubectl read would fail the task with "not found"
    const labels = { namespace: ns, app: 'payment-service' };
    const loki = await startLokiDouble([
      { labels, at: Date.parse('2026-11-23T09:45:00Z'), line: 'INFO served request id=7' },
      { labels, at: Date.parse('2026-11-23T10:04:00Z'), line: 'ERROR OutOfMemoryError in ReportJob token=abcdef123456' },
      { labels: { namespace: ns, app: 'billing' }, at: Date.parse('2026-11-23T10:05:00Z'), line: 'ERROR not ours' },
    ]);
    try {
      const out = join(dir, 'logs.json');
      const r = await runTsx('tasks/collect-logs.ts', [], env({ LOKI_URL: `${loki.url}/`, OUTPUT_FILE: out }), 60_000);
      expect(r.stderr.trim(), r.stdout).toBe('');
      expect(r.code).toBe(0);
      const logs = JSON.parse(await readFile(out, 'utf8')) as { baseline: string[]; canary: string[] };
      expect(logs.baseline).toEqual(['2026-11-23T09:45:00.000Z INFO served request id=7']);
      expect(logs.canary).toHaveLength(1);
      expect(logs.canary[0]).toMatch(/^2026-11-23T10:04:00\.000Z ERROR OutOfMemoryError in ReportJob token=\[redacted\]$/);
      expect(kestraOutputs(r.stdout)).toEqual({ log_source: 'loki', baseline_lines: 1, canary_lines: 1, new_error_signatures: 1, dropped: { baseline: 0, canary: 0 }, file: out });
      // one query per window, with the default selector
      expect(loki.queries.map((q) => q.get('query'))).toEqual([`{namespace="${ns}", app="payment-service"}`, `{namespace="${ns}", app="payment-service"}`]);
      expect(loki.queries.map((q) => q.get('limit'))).toEqual(['5000', '5000']);
    } finally {
      await loki.close();
    }
  });
});
