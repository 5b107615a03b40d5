// Collecting a deployment's metrics from Prometheus into the scenario format's
// `metrics` object (../shared/scenario-format.md).
//
// Window alignment (all instants are multiples of the step since the Unix epoch,
// so repeated collections and Prometheus' own evaluation grid agree):
//   canaryStart = deployedAt rounded UP to the step (deployedAt itself when it is aligned)
//   canary      = canaryStart + k·step, k = 0 .. floor(canaryMinutes·60 / step) − 1
//                 i.e. [deployedAt, deployedAt + canaryMinutes − step] for an aligned deployedAt
//   baseline    = canaryStart − k·step, k = floor(baselineMinutes·60 / step) .. 1
//                 i.e. [deployedAt − baselineMinutes, deployedAt − step]
// Every baseline sample lies strictly before the deployment, every canary sample at
// or after it. One query_range per metric covers both windows; each series is
// oldest first, one entry per instant, `null` where Prometheus returned no value
// (no data, or NaN/±Inf, which JSON cannot carry). A canary still in the future
// simply ends in nulls.
//
// Outcomes: Prometheus unreachable → PrometheusUnreachableError naming the URL;
// a PromQL error → CollectError naming the metric with Prometheus' message; a query
// that selects nothing → the metric with all-null windows (no data is information);
// more than one series → CollectError asking for an aggregation in the template.
import type { AxiosInstance } from 'axios';
import type { Deployment } from '../scenario/schema.js';
import { loadAxios } from './load-axios.js';
import { fillTemplate, METRIC_UNITS } from './promql.js';

export type Sample = number | null;

export interface MetricWindows {
  baseline: Sample[];
  canary: Sample[];
  unit?: string;
}

export type CollectedMetrics = Record<string, MetricWindows>;

export interface Windows {
  baselineMinutes: number;
  canaryMinutes: number;
  stepSeconds: number;
}

/** One series of a range query: its labels and [unix seconds, "value"] pairs. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

export interface RangeQuery {
  /** unix seconds */
  start: number;
  /** unix seconds */
  end: number;
  stepSeconds: number;
}

export interface PrometheusClient {
  readonly baseUrl: string;
  queryRange(query: string, range: RangeQuery): Promise<RangeSeries[]>;
}

/** Prometheus could not be reached (connection refused, DNS, timeout). */
export class PrometheusUnreachableError extends Error {
  override name = 'PrometheusUnreachableError';
}

/** Prometheus answered with an error (a PromQL error is HTTP 400, errorType bad_data). */
export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly errorType: string | undefined,
    readonly prometheusMessage: string,
  ) {
    super(message);
  }
}

/** A metric could not be collected; the message names it. */
export class CollectError extends Error {
  override name = 'CollectError';
  constructor(
    message: string,
    readonly metric: string,
  ) {
    super(message);
  }
}

export interface PrometheusClientOptions {
  /** per request; default 10 000 ms */
  timeoutMs?: number;
}

interface ApiAnswer {
  status?: string;
  data?: { resultType?: string; result?: unknown };
  errorType?: string;
  error?: string;
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

export function createPrometheusClient(baseUrl: string, options: PrometheusClientOptions = {}): PrometheusClient {
  const base = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;
  // created on the first query: axios is loaded lazily (load-axios.ts)
  let http: AxiosInstance | undefined;

  return {
    baseUrl: base,
    async queryRange(query, range) {
      const axios = await loadAxios();
      http ??= axios.create({
        baseURL: base,
        timeout: timeoutMs,
        // Every status is inspected below: Prometheus' error bodies carry the reason.
        validateStatus: () => true,
        headers: { Accept: 'application/json' },
        proxy: false,
      });
      const form = new URLSearchParams({
        query,
        start: String(range.start),
        end: String(range.end),
        step: `${range.stepSeconds}s`,
      });
      let status: number;
      let body: ApiAnswer | string | undefined;
      try {
        const res = await http.post('/api/v1/query_range', form.toString(), {
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        });
        status = res.status;
        body = res.data as ApiAnswer | string | undefined;
      } catch (err) {
        if (axios.isAxiosError(err)) {
          const code = err.code ?? '';
          if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
            throw new PrometheusUnreachableError(`Prometheus at ${base} is unreachable: no answer within ${timeoutMs} ms`);
          }
          if (UNREACHABLE_CODES.has(code) || !err.response) {
            throw new PrometheusUnreachableError(`Prometheus at ${base} is unreachable (${code || err.message})`);
          }
        }
        throw err;
      }
      const answer: ApiAnswer = typeof body === 'object' && body !== null ? body : {};
      if (status < 200 || status >= 300 || answer.status !== 'success') {
        const message = answer.error ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 300) : `HTTP ${status}`);
        const kind = answer.errorType ? `${answer.errorType}, HTTP ${status}` : `HTTP ${status}`;
        throw new PrometheusQueryError(`Prometheus at ${base} rejected the query (${kind}): ${message}`, status, answer.errorType, message);
      }
      const data = answer.data;
      if (data?.resultType !== 'matrix' || !Array.isArray(data.result)) {
        throw new PrometheusQueryError(
          `Prometheus at ${base} answered a range query with resultType ${String(data?.resultType)}, expected matrix`,
          status,
          undefined,
          'unexpected result type',
        );
      }
      return data.result as RangeSeries[];
    },
  };
}

