// PromQL templates for the scenario format's well-known metrics, and how they are
// filled for one deployment.
//
// A template is PromQL with placeholders:
//   {{service}}        the deployment's service name, escaped for a "..." label value
//   {{namespace}}      its namespace, escaped the same way
//   {{service_regex}}  the service name regex-escaped (for pod=~"{{service_regex}}-.*"), then label-escaped
//   {{step}}           the sample spacing as a PromQL duration, e.g. 60s
//   {{rate_range}}     the range for rate()/histogram_quantile: the step, at least 60s
//                      (rate needs two scrapes inside its range)
// Any other {{...}} is an error, so a typo cannot silently query nothing.
//
// Overrides (environment; see README.md "Metrics collection"):
//   PROMQL_<METRIC>  replaces the template of a well-known metric, e.g.
//                    PROMQL_ERROR_RATE, PROMQL_LATENCY_P95_MS, PROMQL_LATENCY_P99_MS,
//                    PROMQL_MEMORY_PCT, PROMQL_CPU_PCT, PROMQL_REQUEST_RATE, PROMQL_RESTARTS.
//                    The value `off` drops that metric from collection.
//   PROMQL_EXTRA     custom KPIs: a JSON object {"name": "query template", ...}; a name
//                    equal to a well-known metric replaces its template too.
// Every template must return at most one series (aggregate with sum/max/...).

/** The labels the default templates assume (kube-prometheus conventions). */
const SEL_HTTP = 'service="{{service}}",namespace="{{namespace}}"';
const SEL_POD = 'namespace="{{namespace}}",pod=~"{{service_regex}}-[a-z0-9]+-[a-z0-9]+"';
const SEL_CONTAINER = `${SEL_POD},container!="",container!="POD"`;

export const DEFAULT_TEMPLATES: Readonly<Record<string, string>> = Object.freeze({
  error_rate:
    `100 * sum(rate(http_requests_total{${SEL_HTTP},code=~"5.."}[{{rate_range}}]))` +
    ` / sum(rate(http_requests_total{${SEL_HTTP}}[{{rate_range}}]))`,
  latency_p95_ms:
    `1000 * histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${SEL_HTTP}}[{{rate_range}}])))`,
  latency_p99_ms:
    `1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${SEL_HTTP}}[{{rate_range}}])))`,
  memory_pct:
    `100 * max(sum by (pod) (container_memory_working_set_bytes{${SEL_CONTAINER}})` +
    ` / sum by (pod) (kube_pod_container_resource_limits{resource="memory",${SEL_POD}}))`,
  cpu_pct:
    `100 * max(sum by (pod) (rate(container_cpu_usage_seconds_total{${SEL_CONTAINER}}[{{rate_range}}]))` +
    ` / sum by (pod) (kube_pod_container_resource_limits{resource="cpu",${SEL_POD}}))`,
  request_rate: `sum(rate(http_requests_total{${SEL_HTTP}}[{{rate_range}}]))`,
  restarts: `sum(increase(kube_pod_container_status_restarts_total{${SEL_POD}}[{{step}}]))`,
});

/** Units the scenario format uses for the well-known metrics. */
export const METRIC_UNITS: Readonly<Record<string, string>> = Object.freeze({
  error_rate: '%',
  latency_p95_ms: 'ms',
  latency_p99_ms: 'ms',
  memory_pct: '%',
  cpu_pct: '%',
  request_rate: 'req/s',
});

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** A metric name usable as a scenario key and in PROMQL_<NAME>. */
const METRIC_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The environment variable that overrides `metric`'s template. */
export function overrideVariable(metric: string): string {
  return `PROMQL_${metric.toUpperCase()}`;
}

/** Escapes a string for use inside a double-quoted PromQL label value. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escapes RE2 metacharacters, so the value matches itself literally in =~. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

export interface FillContext {
  service: string;
  namespace: string;
  stepSeconds: number;
}

/** Fills every placeholder; unknown placeholders are an error naming the metric. */
export function fillTemplate(template: string, ctx: FillContext, metric = 'query'): string {
  const values: Record<string, string> = {
    service: escapeLabelValue(ctx.service),
    namespace: escapeLabelValue(ctx.namespace),
    service_regex: escapeLabelValue(escapeRegex(ctx.service)),
    step: `${ctx.stepSeconds}s`,
    rate_range: `${Math.max(ctx.stepSeconds, 60)}s`,
  };
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_whole, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw new TemplateError(
        `metric "${metric}": unknown placeholder {{${key}}} in its PromQL template (known: ${Object.keys(values)
          .map((k) => `{{${k}}}`)
          .join(', ')})`,
      );
    }
    return value;
  });
}

/**
 * The templates to collect: the defaults, with PROMQL_<METRIC> overrides
 * (`off` drops the metric) and PROMQL_EXTRA custom KPIs. Errors name the variable.
 */
export function templatesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [metric, template] of Object.entries(DEFAULT_TEMPLATES)) {
    const override = env[overrideVariable(metric)]?.trim();
    if (!override) out[metric] = template;
    else if (override.toLowerCase() !== 'off') out[metric] = override;
  }
  const extra = env.PROMQL_EXTRA?.trim();
  if (extra) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(extra);
    } catch (err) {
      throw new TemplateError(`PROMQL_EXTRA: expected a JSON object {"metric_name": "PromQL query"} (${(err as Error).message})`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TemplateError('PROMQL_EXTRA: expected a JSON object {"metric_name": "PromQL query"}');
    }
    for (const [name, query] of Object.entries(parsed)) {
      if (!METRIC_NAME.test(name)) {
        throw new TemplateError(`PROMQL_EXTRA: "${name}" is not a metric name (letters, digits and "_", not starting with a digit)`);
      }
      if (typeof query !== 'string' || !query.trim()) {
        throw new TemplateError(`PROMQL_EXTRA: the query of "${name}" must be a non-empty string`);
      }
      out[name] = query.trim();
    }
  }
  // Fail on unknown placeholders now, before any query runs.
  for (const [metric, template] of Object.entries(out)) {
    fillTemplate(template, { service: 'x', namespace: 'x', stepSeconds: 60 }, metric);
  }
  return out;
}
