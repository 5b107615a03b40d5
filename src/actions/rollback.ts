// Carries out the rollback that rollback-plan.ts plans: the same argv arrays,
// run with kubectl through execFile (never a shell). Names are validated before
// anything runs; every kubectl failure, a missing revision or an image that is
// not the expected one after the rollout ends in status "failed" with a reason.
import type { Logger } from '../log.js';
import {
  InvalidTargetError,
  formatCommand,
  planRollback,
  validateTarget,
  type RollbackStep,
  type RollbackStepKind,
  type RollbackTarget,
} from './rollback-plan.js';

export interface KubectlOutput {
  stdout: string;
  stderr: string;
  /** the exit code; non-zero also when kubectl could not be started or was killed */
  code: number;
}

/** Runs kubectl with these arguments (without the binary itself). */
export type KubectlRunner = (args: string[]) => Promise<KubectlOutput>;

export interface KubectlRunnerOptions {
  binary?: string;
  /** sets KUBECONFIG for kubectl; otherwise kubectl's own default (KUBECONFIG from the environment, ~/.kube/config) */
  kubeconfig?: string;
  /** a hard limit per command; keep it above the rollout status timeout */
  timeoutMs?: number;
  /** extra environment for kubectl (e.g. HOME or KUBECACHEDIR in tests) */
  env?: NodeJS.ProcessEnv;
}

export function createKubectlRunner(options: KubectlRunnerOptions = {}): KubectlRunner {
  const binary = options.binary ?? 'kubectl';
  const timeoutMs = options.timeoutMs ?? 300_000;
  const env = { ...process.env, ...options.env, ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}) };
  return async (args) => {
    // loaded on the first command, not at start-up: a dry run never spawns, and
    // child_process brings net, dgram and the streams with it (~2 ms of a task's start)
    const { execFile } = await import('node:child_process');
    return new Promise((resolve) => {
      execFile(
        binary,
        args,
        { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', windowsHide: true },
        (error, stdout, stderr) => {
          if (!error) return resolve({ stdout, stderr, code: 0 });
          const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string };
          if (typeof e.code === 'number') return resolve({ stdout, stderr, code: e.code });
          if (e.killed || e.signal) {
            return resolve({ stdout, stderr: `${stderr}\n${binary} was stopped after ${timeoutMs} ms (${e.signal ?? 'killed'})`.trim(), code: 124 });
          }
          // could not start: ENOENT, EACCES, ...
          resolve({ stdout, stderr: `could not run ${binary}: ${e.message}`, code: 127 });
        },
      );
    });
  };
}

export type RollbackStatus = 'rolled-back' | 'dry-run' | 'failed';

export interface RollbackResult {
  status: RollbackStatus;
  /** the revision rolled back to, when it was resolved (previous_version given) */
  revision?: number;
  /** the container image(s) of the deployment after the rollback, space-separated */
  image?: string;
  /** the container image(s) it ran before the rollback (read first; absent when that read failed) */
  imageBefore?: string;
  /** the commands run (or, in a dry run, that would run), one pasteable line each */
  commands: string[];
  /** the same commands as argument arrays */
  argv: string[][];
  /** on failure: which step and why */
  error?: string;
  failedStep?: RollbackStepKind | 'validate';
}

export interface RollbackDeps {
  kubectl: KubectlRunner;
  dryRun: boolean;
  logger?: Logger;
}

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

class StepFailure extends Error {
  constructor(
    readonly step: RollbackStepKind,
    message: string,
  ) {
    super(message);
  }
}

/** The tag of an image reference: `reg:5000/app:v1@sha256:…` → `v1`; none → undefined. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0]!;
  const name = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const i = name.lastIndexOf(':');
  return i >= 0 ? name.slice(i + 1) : undefined;
}

/** The first meaningful line(s) of kubectl's stderr (or stdout), trimmed, without klog noise. */
export function kubectlMessage(out: KubectlOutput): string {
  const lines = (out.stderr.trim() ? out.stderr : out.stdout)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^[IWE]\d{4} \d{2}:\d{2}:\d{2}\.\d+\s/.test(l));
  const text = lines.slice(0, 2).join(' ');
  const message = text.length > 400 ? `${text.slice(0, 397)}...` : text;
  return message || `kubectl exited with code ${out.code} and printed nothing`;
}

