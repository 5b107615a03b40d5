// The in-process loop with DRY_RUN=false: kubectl v1.34.4 against a real Kubernetes
// control plane on loopback (test/support/local-cluster.ts) and the real Octokit
// against a loopback GitHub API double.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGithubApiDouble, type GithubApiDouble } from '../support/github-api-double.js';
import { CLUSTER_START_TIMEOUT_MS, CLUSTER_TEST_TIMEOUT_MS, createDeploymentWithHistory, startTestCluster, templateImages, type TestCluster } from '../support/local-cluster.js';
import { commandEnv, makeTempDir, removeTempDir, runTsx } from '../support/run-command.js';

const TOKEN = `ghp_${'loopLIVE0123456789abcdefSECRETx'}`;
const IMAGE = (tag: string) => `registry.example.com/payment-service:${tag}`;

describe('loop with DRY_RUN=false against a real control plane and a loopback GitHub API double', { timeout: CLUSTER_TEST_TIMEOUT_MS }, () => {
  let cluster: TestCluster | undefined;
  let gh: GithubApiDouble | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    cluster = await startTestCluster();
    gh = await startGithubApiDouble({ owner: 'acme', repo: 'gitops', token: TOKEN, defaultBranch: 'main' });
    dir = await makeTempDir('loop-live');
  }, CLUSTER_START_TIMEOUT_MS);
  afterAll(async () => {
    await gh?.close();
    await cluster?.stop();
    await removeTempDir(dir);
  }, 30_000);

  const env = () =>
    commandEnv(dir!, {
      DRY_RUN: 'false',
      // the cluster's kubectl first: on some images /usr/bin/kubectl is another program
      PATH: `${dirname(cluster!.kubectlPath)}:${process.env.PATH ?? ''}`,
      KUBECONFIG: cluster!.kubeconfig,
      HOME: dir!,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: 'acme/gitops',
      GITHUB_API_URL: gh!.url,
    });

  it('rolls the deployment back for real, opens the fix PR, and reports both', async () => {
    // the scenario's deployment: payment-service in prod, v2.4.0 then v2.4.1
    await cluster!.kubectl(['create', 'namespace', 'prod']);
    await createDeploymentWithHistory(cluster!, { namespace: 'prod', name: 'payment-service', images: [IMAGE('v2.4.0'), IMAGE('v2.4.1')] });
    const r = await runTsx('scripts/loop.ts', ['--scenario', 'memory-leak-payment', '--json'], env(), 60_000);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.decision).toBe('ROLLBACK');
    expect(out.rollback).toMatchObject({ status: 'rolled-back', revision: 1 });
    expect(await templateImages(cluster!, 'prod', 'payment-service')).toEqual([IMAGE('v2.4.0')]);
    expect(out.pull_request).toMatchObject({ status: 'created' });
    expect(gh!.pulls).toHaveLength(1);
    expect(gh!.file('watchdog/rollback-deploy-0001', 'incidents/deploy-0001.md')?.content ?? '').toMatch(/# Incident: payment-service/);
    expect(r.stdout + r.rawStderr).not.toContain(TOKEN);
  });

  it('a failing rollback is loud: status failed, the reason, and a non-zero exit', async () => {
    // this scenario's deployment (orders-api in prod) does not exist in the cluster
    const r = await runTsx('scripts/loop.ts', ['--scenario', 'regress-error-spike-orders'], env(), 60_000);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').find((l) => l.startsWith('Rollback'))).toMatch(/FAILED: no rollout history for deployment\/orders-api in namespace prod/);
  });
});
