// The deployment a Kestra task works on, read from its environment (the flow
// passes webhook/input fields with `env:`). Validated once, with the variable
// named in every error.
import * as z from 'zod/mini';
import { DeploymentSchema, type Deployment } from '../scenario/deployment.js';

export interface DeploymentEnv {
  deployment: Deployment;
  /** when the deployment happened: the boundary between baseline and canary windows */
  deployedAt: Date;
}

const DeployedAt = z
  .string()
  .check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 time, e.g. 2026-11-23T10:00:00Z'));

export class TaskInputError extends Error {}

/** DEPLOYMENT_ID, SERVICE, NAMESPACE (default from KUBE_NAMESPACE, else "default"), VERSION, PREVIOUS_VERSION, DEPLOYED_AT (default now). */
export function readDeploymentEnv(env: NodeJS.ProcessEnv = process.env, now: () => Date = () => new Date()): DeploymentEnv {
  const pick = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const fields: Record<string, [string, string | undefined]> = {
    deployment_id: ['DEPLOYMENT_ID', pick('DEPLOYMENT_ID')],
    service: ['SERVICE', pick('SERVICE')],
    namespace: ['NAMESPACE', pick('NAMESPACE') ?? pick('KUBE_NAMESPACE')],
    version: ['VERSION', pick('VERSION')],
    previous_version: ['PREVIOUS_VERSION', pick('PREVIOUS_VERSION')],
  };
  const raw = Object.fromEntries(Object.entries(fields).filter(([, [, v]]) => v !== undefined).map(([k, [, v]]) => [k, v]));
  const parsed = DeploymentSchema.safeParse(raw);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '');
      const variable = fields[key]?.[0] ?? key;
      problems.push(`${variable}: ${issue.message === 'Invalid input: expected string, received undefined' ? 'is required' : issue.message}`);
    }
  }
  const at = pick('DEPLOYED_AT');
  const deployedAt = at === undefined ? now() : DeployedAt.safeParse(at).success ? new Date(at) : null;
  if (deployedAt === null) problems.push('DEPLOYED_AT: expected an ISO 8601 time, e.g. 2026-11-23T10:00:00Z');
  if (problems.length) throw new TaskInputError(`invalid deployment input: ${problems.join('; ')}`);
  return { deployment: parsed.data!, deployedAt: deployedAt! };
}
