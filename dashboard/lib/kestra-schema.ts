// Kestra 2.0's answers, validated once at the boundary. Lenient on purpose: a field
// that is missing or has an unexpected type becomes undefined (z.catch) instead
// of hiding the whole execution; only the shape that identifies an execution
// (id, state) is required.
import * as z from 'zod/mini';

const optString = z.catch(z.optional(z.string()), undefined);
const optNumber = z.catch(z.optional(z.number()), undefined);
/** Flow outputs typed STRING, and labels, carry numbers as text ('' when absent): '23.6' -> 23.6, '' -> null. */
const numberLike = z.catch(
  z.optional(
    z.nullable(
      z.union([
        z.number(),
        z.pipe(
          z.string(),
          z.transform((s) => (s.trim() === '' ? null : Number(s))),
        ),
      ]),
    ),
  ),
  undefined,
);

export const StateSchema = z.object({
  current: z.string(),
  startDate: optString,
  endDate: optString,
  /** ISO-8601 duration (Jackson) or seconds */
  duration: z.catch(z.optional(z.union([z.string(), z.number()])), undefined),
});

const LabelSchema = z.object({ key: z.string(), value: z.catch(z.string(), '') });

/** A task run, the parts the approval panel reads: which task, its state and when it entered each. */
const TaskRunSchema = z.object({
  id: optString,
  taskId: z.string(),
  state: z.object({
    current: z.string(),
    startDate: optString,
    histories: z.catch(z.optional(z.array(z.object({ state: z.string(), date: z.string() }))), undefined),
  }),
});
export type KestraTaskRun = z.infer<typeof TaskRunSchema>;

/**
 * An execution (GET /executions/{id}, each result of /executions/search). Kestra
 * 2.0 sends no outputs here: they come from /outputs/executions/{id}
 * (ExecutionOutputsSchema); what the list needs is in the labels.
 */
export const ExecutionSchema = z.object({
  id: z.string().check(z.minLength(1)),
  namespace: optString,
  flowId: optString,
  state: StateSchema,
  labels: z.catch(z.optional(z.nullable(z.array(LabelSchema))), undefined),
  /** a webhook run's trigger: its body overrides the inputs (flows/devops-loop.yml variables) */
  trigger: z.catch(z.optional(z.nullable(z.object({ variables: z.catch(z.optional(z.nullable(z.record(z.string(), z.unknown()))), undefined) }))), undefined),
  /** the typed inputs (a manual run's; a webhook run keeps the defaults) */
  inputs: z.catch(z.optional(z.nullable(z.record(z.string(), z.unknown()))), undefined),
  /** per task run; a malformed one drops the list (the page then says less, never wrong) */
  taskRunList: z.catch(z.optional(z.nullable(z.array(TaskRunSchema))), undefined),
});
export type KestraExecution = z.infer<typeof ExecutionSchema>;

export const SearchResultSchema = z.object({
  results: z.array(z.unknown()),
  total: z.catch(z.optional(z.number()), undefined),
});

/** GET /outputs/executions/{id}: flow output id -> value; anything but an object is a bad answer. */
export const ExecutionOutputsSchema = z.record(z.string(), z.unknown());

/** The devops-loop flow's outputs; every field may be absent (running, failed, paused). */
export const FlowOutputsSchema = z.object({
  deployment_id: optString,
  service: optString,
  namespace: optString,
  version: optString,
  previous_version: optString,
  decision: z.catch(z.optional(z.enum(['ROLLBACK', 'CONTINUE'])), undefined),
  confidence: numberLike,
  decided_by: optString,
  health_score: numberLike,
  summary: optString,
  reasoning: optString,
  rollback_status: optString,
  rollback_image_before: optString,
  rollback_image_after: optString,
  pr_url: optString,
  sample_status: optString,
  decision_file: optString,
  scenario_file: optString,
});
export type FlowOutputs = z.infer<typeof FlowOutputsSchema>;

/**
 * The execution labels devops-loop sets as it goes (values are strings):
 * service, version, deployment_id after metrics collection; decision,
 * confidence ("0.93"), decided_by after the decide task. The list reads these.
 */
export const DecisionLabelsSchema = z.object({
  service: optString,
  version: optString,
  deployment_id: optString,
  decision: z.catch(z.optional(z.enum(['ROLLBACK', 'CONTINUE'])), undefined),
  confidence: numberLike,
  decided_by: optString,
});
export type DecisionLabels = z.infer<typeof DecisionLabelsSchema>;

// decision.json (src/decision/types.ts DecisionRecord), the parts the page shows.
const WindowStatsSchema = z.object({
  n: z.catch(z.number(), 0),
  missing: z.catch(z.number(), 0),
  median: z.catch(z.nullable(z.number()), null),
});

