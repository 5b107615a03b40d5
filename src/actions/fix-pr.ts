// The fix pull request after a ROLLBACK: a branch `watchdog/rollback-<deployment_id>`
// carrying the incident report and, for GitOps repositories, the manifest with
// the service's image tag set back to the last known good version.
//
// Commits go through the contents API (`PUT /repos/{o}/{r}/contents/{path}` with
// `branch`): one commit per file, no tree/blob plumbing, and the blob sha it
// needs for an update is the one `GET .../contents/{path}?ref=<branch>` returns.
// A file whose content on the branch is already what we want is not committed
// again, so a rerun makes no empty commits.
//
// Requests, in order (live mode):
//   GET  /repos/{o}/{r}                                 default branch (when none given), html_url
//   GET  /repos/{o}/{r}/git/ref/heads/<branch>          is the branch there? (reused when it is)
//   GET  /repos/{o}/{r}/git/ref/heads/<base>            base head (only when the branch is new)
//   POST /repos/{o}/{r}/git/refs                        create the branch at the base head
//   GET+PUT /repos/{o}/{r}/contents/incidents/<id>.md   incident report
//   GET+PUT /repos/{o}/{r}/contents/<manifestPath>      image tag back to previous_version
//   GET  /repos/{o}/{r}/pulls?head=<o>:<branch>&state=open
//   POST /repos/{o}/{r}/pulls  or  PATCH /repos/{o}/{r}/pulls/<n>
//   POST /repos/{o}/{r}/issues/<n>/labels
//
// Idempotent: an open PR from the branch is updated (title, body; files are
// committed to its branch), never duplicated. Without an Octokit (no token) the
// result is a dry run: title, body and file list, no request at all.
import type { Octokit } from '@octokit/rest';
import type { DecisionRecord } from '../decision/types.js';
import type { Logger } from '../log.js';
import type { Deployment } from '../scenario/schema.js';
import { setImageTag } from './gitops-manifest.js';
import { incidentReport, incidentTitle } from './incident-report.js';

export interface FixPrInput {
  deployment: Deployment;
  record: DecisionRecord;
  /** a manifest in the repository whose image tag is set back to previous_version */
  manifestPath?: string;
  /** default: the repository's default branch */
  baseBranch?: string;
  /** default: DEFAULT_FIX_PR_LABELS */
  labels?: string[];
}

export interface FixPrDeps {
  /** null: dry run (no token configured) */
  octokit: Octokit | null;
  owner: string;
  repo: string;
  logger?: Logger;
}

export type FixPrStatus = 'created' | 'updated' | 'dry-run' | 'failed';

export interface FixPrResult {
  status: FixPrStatus;
  url?: string;
  number?: number;
  branch: string;
  /** the files the PR carries (in a dry run: the files it would carry) */
  files: string[];
  /** `GitHub API <status>: <message>`, or a local error; never the token */
  error?: string;
  title: string;
  body: string;
  /** what was skipped and why (manifest unchanged, no previous_version, file already up to date) */
  notes: string[];
}

export const DEFAULT_FIX_PR_LABELS = ['watchdog', 'rollback'];

/** A deployment id as one git ref component / file name: [A-Za-z0-9._-], no "..", no leading "." or "-". */
export function refSafe(id: string): string {
  const s = id
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+/, '')
    .replace(/(\.lock)+$/i, '')
    .replace(/[.-]+$/, '')
    .slice(0, 100);
  return s || 'deployment';
}

export function fixPrBranch(deployment: Deployment): string {
  return `watchdog/rollback-${refSafe(deployment.deployment_id)}`;
}

export function incidentPath(deployment: Deployment): string {
  return `incidents/${refSafe(deployment.deployment_id)}.md`;
}

