// Kestra task: open (or update) the fix pull request for a ROLLBACK.
//
// Inputs (environment):
//   DECISION_FILE         the decide task's full decision record (default decision.json)
//   DEPLOYMENT_ID, SERVICE, NAMESPACE, VERSION, PREVIOUS_VERSION, DEPLOYED_AT
//                         the deployment (src/task-io/deployment-env.ts)
//   GITHUB_REPOSITORY     owner/repo the PR goes to (required unless dry run)
//   GITHUB_TOKEN          unset, or DRY_RUN=true (the default): a dry run, no request
//   GITHUB_API_URL        default https://api.github.com
//   GITOPS_MANIFEST_PATH  optional: manifest in that repo whose image tag goes back to PREVIOUS_VERSION
//   GITHUB_BASE_BRANCH    optional: default the repository's default branch
//   PR_LABELS             optional comma list (default "watchdog,rollback"; empty string: no labels)
// Outputs (Kestra): pr_status (created | updated | dry-run | skipped), pr_url, pr_number, branch.
//   `skipped`: the decision was CONTINUE, nothing to fix.
// Failure: exit 1 with a one-line reason on stderr, no outputs.
// Synchronous fs: a task is one short process, and node:fs/promises would load
// readline and the streams at start-up (~1 ms per task).
import { readFileSync } from 'node:fs';
import Kestra from '../src/task-io/kestra.js';
import { githubTarget } from '../src/actions/github-target.js';
import { DEFAULT_FIX_PR_LABELS, fixPrBranch, openFixPr } from '../src/actions/fix-pr.js';
import { configOrExit } from '../src/config/env.js';
import type { DecisionRecord } from '../src/decision/types.js';
import { createLogger } from '../src/log.js';
import { readDeploymentEnv } from '../src/task-io/deployment-env.js';

async function readDecision(file: string): Promise<DecisionRecord> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`DECISION_FILE ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const r = value as Partial<DecisionRecord> | null;
  if (
    !r ||
    (r.decision !== 'ROLLBACK' && r.decision !== 'CONTINUE') ||
    typeof r.confidence !== 'number' ||
    typeof r.summary !== 'string' ||
    !Array.isArray(r.judge?.verdicts) ||
    !Array.isArray(r.log_analysis?.signatures) ||
    typeof r.llm?.status !== 'string'
  ) {
    throw new Error(`DECISION_FILE ${file}: not a decision record as the decide task writes it`);
  }
  return r as DecisionRecord;
}

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['github', 'dryRun']);
  const logger = createLogger({ level: config.logLevel, fd: 1 });
  const { deployment } = readDeploymentEnv();
  const record = await readDecision(process.env.DECISION_FILE || 'decision.json');
  if (record.decision !== 'ROLLBACK') {
    logger.info({ correlation_id: deployment.deployment_id }, 'decision is CONTINUE: no fix PR');
    Kestra.outputs({ pr_status: 'skipped', pr_url: null, pr_number: null, branch: fixPrBranch(deployment) });
    return;
  }
  const { octokit, owner, repo } = await githubTarget(config, logger);
  const labelsEnv = process.env.PR_LABELS;
  const labels =
    labelsEnv === undefined ? DEFAULT_FIX_PR_LABELS : labelsEnv.split(',').map((l) => l.trim()).filter(Boolean);
  const manifestPath = process.env.GITOPS_MANIFEST_PATH?.trim();
  const baseBranch = process.env.GITHUB_BASE_BRANCH?.trim();
  const result = await openFixPr(
    {
      deployment,
      record,
      labels,
      ...(manifestPath ? { manifestPath } : {}),
      ...(baseBranch ? { baseBranch } : {}),
    },
    { octokit, owner, repo, logger },
  );
  if (result.status === 'failed') throw new Error(result.error ?? 'unknown error');
  Kestra.outputs({
    pr_status: result.status,
    pr_url: result.url ?? null,
    pr_number: result.number ?? null,
    branch: result.branch,
  });
}

main().catch((err) => {
  process.stderr.write(`open-fix-pr failed: ${String((err as Error).message ?? err).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
