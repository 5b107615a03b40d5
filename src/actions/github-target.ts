// Which repository a fix PR goes to, and the Octokit client for it: live only
// with a token and DRY_RUN=false; otherwise null (openFixPr then does a dry run).
//
// @octokit/rest is imported only for a live run: it is ~100 KB of a bundled task
// to load (now dist/tasks/lib/octokit-rest.cjs, see scripts/build.ts), and a dry run never needs it.
import type { Octokit } from '@octokit/rest';
import type { AppConfig } from '../config/env.js';
import type { Logger } from '../log.js';

export interface GitHubTarget {
  octokit: Octokit | null;
  owner: string;
  repo: string;
}

export async function githubTarget(config: Pick<AppConfig, 'github' | 'dryRun'>, logger: Logger): Promise<GitHubTarget> {
  const live = Boolean(config.github.token) && !config.dryRun;
  if (live && !config.github.repository) {
    throw new Error('GITHUB_REPOSITORY is not set: give owner/repo for the fix pull request');
  }
  const [owner, repo] = (config.github.repository ?? 'owner/repo').split('/') as [string, string];
  if (!live) return { octokit: null, owner, repo };
  const { Octokit } = await import('@octokit/rest');
  const octokit = new Octokit({
    auth: config.github.token,
    baseUrl: config.github.apiUrl,
    userAgent: 'deploy-watchdog',
    // Octokit's own request log goes to pino (stderr output would mark a Kestra task WARNING)
    log: {
      debug: (msg: string) => logger.debug({ component: 'octokit' }, msg),
      info: (msg: string) => logger.debug({ component: 'octokit' }, msg),
      warn: (msg: string) => logger.warn({ component: 'octokit' }, msg),
      error: (msg: string) => logger.warn({ component: 'octokit' }, msg),
    },
  });
  return { octokit, owner, repo };
}