/** PR body: a short summary and a link to the incident file; the full report lives in the file. */
export function fixPrBody(
  deployment: Deployment,
  record: DecisionRecord,
  incidentUrl: string,
  manifestLine: string | null,
): string {
  const summary = record.summary.length > 1200 ? `${record.summary.slice(0, 1200)}…` : record.summary;
  return [
    `The deployment watchdog decided **${record.decision}** for \`${deployment.service}\` \`${deployment.version}\` ` +
      `(deployment \`${deployment.deployment_id}\`, namespace \`${deployment.namespace}\`; confidence ${record.confidence.toFixed(2)}, decided by ${record.decided_by}).`,
    '',
    summary,
    '',
    `Incident report: [${incidentPath(deployment)}](${incidentUrl})`,
    ...(manifestLine ? ['', manifestLine] : []),
    '',
    `<!-- deploy-watchdog deployment_id=${refSafe(deployment.deployment_id)} -->`,
    '',
  ].join('\n');
}

/** Token-shaped strings are cut from any error text, whatever produced it. */
function scrub(text: string): string {
  return text
    .replace(/\b(gh[pousr]_[A-Za-z0-9_]{8,}|github_pat_[A-Za-z0-9_]{8,})/g, '[redacted]')
    .replace(/\b(token|bearer)\s+[A-Za-z0-9_.\-]{8,}/gi, '$1 [redacted]');
}

function describeError(err: unknown): string {
  const e = err as { status?: unknown; message?: unknown; request?: { method?: string; url?: string } };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (typeof e?.status === 'number') {
    const where = e.request?.method && e.request.url ? ` (${e.request.method} ${new URL(e.request.url).pathname})` : '';
    return scrub(`GitHub API ${e.status}: ${message}${where}`);
  }
  return scrub(message);
}

const isStatus = (err: unknown, status: number): boolean => (err as { status?: unknown })?.status === status;

interface RemoteFile {
  sha: string;
  text: string;
}