export const MetricVerdictSchema = z.object({
  metric: z.string(),
  verdict: z.catch(z.enum(['pass', 'high', 'low', 'nodata']), 'nodata'),
  direction: z.catch(z.enum(['increase', 'decrease', 'either']), 'either'),
  unit: optString,
  baseline: z.catch(WindowStatsSchema, { n: 0, missing: 0, median: null }),
  canary: z.catch(WindowStatsSchema, { n: 0, missing: 0, median: null }),
  shift: z.catch(z.nullable(z.number()), null),
  relative_change: z.catch(z.nullable(z.number()), null),
  tolerance: z.catch(z.nullable(z.number()), null),
  p_value: z.catch(z.nullable(z.number()), null),
  window: z.catch(z.nullable(z.enum(['full', 'late'])), null),
  trend_adjusted: z.catch(z.boolean(), false),
  guardrail: z.catch(
    z.optional(z.object({ limit: z.number(), value: z.number(), breached: z.boolean() })),
    undefined,
  ),
  severity: z.catch(z.number(), 0),
  reason: z.catch(z.string(), ''),
  // which test decided a failing verdict (src/judge/types.ts DetectorName); older decisions have none
  detector: z.catch(z.nullable(z.enum(['median-shift', 'excursion', 'jump', 'guardrail'])), null),
});
export type MetricVerdictView = z.infer<typeof MetricVerdictSchema>;

const LogSignatureSchema = z.object({
  signature: z.string(),
  level: z.catch(z.string(), 'other'),
  baseline_count: z.catch(z.number(), 0),
  canary_count: z.catch(z.number(), 0),
  example: z.catch(z.string(), ''),
  is_new: z.catch(z.boolean(), false),
});

export const LlmOutcomeSchema = z.object({
  status: z.catch(z.enum(['disabled', 'failed', 'answered']), 'disabled'),
  reason: optString,
  model: optString,
  latency_ms: optNumber,
  summary: optString,
  reasoning: optString,
  suspected_cause: z.catch(z.optional(z.nullable(z.string())), undefined),
});

export const DecisionFileSchema = z.object({
  decision: z.enum(['ROLLBACK', 'CONTINUE']),
  confidence: z.catch(z.number(), 0),
  decided_by: z.catch(z.string(), 'judge'),
  health_score: z.catch(z.nullable(z.number()), null),
  summary: z.catch(z.string(), ''),
  reasoning: z.catch(z.string(), ''),
  suspected_cause: z.catch(z.nullable(z.string()), null),
  judge: z.catch(
    z.object({
      verdicts: z.catch(z.array(MetricVerdictSchema), []),
      explanation: z.catch(z.string(), ''),
      coverage: z.catch(z.optional(z.object({ compared: z.number(), total: z.number() })), undefined),
      logs: z.catch(z.optional(z.object({ verdict: z.string(), reason: z.catch(z.string(), '') })), undefined),
    }),
    { verdicts: [], explanation: '', coverage: undefined, logs: undefined },
  ),
  llm: z.catch(LlmOutcomeSchema, { status: 'disabled', reason: 'not recorded' }),
  log_analysis: z.catch(
    z.object({
      baseline_lines: z.catch(z.number(), 0),
      canary_lines: z.catch(z.number(), 0),
      signatures: z.catch(z.array(LogSignatureSchema), []),
      signatures_dropped: z.catch(z.number(), 0),
    }),
    { baseline_lines: 0, canary_lines: 0, signatures: [], signatures_dropped: 0 },
  ),
});
export type DecisionFile = z.infer<typeof DecisionFileSchema>;

const Sample = z.catch(z.nullable(z.number()), null);
/** scenario.json: the series the judge compared, and when the deploy happened. */
export const ScenarioFileSchema = z.object({
  deployment: z.catch(
    z.object({ deployed_at: optString, service: optString, version: optString }),
    { deployed_at: undefined, service: undefined, version: undefined },
  ),
  step_seconds: z.catch(z.number(), 60),
  metrics: z.catch(
    z.record(
      z.string(),
      z.object({
        baseline: z.catch(z.array(Sample), []),
        canary: z.catch(z.array(Sample), []),
        direction: z.catch(z.optional(z.enum(['increase', 'decrease', 'either'])), undefined),
        unit: optString,
      }),
    ),
    {},
  ),
});
export type ScenarioFile = z.infer<typeof ScenarioFileSchema>;

/** A flow input as GET /flows/{namespace}/{id} gives it: what the manual-check form is built from. */
export const FlowInputSchema = z.object({
  id: z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_-]*$/)),
  type: z.catch(z.string(), 'STRING'),
  required: z.catch(z.optional(z.boolean()), undefined),
  defaults: z.catch(z.optional(z.unknown()), undefined),
  description: optString,
});
export type FlowInput = z.infer<typeof FlowInputSchema>;

export const FlowSchema = z.object({
  id: z.string(),
  namespace: z.string(),
  inputs: z.catch(
    z.optional(z.pipe(z.array(z.unknown()), z.transform((xs) => xs.flatMap((x) => {
      const parsed = FlowInputSchema.safeParse(x);
      return parsed.success ? [parsed.data] : [];
    })))),
    undefined,
  ),
});

/** GET /outputs/tasks/{executionId}/{taskRunId} of a script task: the files it kept (name -> kestra:/// URI). */
export const TaskOutputsSchema = z.object({
  outputFiles: z.catch(z.optional(z.record(z.string(), z.string())), undefined),
});
