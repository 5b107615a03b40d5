// The deployment scenario format (v1), exactly as ../shared/scenario-format.md
// describes it. Validated once, at the boundary; inside, the types are trusted.
// zod/mini, not classic zod: the same validation core at a fraction of the bundle
// size (cold start of the Kestra tasks). The deployment part, and zod's English
// locale, live in deployment.ts.
import * as z from 'zod/mini';
import { DeploymentSchema } from './deployment.js';

export { DeploymentSchema, RFC1123_LABEL, RFC1123_SUBDOMAIN, type Deployment } from './deployment.js';

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