export async function openFixPr(input: FixPrInput, deps: FixPrDeps): Promise<FixPrResult> {
  const { deployment, record } = input;
  const { octokit, owner, repo } = deps;
  const log = deps.logger?.child({ correlation_id: deployment.deployment_id, component: 'fix-pr' });
  const branch = fixPrBranch(deployment);
  const incident = incidentPath(deployment);
  const title = incidentTitle(deployment, record);
  const report = incidentReport(deployment, record);
  const labels = input.labels ?? DEFAULT_FIX_PR_LABELS;
  const previous = deployment.previous_version;
  const notes: string[] = [];
  const manifestLine = (path: string) =>
    `Sets the image of \`${deployment.service}\` in \`${path}\` back to \`${previous}\`; merging makes the rollback stick in Git.`;

  if (!octokit) {
    const files = [incident];
    if (input.manifestPath && previous) files.push(input.manifestPath);
    if (input.manifestPath && !previous) notes.push(`${input.manifestPath}: no previous_version, manifest left alone`);
    const body = fixPrBody(
      deployment,
      record,
      `https://github.com/${owner}/${repo}/blob/${branch}/${incident}`,
      input.manifestPath && previous ? manifestLine(input.manifestPath) : null,
    );
    log?.info({ branch, files }, 'fix PR dry run: no GitHub token');
    return { status: 'dry-run', branch, files, title, body, notes };
  }

  const base = { owner, repo };
  const files: string[] = [];
  let body = '';
  try {
    // 1. repository: default branch and web address
    const repoInfo = (await octokit.rest.repos.get(base)).data;
    const baseBranch = input.baseBranch ?? repoInfo.default_branch;
    const htmlRepo = repoInfo.html_url;

    // 2. branch: reuse it, or create it at the base branch's head
    let branchExisted = true;
    try {
      await octokit.rest.git.getRef({ ...base, ref: `heads/${branch}` });
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
      branchExisted = false;
    }
    if (!branchExisted) {
      const head = (await octokit.rest.git.getRef({ ...base, ref: `heads/${baseBranch}` })).data.object.sha;
      await octokit.rest.git.createRef({ ...base, ref: `refs/heads/${branch}`, sha: head });
      log?.info({ branch, base: baseBranch, sha: head }, 'fix PR branch created');
    } else {
      log?.info({ branch }, 'fix PR branch exists: reusing it');
    }

    const read = async (path: string): Promise<RemoteFile | null> => {
      try {
        const data = (await octokit.rest.repos.getContent({ ...base, path, ref: branch })).data;
        if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
          throw new Error(`${path} on ${branch} is not a file`);
        }
        return { sha: data.sha, text: Buffer.from(data.content, 'base64').toString('utf8') };
      } catch (err) {
        if (isStatus(err, 404)) return null;
        throw err;
      }
    };
    const write = async (path: string, text: string, existing: RemoteFile | null, message: string): Promise<void> => {
      await octokit.rest.repos.createOrUpdateFileContents({
        ...base,
        path,
        branch,
        message,
        content: Buffer.from(text, 'utf8').toString('base64'),
        ...(existing ? { sha: existing.sha } : {}),
      });
      log?.info({ path, branch }, 'fix PR file committed');
    };

    // 3. the incident report
    const oldReport = await read(incident);
    if (oldReport?.text === report) notes.push(`${incident}: already up to date on ${branch}`);
    else await write(incident, report, oldReport, `Incident report for ${deployment.service} ${deployment.version} (${deployment.deployment_id})`);
    files.push(incident);

    // 4. the GitOps manifest, image tag back to previous_version
    let manifestCarried = false;
    if (input.manifestPath) {
      const path = input.manifestPath;
      if (!previous) {
        notes.push(`${path}: no previous_version, manifest left alone`);
      } else {
        const manifest = await read(path);
        if (!manifest) throw new Error(`GITOPS manifest ${path} not found on ${branch}`);
        const out = setImageTag(manifest.text, deployment.service, previous);
        if (out.images.length === 0) {
          notes.push(`${path}: no container image of Deployment ${deployment.service} found, manifest left alone`);
        } else if (!out.changed) {
          // already at the tag: either our earlier commit on a reused branch, or the base never moved
          notes.push(`${path}: ${deployment.service} already at ${previous} on ${branch}`);
          manifestCarried = branchExisted;
        } else {
          await write(path, out.text, manifest, `Roll back ${deployment.service} to ${previous} (deploy-watchdog ${deployment.deployment_id})`);
          manifestCarried = true;
        }
        if (manifestCarried) files.push(path);
      }
    }

    body = fixPrBody(
      deployment,
      record,
      `${htmlRepo}/blob/${branch}/${incident}`,
      manifestCarried && input.manifestPath ? manifestLine(input.manifestPath) : null,
    );

    // 5. the pull request: update the open one from this branch, or create it
    const open = (await octokit.rest.pulls.list({ ...base, head: `${owner}:${branch}`, state: 'open', per_page: 10 })).data;
    let status: 'created' | 'updated';
    let pr: { number: number; html_url: string };
    if (open[0]) {
      pr = (await octokit.rest.pulls.update({ ...base, pull_number: open[0].number, title, body })).data;
      status = 'updated';
    } else {
      pr = (await octokit.rest.pulls.create({ ...base, head: branch, base: baseBranch, title, body })).data;
      status = 'created';
    }

    // 6. labels (adding is idempotent on GitHub)
    if (labels.length) await octokit.rest.issues.addLabels({ ...base, issue_number: pr.number, labels });

    log?.info({ status, number: pr.number, url: pr.html_url, branch, files }, `fix PR ${status}`);
    return { status, url: pr.html_url, number: pr.number, branch, files, title, body, notes };
  } catch (err) {
    const error = describeError(err);
    log?.error({ branch, files, error }, 'fix PR failed');
    return { status: 'failed', branch, files, error, title, body, notes };
  }
}
