// The deployment scenario format (v1), exactly as ../shared/scenario-format.md
// describes it. Validated once, at the boundary; inside, the types are trusted.
// zod/mini, not classic zod: the same validation core at a fraction of the bundle
// size (cold start of the Kestra tasks). Mini loads no locale, so the English
// one is configured here, once: every module that validates imports this one.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

/** RFC 1123 DNS subdomain: what Kubernetes accepts as a Deployment name. */
export const RFC1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 1123 DNS label: what Kubernetes accepts as a namespace name. */
export const RFC1123_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const DirectionSchema = z.enum(['increase', 'decrease', 'either']);
export const DecisionSchema = z.enum(['ROLLBACK', 'CONTINUE']);

const Sample = z.union([z.number(), z.null()], {
  error: 'expected a number or null',
});

export const MetricSeriesSchema = z.object({
  baseline: z.array(Sample, { error: 'expected an array of numbers or nulls (oldest first)' }),
  canary: z.array(Sample, { error: 'expected an array of numbers or nulls (oldest first)' }),
  direction: z.optional(DirectionSchema),
  unit: z.optional(z.string()),
});

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

export const ScenarioSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9._-]+$/, 'expected [a-z0-9._-]+')),
  description: z.optional(z.string()),
  deployment: DeploymentSchema,
  step_seconds: z.number().check(z.positive('expected the spacing of samples in seconds (> 0)')),
  metrics: z.record(z.string().check(z.minLength(1)), MetricSeriesSchema),
  logs: z.optional(
    z.object({
      baseline: z._default(z.array(z.string()), []),
      canary: z._default(z.array(z.string()), []),
    }),
  ),
  expected: z.optional(DecisionSchema),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Deployment = z.infer<typeof DeploymentSchema>;
