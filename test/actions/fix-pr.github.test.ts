// openFixPr with the real Octokit (@octokit/rest) against a loopback GitHub REST
// API double (test/support/github-api-double.ts), and the Kestra task entry
// tasks/open-fix-pr.ts spawned against the same double.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openFixPr, type FixPrInput } from '../../src/actions/fix-pr.js';
import { incidentReport, incidentTitle } from '../../src/actions/incident-report.js';
import { decide } from '../../src/decision/decide.js';
import type { DecisionRecord } from '../../src/decision/types.js';
import { DEFAULT_THRESHOLDS } from '../../src/judge/judge.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { loadScenarioFile } from '../../src/scenario/load.js';
import type { Deployment } from '../../src/scenario/schema.js';
import { startGithubApiDouble, type GithubApiDouble } from '../support/github-api-double.js';
import { commandEnv, makeTempDir, removeTempDir, REPO_ROOT, runTsx } from '../support/run-command.js';

const TOKEN = `ghp_${'fixprTEST0123456789abcdefSECRET'}`;
const MANIFEST_PATH = 'apps/payment-service/deployment.yaml';
const MANIFEST = `# payment-service in prod
apiVersion: apps/v1
kind: Deployment
metadata:
  name: payment-service
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: payment-service
          image: registry.example.com:5000/shop/payment-service:v2.4.1 # set by CI
        - name: envoy
          image: envoyproxy/envoy:v1.30.1
`;

let deployment: Deployment;
let record: DecisionRecord;
let gh: GithubApiDouble | undefined;

beforeAll(async () => {
  const scenario = await loadScenarioFile(join(REPO_ROOT, 'mock-data/scenarios/memory-leak-payment.json'));
  deployment = scenario.deployment;
  record = await decide(
    { deployment, step_seconds: scenario.step_seconds, metrics: scenario.metrics, ...(scenario.logs ? { logs: scenario.logs } : {}) },
    { thresholds: DEFAULT_THRESHOLDS, logger: silentLogger() },
  );
});

afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

async function double(files: Record<string, string> = {}): Promise<GithubApiDouble> {
  gh = await startGithubApiDouble({ owner: 'acme', repo: 'gitops', token: TOKEN, defaultBranch: 'main', files });
  return gh;
}

const octokitFor = (d: GithubApiDouble, auth = TOKEN) => new Octokit({ auth, baseUrl: d.url, log: { debug() {}, info() {}, warn() {}, error() {} } });

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } }) };
}