export interface RevisionCandidate {
  name: string;
  revision: number;
  images: string[];
}

/** The deployment's ReplicaSets (owned by it) from `kubectl get replicasets -o json`, newest revision first. */
export function deploymentRevisions(replicaSetsJson: string, deployment: string): RevisionCandidate[] {
  let parsed: any;
  try {
    parsed = JSON.parse(replicaSetsJson);
  } catch {
    throw new Error('kubectl get replicasets did not print JSON');
  }
  const items: any[] = Array.isArray(parsed?.items) ? parsed.items : [];
  const out: RevisionCandidate[] = [];
  for (const rs of items) {
    const owners: any[] = rs?.metadata?.ownerReferences ?? [];
    if (!owners.some((o) => o?.kind === 'Deployment' && o?.name === deployment)) continue;
    const revision = Number(rs?.metadata?.annotations?.[REVISION_ANNOTATION]);
    if (!Number.isInteger(revision) || revision <= 0) continue;
    const containers: any[] = rs?.spec?.template?.spec?.containers ?? [];
    out.push({ name: String(rs.metadata.name), revision, images: containers.map((c) => String(c?.image ?? '')) });
  }
  return out.sort((a, b) => b.revision - a.revision);
}

/** The highest revision whose every container image is tagged `version`. */
export function revisionForVersion(candidates: RevisionCandidate[], version: string): RevisionCandidate | undefined {
  return candidates.find((c) => c.images.length > 0 && c.images.every((img) => imageTag(img) === version));
}

/**
 * `version`: the version being rolled back (the bad one). Without previous_version, a
 * rollback re-delivered after the first one succeeded would `rollout undo` the undo and
 * bring that version back; when the deployment no longer runs `version`, the undo is
 * skipped and only the wait and the image check run.
 */
