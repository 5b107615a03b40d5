// The in-process loop with DRY_RUN=false: the real kubectl against a loopback
// Kubernetes API and the real Octokit against a loopback GitHub API double.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubApiDouble, type GithubApiDouble } from '../support/github-api-double.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi, type Kubeconfig } from '../support/fake-kube-api.js';
import { commandEnv, makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';

const TOKEN = `ghp_${'loopLIVE0123456789abcdefSECRETx'}`;
const IMAGE = (tag: string) => `registry.example.com/payment-service:${tag}`;

describe('loop with DRY_RUN=false against a loopback Kubernetes API and GitHub API double', () => {
  let kube: FakeKubeApi | undefined;
  let kubeconfig: Kubeconfig | undefined;
  let gh: GithubApiDouble | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    kube = await startFakeKubeApi([
      { namespace: 'prod', name: 'payment-service', revisions: [{ image: IMAGE('v2.4.0') }, { image: IMAGE('v2.4.1') }] },
    ]);
    kubeconfig = await writeKubeconfig(kube.url);
    gh = await startGithubApiDouble({ owner: 'acme', repo: 'gitops', token: TOKEN, defaultBranch: 'main' });
    dir = await makeTempDir('loop-live');
  });
  afterAll(async () => {
    await gh?.close();
    await kube?.close();
    await kubeconfig?.cleanup();
    await removeTempDir(dir);
  });

  const env = () =>
    commandEnv(dir!, {
      DRY_RUN: 'false',
      KUBECONFIG: kubeconfig!.path,
      HOME: kubeconfig!.dir,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: 'acme/gitops',
      GITHUB_API_URL: gh!.url,
    });

  it('rolls the deployment back for real, opens the fix PR, and reports both', async () => {
    const r = await runTsx('scripts/loop.ts', ['--scenario', 'memory-leak-payment', '--json'], env(), 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decision).toBe('ROLLBACK');
    expect(out.rollback).toMatchObject({ status: 'rolled-back', revision: 1 });
    const images = kube!.deployment('prod', 'payment-service')!.spec.template.spec.containers.map((c: { image: string }) => c.image);
    expect(images).toEqual([IMAGE('v2.4.0')]);
    expect(out.pull_request).toMatchObject({ status: 'created' });
    expect(gh!.pulls).toHaveLength(1);
    expect(gh!.file('watchdog/rollback-deploy-0001', 'incidents/deploy-0001.md')?.content ?? '').toMatch(/# Incident: payment-service/);
    expect(r.stdout + r.rawStderr).not.toContain(TOKEN);
  });

  it('a failing rollback is loud: status failed, the reason, and a non-zero exit', async () => {
    // this scenario's deployment does not exist in the cluster
    const r = await runTsx('scripts/loop.ts', ['--scenario', 'regress-error-spike-orders'], env(), 60_000);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').find((l) => l.startsWith('Rollback'))).toMatch(/FAILED: no rollout history for deployment\/orders-api in namespace prod/);
  });
});
