// The deployment scenario format (v1), exactly as ../shared/scenario-format.md
// describes it. Validated once, at the boundary; inside, the types are trusted.
import { z } from 'zod';

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
  direction: DirectionSchema.optional(),
  unit: z.string().optional(),
});

export const DeploymentSchema = z.object({
  deployment_id: z.string().min(1, 'expected a non-empty string'),
  service: z
    .string()
    .regex(RFC1123_SUBDOMAIN, 'expected a Kubernetes object name (RFC 1123: lowercase letters, digits, "-" and ".")'),
  namespace: z
    .string()
    .regex(RFC1123_LABEL, 'expected a Kubernetes namespace name (RFC 1123 label, at most 63 characters)')
    .default('default'),
  version: z.string().min(1, 'expected a non-empty string'),
  previous_version: z.string().min(1).optional(),
});

export const ScenarioSchema = z.object({
  id: z.string().regex(/^[a-z0-9._-]+$/, 'expected [a-z0-9._-]+'),
  description: z.string().optional(),
  deployment: DeploymentSchema,
  step_seconds: z.number().positive('expected the spacing of samples in seconds (> 0)'),
  metrics: z.record(z.string().min(1), MetricSeriesSchema),
  logs: z
    .object({
      baseline: z.array(z.string()).default([]),
      canary: z.array(z.string()).default([]),
    })
    .optional(),
  expected: DecisionSchema.optional(),
});

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Deployment = z.infer<typeof DeploymentSchema>;
