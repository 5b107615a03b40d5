// The kubectl commands a rollback runs, as argument arrays (never a shell line).
// Pure: names are validated here, before anything could run.
import { RFC1123_LABEL, RFC1123_SUBDOMAIN } from '../scenario/deployment.js';

export interface RollbackTarget {
  service: string;
  namespace: string;
  /** the last-known-good version; the rollback goes to the revision whose image carries this tag */
  previous_version?: string;
  context?: string;
  timeoutSeconds?: number;
}

/** What a step is for, so a runner can tell which one failed and fill in the revision. */
export type RollbackStepKind = 'find-revision' | 'undo' | 'status' | 'verify';

/** The placeholder `--to-revision` carries until the revision is resolved from the ReplicaSets. */
export const TO_REVISION_PLACEHOLDER = (version: string) => `<revision of ${version}>`;

export interface RollbackStep {
  step: RollbackStepKind;
  purpose: string;
  argv: string[];
}

export class InvalidTargetError extends Error {}

export function validateTarget(target: RollbackTarget): void {
  if (!RFC1123_SUBDOMAIN.test(target.service)) {
    throw new InvalidTargetError(`refusing to roll back: service "${target.service}" is not a valid Kubernetes name (RFC 1123)`);
  }
  if (!RFC1123_LABEL.test(target.namespace)) {
    throw new InvalidTargetError(`refusing to roll back: namespace "${target.namespace}" is not a valid Kubernetes namespace (RFC 1123 label)`);
  }
}

/**
 * The plan as a dry run prints it. `--to-revision` is resolved at run time from
 * the ReplicaSets' revision annotations; the plan shows which version it targets.
 */
export function planRollback(target: RollbackTarget): RollbackStep[] {
  validateTarget(target);
  const base = ['kubectl', ...(target.context ? ['--context', target.context] : []), '-n', target.namespace];
  const deployment = `deployment/${target.service}`;
  const timeout = `${target.timeoutSeconds ?? 180}s`;
  const undo = [...base, 'rollout', 'undo', deployment];
  return [
    ...(target.previous_version
      ? [
          {
            step: 'find-revision' as const,
            purpose: `find the revision whose image is tagged ${target.previous_version}`,
            argv: [...base, 'get', 'replicasets', '-o', 'json'],
          },
          {
            step: 'undo' as const,
            purpose: `roll back to that revision`,
            argv: [...undo, `--to-revision=${TO_REVISION_PLACEHOLDER(target.previous_version)}`],
          },
        ]
      : [{ step: 'undo' as const, purpose: 'roll back to the previous revision', argv: undo }]),
    { step: 'status', purpose: 'wait for the rollout to finish', argv: [...base, 'rollout', 'status', deployment, `--timeout=${timeout}`] },
    {
      step: 'verify',
      purpose: 'verify the image now carries the last-known-good tag',
      argv: [...base, 'get', deployment, '-o', 'jsonpath={.spec.template.spec.containers[*].image}'],
    },
  ];
}

/** One line per command, quoted so it can be pasted into a shell. */
export function formatCommand(argv: string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_./:=@-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
