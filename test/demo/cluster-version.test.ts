// src/demo/cluster-version.ts with a scripted kubectl runner (the adapter it is given):
// the demo follows the Deployment's image tag, once per change, and a failed read is
// reported, not fatal. Against the real cluster it runs in npm start (scripts/stack.ts).
import { describe, expect, it } from 'vitest';
import type { KubectlOutput } from '../../src/actions/rollback.js';
import { versionOfImages, watchClusterVersion } from '../../src/demo/cluster-version.js';

describe('versionOfImages', () => {
  it.each<[string[], string | undefined]>([
    [['reg/app:v1'], 'v1'],
    [['reg:5000/app:v2@sha256:abc', 'reg/sidecar:v2'], 'v2'],
    [['reg/app:v1', 'reg/sidecar:v2'], undefined],
    [['reg/app'], undefined],
    [[], undefined],
  ])('%j -> %s', (images, version) => expect(versionOfImages(images)).toBe(version));
});

describe('watchClusterVersion', () => {
  it('deploys each new version once, reports a failed read and goes on', async () => {
    const answers: KubectlOutput[] = [
      { stdout: 'reg/payment-service:v2.4.1', stderr: '', code: 0 },
      { stdout: 'reg/payment-service:v2.4.1', stderr: '', code: 0 },
      { stdout: '', stderr: 'Error from server (NotFound): deployments.apps "payment-service" not found', code: 1 },
      { stdout: 'reg/payment-service:v2.4.0', stderr: '', code: 0 },
    ];
    const calls: string[][] = [];
    const deployed: string[] = [];
    const errors: string[] = [];
    const watch = watchClusterVersion({
      kubectl: async (args) => (calls.push(args), answers.shift()!),
      namespace: 'prod',
      deployment: 'payment-service',
      deploy: async (v) => void deployed.push(v),
      onError: (m) => errors.push(m),
      intervalMs: 60_000,
    });
    for (let i = 0; i < 4; i++) await watch.check();
    watch.stop();
    expect(deployed).toEqual(['v2.4.1', 'v2.4.0']);
    expect(watch.version).toBe('v2.4.0');
    expect(errors).toEqual([expect.stringContaining('deployments.apps "payment-service" not found')]);
    expect(calls[0]).toEqual(['-n', 'prod', 'get', 'deployment/payment-service', '-o', 'jsonpath={.spec.template.spec.containers[*].image}']);
  });

  it('a deploy that fails is retried on the next read', async () => {
    let fail = true;
    const deployed: string[] = [];
    const errors: string[] = [];
    const watch = watchClusterVersion({
      kubectl: async () => ({ stdout: 'reg/app:v3', stderr: '', code: 0 }),
      namespace: 'prod',
      deployment: 'app',
      deploy: async (v) => {
        if (fail) throw new Error('connection refused');
        deployed.push(v);
      },
      onError: (m) => errors.push(m),
      intervalMs: 60_000,
    });
    await watch.check();
    expect(watch.version).toBeUndefined();
    fail = false;
    await watch.check();
    watch.stop();
    expect(deployed).toEqual(['v3']);
    expect(errors).toEqual(['deploying v3 to the demo service: connection refused']);
  });
});