/** The evaluation instants of both windows, in unix seconds. */
export function windowInstants(deployedAt: Date, windows: Windows): { baseline: number[]; canary: number[] } {
  const step = windows.stepSeconds;
  if (!(step > 0) || !Number.isInteger(step)) throw new Error(`step must be a whole number of seconds > 0, got ${step}`);
  const canaryStart = Math.ceil(deployedAt.getTime() / 1000 / step) * step;
  const nBaseline = Math.floor((windows.baselineMinutes * 60) / step);
  const nCanary = Math.floor((windows.canaryMinutes * 60) / step);
  return {
    baseline: Array.from({ length: nBaseline }, (_, i) => canaryStart - (nBaseline - i) * step),
    canary: Array.from({ length: nCanary }, (_, i) => canaryStart + i * step),
  };
}

function toSample(text: string): Sample {
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function describeLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return `{${parts.join(',')}}`;
}

/**
 * The scenario `metrics` object for one deployment: one range query per template,
 * both windows at once. Metrics are queried concurrently; the first failure rejects.
 */
export async function collectMetrics(
  deployment: Pick<Deployment, 'service' | 'namespace'>,
  deployedAt: Date,
  windows: Windows,
  client: PrometheusClient,
  templates: Record<string, string>,
): Promise<CollectedMetrics> {
  const instants = windowInstants(deployedAt, windows);
  const all = [...instants.baseline, ...instants.canary];
  const step = windows.stepSeconds;
  const entries = await Promise.all(
    Object.entries(templates).map(async ([metric, template]): Promise<[string, MetricWindows]> => {
      const query = fillTemplate(
        template,
        { service: deployment.service, namespace: deployment.namespace, stepSeconds: step },
        metric,
      );
      const unit = METRIC_UNITS[metric];
      if (all.length === 0) return [metric, { baseline: [], canary: [], ...(unit ? { unit } : {}) }];
      let series: RangeSeries[];
      try {
        series = await client.queryRange(query, { start: all[0]!, end: all[all.length - 1]!, stepSeconds: step });
      } catch (err) {
        if (err instanceof PrometheusQueryError) {
          const what = err.errorType === 'bad_data' ? 'PromQL error' : 'query failed';
          throw new CollectError(`metric "${metric}": ${what}: ${err.prometheusMessage} (query: ${query})`, metric);
        }
        throw err;
      }
      if (series.length > 1) {
        throw new CollectError(
          `metric "${metric}": the query returned ${series.length} series (e.g. ${series
            .slice(0, 2)
            .map((s) => describeLabels(s.metric))
            .join(', ')}); it must return one: aggregate in its template, e.g. sum(...) or max(...) (query: ${query})`,
          metric,
        );
      }
      const values: Sample[] = all.map(() => null);
      const start = all[0]!;
      for (const [ts, text] of series[0]?.values ?? []) {
        const index = Math.round((Number(ts) - start) / step);
        if (index >= 0 && index < values.length) values[index] = toSample(text);
      }
      return [
        metric,
        {
          baseline: values.slice(0, instants.baseline.length),
          canary: values.slice(instants.baseline.length),
          ...(unit ? { unit } : {}),
        },
      ];
    }),
  );
  return Object.fromEntries(entries);
}

/** Names of metrics without a single sample in either window. */
export function metricsWithoutData(metrics: CollectedMetrics): string[] {
  return Object.entries(metrics)
    .filter(([, m]) => [...m.baseline, ...m.canary].every((v) => v === null))
    .map(([name]) => name);
}