describe('openFixPr with the real Octokit against a loopback GitHub API double', () => {
  it('creates the branch, commits the incident report, opens the PR and labels it, in that order', async () => {
    const d = await double();
    const result = await openFixPr({ deployment, record }, { octokit: octokitFor(d), owner: 'acme', repo: 'gitops' });

    expect(result).toMatchObject({
      status: 'created',
      number: 1,
      url: 'https://github.example/acme/gitops/pull/1',
      branch: 'watchdog/rollback-deploy-0001',
      files: ['incidents/deploy-0001.md'],
    });
    expect(d.calls()).toEqual([
      'GET /', // repository: default branch
      'GET /git/ref/heads/watchdog/rollback-deploy-0001', // 404: new branch
      'GET /git/ref/heads/main', // base head
      'POST /git/refs', // branch create
      'GET /contents/incidents/deploy-0001.md', // 404: new file
      'PUT /contents/incidents/deploy-0001.md',
      'GET /pulls', // no open PR from the branch
      'POST /pulls',
      'POST /issues/1/labels',
    ]);
    const req = (call: string) => d.requests[d.calls().indexOf(call)]!;
    expect(req('POST /git/refs').body).toEqual({ ref: 'refs/heads/watchdog/rollback-deploy-0001', sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(req('PUT /contents/incidents/deploy-0001.md').body).toMatchObject({ branch: 'watchdog/rollback-deploy-0001' });
    expect(req('GET /pulls').query).toMatchObject({ head: 'acme:watchdog/rollback-deploy-0001', state: 'open' });
    expect(req('POST /pulls').body).toMatchObject({ head: 'watchdog/rollback-deploy-0001', base: 'main', title: incidentTitle(deployment, record) });
    expect(req('POST /issues/1/labels').body).toEqual({ labels: ['watchdog', 'rollback'] });
    expect(d.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);

    // state on the double: the file decoded from base64 is the incident report; main untouched
    expect(d.file('watchdog/rollback-deploy-0001', 'incidents/deploy-0001.md')?.content).toBe(incidentReport(deployment, record));
    expect(d.file('main', 'incidents/deploy-0001.md')).toBeUndefined();
    expect(d.pulls).toHaveLength(1);
    expect(d.pulls[0]).toMatchObject({ state: 'open', labels: ['watchdog', 'rollback'], head: 'watchdog/rollback-deploy-0001' });
    expect(d.pulls[0]!.body).toContain(record.summary);
    expect(d.pulls[0]!.body).toContain('[incidents/deploy-0001.md](https://github.example/acme/gitops/blob/watchdog/rollback-deploy-0001/incidents/deploy-0001.md)');
    expect(result.body).toBe(d.pulls[0]!.body);
  });

  it('is idempotent: a second call for the same deployment updates the open PR; no second PR, no second branch', async () => {
    const d = await double();
    const deps = { octokit: octokitFor(d), owner: 'acme', repo: 'gitops' };
    const first = await openFixPr({ deployment, record }, deps);
    expect(first.status).toBe('created');
    const before = d.requests.length;

    // the same decision again: nothing to commit, the PR is updated in place
    const second = await openFixPr({ deployment, record }, deps);
    expect(second).toMatchObject({ status: 'updated', number: first.number, url: first.url, files: ['incidents/deploy-0001.md'] });
    expect(second.notes).toContain('incidents/deploy-0001.md: already up to date on watchdog/rollback-deploy-0001');
    expect(d.calls().slice(before)).toEqual([
      'GET /',
      'GET /git/ref/heads/watchdog/rollback-deploy-0001', // exists: reused
      'GET /contents/incidents/deploy-0001.md',
      'GET /pulls',
      'PATCH /pulls/1',
      'POST /issues/1/labels',
    ]);

    // a changed decision record: the incident file is updated with its sha, the PR body too
    const shaBefore = d.file('watchdog/rollback-deploy-0001', 'incidents/deploy-0001.md')!.sha;
    const changed = { ...record, summary: `${record.summary} (re-evaluated)` };
    const third = await openFixPr({ deployment, record: changed }, deps);
    expect(third.status).toBe('updated');
    const put = d.requests.filter((r) => r.method === 'PUT');
    expect(put).toHaveLength(2);
    expect(put[0]!.body.sha).toBeUndefined(); // a new file
    expect(put[1]!.body.sha).toBe(shaBefore); // an update of the blob the first call committed
    expect(d.file('watchdog/rollback-deploy-0001', 'incidents/deploy-0001.md')?.content).toBe(incidentReport(deployment, changed));
    expect(d.pulls).toHaveLength(1);
    expect(d.pulls[0]!.body).toContain('(re-evaluated)');
    expect(d.calls().filter((c) => c === 'POST /git/refs')).toHaveLength(1);
    expect(d.calls().filter((c) => c === 'POST /pulls')).toHaveLength(1);
    expect([...d.refs.keys()].sort()).toEqual(['main', 'watchdog/rollback-deploy-0001']);
  });

  it('commits the GitOps manifest with the image tag back to previous_version, sidecar untouched', async () => {
    const d = await double({ [MANIFEST_PATH]: MANIFEST });
    const input: FixPrInput = { deployment, record, manifestPath: MANIFEST_PATH, baseBranch: 'main', labels: ['watchdog'] };
    const result = await openFixPr(input, { octokit: octokitFor(d), owner: 'acme', repo: 'gitops' });

    expect(result.status).toBe('created');
    expect(result.files).toEqual(['incidents/deploy-0001.md', MANIFEST_PATH]);
    expect(d.calls()).toEqual([
      'GET /',
      'GET /git/ref/heads/watchdog/rollback-deploy-0001',
      'GET /git/ref/heads/main',
      'POST /git/refs',
      'GET /contents/incidents/deploy-0001.md',
      'PUT /contents/incidents/deploy-0001.md',
      `GET /contents/${MANIFEST_PATH}`,
      `PUT /contents/${MANIFEST_PATH}`,
      'GET /pulls',
      'POST /pulls',
      'POST /issues/1/labels',
    ]);
    const committed = d.file('watchdog/rollback-deploy-0001', MANIFEST_PATH)!.content;
    expect(committed).toBe(
      MANIFEST.replace('payment-service:v2.4.1 # set by CI', 'payment-service:v2.4.0 # set by CI'),
    );
    expect(committed).toContain('image: envoyproxy/envoy:v1.30.1');
    expect(d.file('main', MANIFEST_PATH)!.content).toBe(MANIFEST);
    const manifestPut = d.requests.find((r) => r.method === 'PUT' && r.path.endsWith(MANIFEST_PATH))!;
    expect(manifestPut.body.sha).toBe(d.file('main', MANIFEST_PATH)!.sha); // an update of the existing blob
    expect(d.pulls[0]!.body).toContain(`back to \`v2.4.0\``);
    expect(d.pulls[0]!.labels).toEqual(['watchdog']);

    // rerun: the manifest is already at v2.4.0 on the reused branch, nothing committed, still listed
    const again = await openFixPr(input, { octokit: octokitFor(d), owner: 'acme', repo: 'gitops' });
    expect(again).toMatchObject({ status: 'updated', files: ['incidents/deploy-0001.md', MANIFEST_PATH] });
    expect(d.requests.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('no previous_version: the manifest is left alone with a note', async () => {
    const d = await double({ [MANIFEST_PATH]: MANIFEST });
    const { previous_version: _, ...noPrevious } = deployment;
    const result = await openFixPr(
      { deployment: noPrevious, record, manifestPath: MANIFEST_PATH },
      { octokit: octokitFor(d), owner: 'acme', repo: 'gitops' },
    );
    expect(result.status).toBe('created');
    expect(result.files).toEqual(['incidents/deploy-0001.md']);
    expect(result.notes).toEqual([`${MANIFEST_PATH}: no previous_version, manifest left alone`]);
    expect(d.calls()).not.toContain(`PUT /contents/${MANIFEST_PATH}`);
  });

  it('dry run (no token, octokit null): title, body and file list, no request at all', async () => {
    const d = await double();
    const result = await openFixPr(
      { deployment, record, manifestPath: MANIFEST_PATH },
      { octokit: null, owner: 'acme', repo: 'gitops' },
    );
    expect(result).toMatchObject({
      status: 'dry-run',
      branch: 'watchdog/rollback-deploy-0001',
      files: ['incidents/deploy-0001.md', MANIFEST_PATH],
      title: incidentTitle(deployment, record),
    });
    expect(result.url).toBeUndefined();
    expect(result.body).toContain('incidents/deploy-0001.md');
    expect(d.requests).toHaveLength(0);
  });

  it.each([
    ['a 422 on pull create', 'POST', '/pulls', 422, { message: 'Validation Failed', errors: [{ message: 'No commits between main and the branch' }] }],
    ['a 403 on the branch create', 'POST', '/git/refs', 403, { message: 'Resource not accessible by integration' }],
  ])('%s: failed with the status and message, never the token', async (_name, method, path, status, body) => {
    const d = await double();
    d.setFault((r) => (r.method === method && r.path === `/repos/acme/gitops${path}` ? { status, body } : undefined));
    const { lines, logger } = capture();
    const result = await openFixPr({ deployment, record }, { octokit: octokitFor(d), owner: 'acme', repo: 'gitops', logger });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(new RegExp(`^GitHub API ${status}: ${body.message}`));
    expect(result.error).toContain(`(${method} /repos/acme/gitops${path})`);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(lines.join('')).not.toContain(TOKEN);
    expect(lines.some((l) => l.includes('fix PR failed'))).toBe(true);
    expect(d.pulls).toHaveLength(0);
  });

  it('a wrong token: 401 Bad credentials, failed without echoing either token', async () => {
    const d = await double();
    const result = await openFixPr({ deployment, record }, { octokit: octokitFor(d, `ghp_${'WRONGtoken0123456789'}`), owner: 'acme', repo: 'gitops' });
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/^GitHub API 401: Bad credentials/) });
    expect(JSON.stringify(result)).not.toMatch(/ghp_WRONG|SECRET/);
    expect(d.calls()).toEqual(['GET /']);
  });
});

describe('tasks/open-fix-pr.ts spawned with npx tsx against the double', () => {
  let dir: string | undefined;
  beforeAll(async () => {
    dir = await makeTempDir('fix-pr');
    await writeFile(join(dir, 'decision.json'), `${JSON.stringify(record, null, 2)}\n`);
  });
  afterAll(async () => removeTempDir(dir));

  const deploymentEnv = () => ({
    DEPLOYMENT_ID: deployment.deployment_id,
    SERVICE: deployment.service,
    NAMESPACE: deployment.namespace,
    VERSION: deployment.version,
    PREVIOUS_VERSION: deployment.previous_version,
  });
  const outputsOf = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('::{') && l.endsWith('}::'))
      .map((l) => JSON.parse(l.slice(2, -2)) as { outputs?: Record<string, unknown> })
      .filter((o) => o.outputs)
      .map((o) => o.outputs!);

  it('opens the PR with the manifest rewrite and prints the Kestra outputs line', async () => {
    const d = await double({ [MANIFEST_PATH]: MANIFEST });
    const env = commandEnv(join(dir!, 'training'), {
      ...deploymentEnv(),
      DECISION_FILE: join(dir!, 'decision.json'),
      GITHUB_REPOSITORY: 'acme/gitops',
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: d.url,
      DRY_RUN: 'false',
      GITOPS_MANIFEST_PATH: MANIFEST_PATH,
      PR_LABELS: 'watchdog, rollback ,sev2',
    });
    const run = await runTsx('tasks/open-fix-pr.ts', [], env, 45_000);
    expect(run.stderr.trim()).toBe('');
    expect(run.code).toBe(0);
    expect(outputsOf(run.stdout)).toEqual([
      { pr_status: 'created', pr_url: 'https://github.example/acme/gitops/pull/1', pr_number: 1, branch: 'watchdog/rollback-deploy-0001' },
    ]);
    expect(run.stdout).not.toContain(TOKEN);
    expect(d.pulls[0]!.labels).toEqual(['watchdog', 'rollback', 'sev2']);
    expect(d.file('watchdog/rollback-deploy-0001', MANIFEST_PATH)!.content).toContain('payment-service:v2.4.0');
  }, 60_000);

  it('DRY_RUN default (true): a dry run with no request; a GitHub error: exit 1 with one line, no token', async () => {
    const d = await double();
    const base = {
      ...deploymentEnv(),
      DECISION_FILE: join(dir!, 'decision.json'),
      GITHUB_REPOSITORY: 'acme/gitops',
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: d.url,
    };
    const [dry, failed] = await Promise.all([
      runTsx('tasks/open-fix-pr.ts', [], commandEnv(join(dir!, 'training'), base), 45_000),
      (async () => {
        d.setFault((r) => (r.method === 'POST' && r.path.endsWith('/pulls') ? { status: 403, body: { message: 'Resource not accessible by integration' } } : undefined));
        return runTsx('tasks/open-fix-pr.ts', [], commandEnv(join(dir!, 'training'), { ...base, DRY_RUN: 'false' }), 45_000);
      })(),
    ]);
    expect(dry.code).toBe(0);
    expect(outputsOf(dry.stdout)).toEqual([{ pr_status: 'dry-run', pr_url: null, pr_number: null, branch: 'watchdog/rollback-deploy-0001' }]);

    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/^open-fix-pr failed: GitHub API 403: Resource not accessible by integration/);
    expect(failed.stderr + failed.stdout).not.toContain(TOKEN);
    expect(outputsOf(failed.stdout)).toEqual([]);
    // only the failing run reached the double
    expect(d.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);
    expect(d.calls().filter((c) => c === 'POST /pulls')).toHaveLength(1);
  }, 60_000);
});
