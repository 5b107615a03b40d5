// Conformance of the local Kestra with Kestra's own Python client (kestrapy 2.0.3): every
// Kestra API call the project makes, driven through kestrapy against the engine, answers
// validated against kestrapy's models (test/engine/kestrapy_conformance.py).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKestra, type LocalKestra } from '../support/local-kestra.js';
import { REPO_ROOT, runCommand } from '../support/run-command.js';

let kestra: LocalKestra;

beforeAll(async () => {
  const probe = await runCommand('python3', ['-c', 'import kestrapy'], { cwd: REPO_ROOT, env: process.env, timeoutMs: 60_000 });
  if (probe.code !== 0) throw new Error(`kestrapy is not installed: python3 -m pip install kestrapy==2.0.3 (as .ci/run does)\n${probe.stderr}`);
  kestra = await startLocalKestra('kestrapy');
}, 300_000);

afterAll(async () => {
  await kestra?.stop();
});

describe('the local Kestra through kestrapy, Kestra\'s own client', () => {
  it('passes every conformance check', async () => {
    const r = await runCommand('python3', [join(REPO_ROOT, 'test/engine/kestrapy_conformance.py')], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KESTRA_URL: kestra.settings.url,
        KESTRA_USERNAME: kestra.settings.username,
        KESTRA_PASSWORD: kestra.settings.password,
        WEBHOOK_KEY: kestra.settings.webhookKey,
        FLOWS_DIR: join(REPO_ROOT, 'flows'),
      },
      timeoutMs: 300_000,
    });
    const failures = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failures, r.stderr.slice(-2000)).toEqual([]);
    expect(r.stdout).toMatch(/^(\d+) passed, 0 failed$/m);
    expect(Number(/^(\d+) passed/m.exec(r.stdout)?.[1])).toBeGreaterThanOrEqual(16);
    expect(r.code).toBe(0);
  }, 320_000);
});