export async function performRollback(target: RollbackTarget & { version?: string }, deps: RollbackDeps): Promise<RollbackResult> {
  const log = deps.logger;
  let steps: RollbackStep[];
  try {
    validateTarget(target);
    steps = planRollback(target);
  } catch (err) {
    if (!(err instanceof InvalidTargetError)) throw err;
    log?.error({ event: 'rollback_rejected', service: target.service, namespace: target.namespace }, err.message);
    return { status: 'failed', commands: [], argv: [], error: err.message, failedStep: 'validate' };
  }

  if (deps.dryRun) {
    const commands = steps.map((s) => formatCommand(s.argv));
    log?.info({ event: 'rollback_planned', commands }, 'rollback planned (dry run): no command was run');
    return { status: 'dry-run', commands, argv: steps.map((s) => s.argv) };
  }

  const ran: string[][] = [];
  const deployment = `deployment/${target.service} in namespace ${target.namespace}`;
  const run = async (step: RollbackStep, argv = step.argv): Promise<KubectlOutput> => {
    ran.push(argv);
    log?.info({ event: 'kubectl', step: step.step, command: formatCommand(argv) }, step.purpose);
    let out: KubectlOutput;
    try {
      out = await deps.kubectl(argv.slice(1));
    } catch (err) {
      throw new StepFailure(step.step, `${step.purpose} failed: could not run kubectl: ${(err as Error).message}`);
    }
    if (out.code !== 0) {
      throw new StepFailure(step.step, `${step.purpose} failed (kubectl exit ${out.code}): ${kubectlMessage(out)}`);
    }
    return out;
  };

  let revision: number | undefined;
  // What it runs now, for the record (the decision page shows before and after). A failed
  // read is no reason to stop: the undo then fails with kubectl's own message.
  let imageBefore: string | undefined;
  const verifyStep = steps.find((s) => s.step === 'verify');
  if (verifyStep) {
    ran.push(verifyStep.argv);
    const out = await deps.kubectl(verifyStep.argv.slice(1)).catch((err: Error) => ({ stdout: '', stderr: err.message, code: 127 }));
    if (out.code === 0 && out.stdout.trim()) imageBefore = out.stdout.trim().split(/\s+/).join(' ');
    else log?.warn({ event: 'rollback_image_before_unknown', command: formatCommand(verifyStep.argv) }, kubectlMessage(out));
  }
  const before = imageBefore !== undefined ? { imageBefore } : {};
  const alreadyOff =
    !target.previous_version &&
    target.version !== undefined &&
    imageBefore !== undefined &&
    imageBefore.split(' ').every((img) => imageTag(img) !== target.version);

  try {
    for (const step of steps) {
      switch (step.step) {
        case 'find-revision': {
          const out = await run(step);
          const version = target.previous_version!;
          let candidates: RevisionCandidate[];
          try {
            candidates = deploymentRevisions(out.stdout, target.service);
          } catch (err) {
            throw new StepFailure(step.step, `${step.purpose} failed: ${(err as Error).message}`);
          }
          if (candidates.length === 0) {
            throw new StepFailure(step.step, `no rollout history for ${deployment} in namespace ${target.namespace}: no ReplicaSet owned by it carries a revision (does the deployment exist there?)`);
          }
          const found = revisionForVersion(candidates, version);
          if (!found) {
            const seen = candidates.map((c) => `${c.revision}: ${c.images.join(' ')}`).join('; ');
            throw new StepFailure(step.step, `previous_version ${version} is not in the rollout history of ${deployment} (revisions ${seen})`);
          }
          revision = found.revision;
          log?.info({ event: 'rollback_revision', revision, replicaset: found.name, images: found.images }, `revision ${revision} runs ${version}`);
          break;
        }
        case 'undo': {
          if (alreadyOff) {
            log?.warn({ event: 'rollback_skipped', image_before: imageBefore, version: target.version }, `${deployment} no longer runs ${target.version} (it runs ${imageBefore}): no undo, only the checks`);
            break;
          }
          const argv =
            revision === undefined ? step.argv : step.argv.map((a) => (a.startsWith('--to-revision=') ? `--to-revision=${revision}` : a));
          const out = await run(step, argv);
          if (/skipped rollback/i.test(out.stdout)) log?.warn({ event: 'rollback_skipped', stdout: out.stdout.trim() }, out.stdout.trim());
          break;
        }
        case 'status':
          await run(step);
          break;
        case 'verify': {
          const out = await run(step);
          const images = out.stdout.trim().split(/\s+/).filter(Boolean);
          if (images.length === 0) throw new StepFailure(step.step, `${step.purpose} failed: ${deployment} has no container image`);
          const version = target.previous_version;
          if (version) {
            const wrong = images.filter((img) => imageTag(img) !== version);
            if (wrong.length) {
              throw new StepFailure(step.step, `after the rollback ${deployment} runs ${wrong.join(' ')}, not :${version}`);
            }
          }
          const image = images.join(' ');
          log?.info({ event: 'rollback_done', revision, image, image_before: imageBefore }, `rolled back ${deployment} to ${image}`);
          return { status: 'rolled-back', ...(revision !== undefined ? { revision } : {}), image, ...before, commands: ran.map(formatCommand), argv: ran };
        }
      }
    }
    throw new StepFailure('verify', 'the rollback plan has no verification step');
  } catch (err) {
    if (!(err instanceof StepFailure)) throw err;
    log?.error({ event: 'rollback_failed', step: err.step, commands: ran.map(formatCommand) }, err.message);
    return {
      status: 'failed',
      ...(revision !== undefined ? { revision } : {}),
      ...before,
      commands: ran.map(formatCommand),
      argv: ran,
      error: err.message,
      failedStep: err.step,
    };
  }
}
