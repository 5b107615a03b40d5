// A deployment (the `deployment` object of the scenario format, ../shared/scenario-format.md)
// and the Kubernetes name rules it checks, apart from the rest of the scenario format:
// the tasks that only act on a deployment (record-sample, rollback, open-fix-pr) load
// this, not the scenario schemas. zod/mini loads no locale, so the English one is
// configured here, once: every module that validates imports this one (directly or
// through schema.ts).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

/** RFC 1123 DNS subdomain: what Kubernetes accepts as a Deployment name. */
export const RFC1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1123 DNS label: what Kubernetes accepts as a namespace name. */
export const RFC1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const DeploymentSchema = z.object({
  deployment_id: z.string().check(z.minLength(1, 'expected a non-empty string')),
  service: z
    .string()
    .check(z.regex(RFC1123_SUBDOMAIN, 'expected a Kubernetes object name (RFC 1123: lowercase letters, digits, "-" and ".")')),
  namespace: z._default(
    z.string().check(z.regex(RFC1123_LABEL, 'expected a Kubernetes namespace name (RFC 1123 label, at most 63 characters)')),
    'default',
  ),
  version: z.string().check(z.minLength(1, 'expected a non-empty string')),
  previous_version: z.optional(z.string().check(z.minLength(1))),
});

export type Deployment = z.infer<typeof DeploymentSchema>;
