// Kestra task: roll a deployment back with kubectl (or, with DRY_RUN, print the commands).
//
// Inputs (environment):
//   SERVICE, NAMESPACE (default KUBE_NAMESPACE, else "default"), DEPLOYMENT_ID, VERSION,
//   PREVIOUS_VERSION  the last-known-good version: roll back to the newest revision whose
//                     images carry this tag; unset, `rollout undo` goes to the previous revision
//   ROLLOUT_TIMEOUT_SECONDS  how long `kubectl rollout status` waits (default 180)
//   DRY_RUN           default true: print the commands, run nothing
//   KUBE_CONTEXT      kubectl context (--context); KUBECONFIG is read by kubectl itself
//   LOG_LEVEL
// Outputs (Kestra): rollback_status (rolled-back | dry-run | failed), revision, image (after the
//   rollback, verified), image_before (what the deployment ran before it; null in a dry run or when
//   unreadable), image_after (= image), commands (one per line), error (on failure). A failed rollback exits 1 with a one-line reason.
import Kestra from '../src/task-io/kestra.js';
import { createKubectlRunner, performRollback } from '../src/actions/rollback.js';
import { configOrExit } from '../src/config/env.js';
import { createLogger, forDeployment } from '../src/log.js';
import { readDeploymentEnv } from '../src/task-io/deployment-env.js';

async function main(): Promise<void> {
  const config = configOrExit(process.env, ['kube', 'dryRun']);
  const { deployment } = readDeploymentEnv();
  const timeoutSeconds = config.kube.rolloutTimeoutSeconds;
  const logger = forDeployment(createLogger({ level: config.logLevel, fd: 1 }), deployment.deployment_id);
  const result = await performRollback(
    {
      service: deployment.service,
      namespace: deployment.namespace,
      // the bad version: a re-delivered rollback without PREVIOUS_VERSION must not undo the undo
      version: deployment.version,
      timeoutSeconds,
      ...(deployment.previous_version ? { previous_version: deployment.previous_version } : {}),
      ...(config.kube.context ? { context: config.kube.context } : {}),
    },
    // the hard limit leaves kubectl's own --timeout room to report first
    { kubectl: createKubectlRunner({ timeoutMs: (timeoutSeconds + 60) * 1000 }), dryRun: config.dryRun, logger },
  );
  Kestra.outputs({
    rollback_status: result.status,
    revision: result.revision ?? null,
    image: result.image ?? null,
    image_before: result.imageBefore ?? null,
    image_after: result.image ?? null,
    commands: result.commands.join('\n'),
    ...(result.error ? { error: result.error } : {}),
  });
  if (result.status === 'failed') {
    process.stderr.write(`rollback failed: ${(result.error ?? 'unknown error').replace(/\s*\n\s*/g, ' ')}\n`);
    process.exit(1);
  }
}

main().catch((err) => {
  process.stderr.write(`rollback failed: ${String((err as Error).message).replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(1);
});
