// src/scenario/load.ts + schema.ts: reading scenario files, where every error
// names the file and the JSON path at fault.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ScenarioError,
  expandScenarioPaths,
  jsonPath,
  loadScenarioFile,
  parseScenario,
  parseScenarioText,
} from '../../src/scenario/load.js';
import { RFC1123_LABEL, RFC1123_SUBDOMAIN } from '../../src/scenario/schema.js';
import { makeTempDir, removeTempDir } from '../support/run-command.js';

/** A minimal valid scenario, fresh each call so a test can damage it. */
function scenario(): any {
  return {
    id: 'small-one',
    deployment: { deployment_id: 'deploy-9', service: 'payment-service', version: 'v1.0.1' },
    step_seconds: 60,
    metrics: { error_rate: { baseline: [0.5, 0.6, 0.4, 0.5], canary: [0.5, 0.7, 0.6] } },
  };
}

/** The ScenarioError `fn` throws (synchronously or as a rejection). */
async function scenarioError(fn: () => unknown): Promise<ScenarioError> {
  try {
    await fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return err as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

let dir: string | undefined;
beforeEach(async () => {
  dir = await makeTempDir('scenario');
});
afterEach(async () => {
  await removeTempDir(dir);
  dir = undefined;
});

describe('loadScenarioFile', () => {
  it('reads a valid file: namespace defaults to "default", optional parts stay absent', async () => {
    const file = join(dir!, 'ok.json');
    await writeFile(file, JSON.stringify(scenario()));
    const s = await loadScenarioFile(file);
    expect(s.deployment).toEqual({
      deployment_id: 'deploy-9',
      service: 'payment-service',
      namespace: 'default',
      version: 'v1.0.1',
    });
    expect(s.metrics.error_rate).toEqual({ baseline: [0.5, 0.6, 0.4, 0.5], canary: [0.5, 0.7, 0.6] });
    expect(s.expected).toBeUndefined();
    expect(s.logs).toBeUndefined();
  });

  it('an explicit namespace, previous_version, nulls, direction, unit, logs and expected are kept', async () => {
    const input = scenario();
    input.deployment.namespace = 'prod';
    input.deployment.previous_version = 'v1.0.0';
    input.metrics.queue_depth = { baseline: [1, null, 2], canary: [], direction: 'either', unit: 'jobs' };
    input.logs = { canary: ['2026-01-01T10:05:00Z ERROR boom'] };
    input.expected = 'ROLLBACK';
    const file = join(dir!, 'full.json');
    await writeFile(file, JSON.stringify(input));
    const s = await loadScenarioFile(file);
    expect(s.deployment.namespace).toBe('prod');
    expect(s.deployment.previous_version).toBe('v1.0.0');
    expect(s.metrics.queue_depth).toEqual({ baseline: [1, null, 2], canary: [], direction: 'either', unit: 'jobs' });
    // a logs object with one window gets the other as []
    expect(s.logs).toEqual({ baseline: [], canary: ['2026-01-01T10:05:00Z ERROR boom'] });
    expect(s.expected).toBe('ROLLBACK');
  });

  it('invalid JSON: the error names the file and says it is not valid JSON', async () => {
    const file = join(dir!, 'broken.json');
    await writeFile(file, '{"id": "x", "deployment": ');
    const err = await scenarioError(() => loadScenarioFile(file));
    expect(err.file).toBe(file);
    expect(err.message.startsWith(`${file}: `)).toBe(true);
    expect(err.reason).toMatch(/^not valid JSON \(.+\)$/);
  });

  it('a missing file: a clear error naming the file and ENOENT, not a raw fs error', async () => {
    const file = join(dir!, 'does-not-exist.json');
    const err = await scenarioError(() => loadScenarioFile(file));
    expect(err.file).toBe(file);
    expect(err.message).toBe(`${file}: cannot read the file (ENOENT)`);
  });

  it('a schema error read from disk names the file and the JSON path', async () => {
    const input = scenario();
    input.metrics.error_rate.baseline[2] = 'high';
    const file = join(dir!, 'bad-sample.json');
    await writeFile(file, JSON.stringify(input));
    const err = await scenarioError(() => loadScenarioFile(file));
    expect(err.file).toBe(file);
    expect(err.message).toBe(`${file}: $.metrics.error_rate.baseline[2]: expected a number or null`);
  });
});

describe('schema errors give the JSON path', () => {
  it.each<[string, (s: any) => void, string]>([
    ['a sample that is not a number', (s) => (s.metrics.error_rate.baseline[2] = 'x'), '$.metrics.error_rate.baseline[2]'],
    ['a canary that is not an array', (s) => (s.metrics.error_rate.canary = 5), '$.metrics.error_rate.canary'],
    ['a missing service', (s) => delete s.deployment.service, '$.deployment.service'],
    ['an uppercase service with "_"', (s) => (s.deployment.service = 'Payment_Service'), '$.deployment.service'],
    ['a 64-character namespace', (s) => (s.deployment.namespace = 'a'.repeat(64)), '$.deployment.namespace'],
    ['an empty deployment_id', (s) => (s.deployment.deployment_id = ''), '$.deployment.deployment_id'],
    ['step_seconds 0', (s) => (s.step_seconds = 0), '$.step_seconds'],
    ['an unknown direction', (s) => (s.metrics.error_rate.direction = 'up'), '$.metrics.error_rate.direction'],
    ['an id with spaces', (s) => (s.id = 'Bad Id'), '$.id'],
    ['expected not ROLLBACK/CONTINUE', (s) => (s.expected = 'MAYBE'), '$.expected'],
    ['a metric name that is not an identifier', (s) => (s.metrics['latency-p95'] = { baseline: 'no', canary: [] }), '$.metrics["latency-p95"].baseline'],
    ['a log line that is not a string', (s) => (s.logs = { canary: ['ok', 7] }), '$.logs.canary[1]'],
    ['no metrics at all', (s) => delete s.metrics, '$.metrics'],
  ])('%s → %s', (_what, damage, path) => {
    const input = scenario();
    damage(input);
    const err = (() => {
      try {
        parseScenario(input, 'case.json');
      } catch (e) {
        return e as ScenarioError;
      }
      throw new Error('expected a ScenarioError');
    })();
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err.file).toBe('case.json');
    // the reason starts with exactly this path, then the message
    expect(err.reason.startsWith(`${path}: `)).toBe(true);
  });

  it('several problems are all reported, each with its path', async () => {
    const input = scenario();
    input.deployment.service = 'Payment_Service';
    input.metrics.error_rate.canary[0] = true;
    const err = await scenarioError(() => parseScenario(input, 'two.json'));
    expect(err.reason).toContain('$.deployment.service: expected a Kubernetes object name');
    expect(err.reason).toContain('$.metrics.error_rate.canary[0]: expected a number or null');
  });

  it('a JSON value that is not an object is rejected at $', async () => {
    const err = await scenarioError(() => parseScenarioText('[1, 2]', 'array.json'));
    expect(err.reason.startsWith('$: ')).toBe(true);
  });

  it('jsonPath renders identifiers with dots, indexes in brackets, other keys quoted', () => {
    expect(jsonPath([])).toBe('$');
    expect(jsonPath(['metrics', 'error_rate', 'baseline', 3])).toBe('$.metrics.error_rate.baseline[3]');
    expect(jsonPath(['metrics', 'latency-p95', 'canary'])).toBe('$.metrics["latency-p95"].canary');
    expect(jsonPath(['a b', 0, '9lives'])).toBe('$["a b"][0]["9lives"]');
  });
});

describe('RFC 1123 names', () => {
  it.each(['payment-service', 'payment.service', 'a', 'svc-2', 'a'.repeat(253 - 4) + '.com'])('service %j is accepted', (service) => {
    const input = scenario();
    input.deployment.service = service;
    expect(parseScenario(input, 'x.json').deployment.service).toBe(service);
  });

  it.each(['Payment_Service', 'payment_service', 'PaymentService', '-payment', 'payment-', 'svc; rm -rf /', '', 'a'.repeat(254)])(
    'service %j is rejected',
    async (service) => {
      const input = scenario();
      input.deployment.service = service;
      const err = await scenarioError(() => parseScenario(input, 'x.json'));
      expect(err.reason).toMatch(/^\$\.deployment\.service: /);
    },
  );

  it('namespace: a 63-character label passes, 64 characters, dots or uppercase do not', () => {
    expect(RFC1123_LABEL.test('a'.repeat(63))).toBe(true);
    expect(RFC1123_LABEL.test('a'.repeat(64))).toBe(false);
    expect(RFC1123_LABEL.test('team.prod')).toBe(false);
    expect(RFC1123_LABEL.test('Prod')).toBe(false);
    expect(RFC1123_SUBDOMAIN.test('team.prod')).toBe(true);
  });
});

describe('expandScenarioPaths', () => {
  it('a directory expands recursively to its *.json files only, sorted', async () => {
    const root = dir!;
    await mkdir(join(root, 'sub', 'deeper'), { recursive: true });
    await mkdir(join(root, 'empty'), { recursive: true });
    for (const f of ['b.json', 'a.json', 'notes.txt', 'c.json.bak', 'sub/d.json', 'sub/README.md', 'sub/deeper/e.json', 'z.json']) {
      await writeFile(join(root, f), '{}');
    }
    expect(await expandScenarioPaths([root])).toEqual([
      join(root, 'a.json'),
      join(root, 'b.json'),
      join(root, 'sub', 'd.json'),
      join(root, 'sub', 'deeper', 'e.json'),
      join(root, 'z.json'),
    ]);
  });

  it('files stay as given (any extension), missing paths pass through to be reported, argument order is kept', async () => {
    const root = dir!;
    await mkdir(join(root, 'd'));
    await writeFile(join(root, 'd', 'x.json'), '{}');
    await writeFile(join(root, 'given.txt'), '{}');
    const missing = join(root, 'missing.json');
    expect(await expandScenarioPaths([join(root, 'given.txt'), missing, join(root, 'd')])).toEqual([
      join(root, 'given.txt'),
      missing,
      join(root, 'd', 'x.json'),
    ]);
  });

  it('an empty directory expands to nothing', async () => {
    await mkdir(join(dir!, 'nothing'));
    expect(await expandScenarioPaths([join(dir!, 'nothing')])).toEqual([]);
  });
});

describe('default namespace (KUBE_NAMESPACE)', () => {
  it('fills in a deployment that names no namespace, and never overrides one that does', async () => {
    const { parseScenario } = await import('../../src/scenario/load.js');
    const base = {
      id: 'ns-test',
      deployment: { deployment_id: 'd-1', service: 'svc', version: 'v1' },
      step_seconds: 60,
      metrics: {},
    };
    expect(parseScenario(base, 'x.json').deployment.namespace).toBe('default');
    expect(parseScenario(base, 'x.json', { defaultNamespace: 'payments' }).deployment.namespace).toBe('payments');
    const named = { ...base, deployment: { ...base.deployment, namespace: 'prod' } };
    expect(parseScenario(named, 'x.json', { defaultNamespace: 'payments' }).deployment.namespace).toBe('prod');
  });
});
