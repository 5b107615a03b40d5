import { describe, expect, it } from 'vitest';
import { windowInstants } from '../../src/collect/prometheus.js';
import {
  DEFAULT_TEMPLATES,
  escapeLabelValue,
  escapeRegex,
  fillTemplate,
  overrideVariable,
  TemplateError,
  templatesFromEnv,
} from '../../src/collect/promql.js';

const ctx = { service: 'payment-service', namespace: 'prod', stepSeconds: 60 };

describe('PromQL templates', () => {
  it('has a template for every well-known metric', () => {
    expect(Object.keys(DEFAULT_TEMPLATES).sort()).toEqual(
      ['cpu_pct', 'error_rate', 'latency_p95_ms', 'latency_p99_ms', 'memory_pct', 'request_rate', 'restarts'].sort(),
    );
  });

  it('fills service, namespace, step and rate range', () => {
    const q = fillTemplate(DEFAULT_TEMPLATES.error_rate!, ctx);
    expect(q).toBe(
      '100 * sum(rate(http_requests_total{service="payment-service",namespace="prod",code=~"5.."}[60s]))' +
        ' / sum(rate(http_requests_total{service="payment-service",namespace="prod"}[60s]))',
    );
    expect(fillTemplate(DEFAULT_TEMPLATES.restarts!, { ...ctx, stepSeconds: 30 })).toContain('[30s]');
    expect(fillTemplate('x[{{rate_range}}]', { ...ctx, stepSeconds: 30 })).toBe('x[60s]');
    expect(fillTemplate('x[{{ step }}]', { ...ctx, stepSeconds: 300 })).toBe('x[300s]');
    expect(fillTemplate(DEFAULT_TEMPLATES.latency_p95_ms!, ctx)).toMatch(/^1000 \* histogram_quantile\(0\.95, /);
  });

  it('escapes label values: backslash, double quote, newline', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const q = fillTemplate('m{service="{{service}}",namespace="{{namespace}}"}', {
      service: 'evil"} or vector(1) or m{x="',
      namespace: 'ns\\',
      stepSeconds: 60,
    });
    expect(q).toBe('m{service="evil\\"} or vector(1) or m{x=\\"",namespace="ns\\\\"}');
  });

  it('regex-escapes the service for pod matchers, then label-escapes it', () => {
    expect(escapeRegex('api.v2')).toBe('api\\.v2');
    expect(fillTemplate('m{pod=~"{{service_regex}}-.*"}', { ...ctx, service: 'api.v2' })).toBe('m{pod=~"api\\\\.v2-.*"}');
  });

  it('rejects an unknown placeholder, naming the metric', () => {
    expect(() => fillTemplate('m{svc="{{servcie}}"}', ctx, 'error_rate')).toThrow(TemplateError);
    expect(() => fillTemplate('m{svc="{{servcie}}"}', ctx, 'error_rate')).toThrow(/metric "error_rate": unknown placeholder \{\{servcie\}\}/);
  });
});

describe('templatesFromEnv', () => {
  it('is the defaults with no variables', () => {
    expect(templatesFromEnv({})).toEqual(DEFAULT_TEMPLATES);
  });

  it('PROMQL_<METRIC> overrides one metric, "off" drops it, blank keeps the default', () => {
    expect(overrideVariable('latency_p95_ms')).toBe('PROMQL_LATENCY_P95_MS');
    const t = templatesFromEnv({ PROMQL_ERROR_RATE: 'my_errors{app="{{service}}"}', PROMQL_RESTARTS: 'off', PROMQL_CPU_PCT: '  ' });
    expect(t.error_rate).toBe('my_errors{app="{{service}}"}');
    expect(t).not.toHaveProperty('restarts');
    expect(t.cpu_pct).toBe(DEFAULT_TEMPLATES.cpu_pct);
  });

  it('PROMQL_EXTRA adds custom KPIs', () => {
    const t = templatesFromEnv({ PROMQL_EXTRA: JSON.stringify({ queue_depth: 'max(queue_depth{service="{{service}}"})' }) });
    expect(t.queue_depth).toBe('max(queue_depth{service="{{service}}"})');
    expect(Object.keys(t)).toHaveLength(Object.keys(DEFAULT_TEMPLATES).length + 1);
  });

  it('rejects a bad PROMQL_EXTRA or an unknown placeholder, naming what is wrong', () => {
    expect(() => templatesFromEnv({ PROMQL_EXTRA: '{not json' })).toThrow(/^PROMQL_EXTRA: expected a JSON object/);
    expect(() => templatesFromEnv({ PROMQL_EXTRA: '["a"]' })).toThrow(/^PROMQL_EXTRA: expected a JSON object/);
    expect(() => templatesFromEnv({ PROMQL_EXTRA: '{"bad name": "up"}' })).toThrow(/"bad name" is not a metric name/);
    expect(() => templatesFromEnv({ PROMQL_EXTRA: '{"x": 3}' })).toThrow(/query of "x" must be a non-empty string/);
    expect(() => templatesFromEnv({ PROMQL_MEMORY_PCT: 'm{a="{{svc}}"}' })).toThrow(/metric "memory_pct": unknown placeholder/);
  });
});

describe('window alignment', () => {
  it('an aligned deployment: baseline [t - B, t - step], canary [t, t + C - step]', () => {
    const t = 1_700_000_040; // a multiple of 60
    const w = windowInstants(new Date(t * 1000), { baselineMinutes: 3, canaryMinutes: 2, stepSeconds: 60 });
    expect(w.baseline).toEqual([t - 180, t - 120, t - 60]);
    expect(w.canary).toEqual([t, t + 60]);
  });

  it('an unaligned deployment: the canary starts at the next step boundary, the baseline stays before the deployment', () => {
    const aligned = 1_700_000_040;
    const w = windowInstants(new Date((aligned - 59.5) * 1000), { baselineMinutes: 2, canaryMinutes: 1, stepSeconds: 60 });
    expect(w.canary).toEqual([aligned]);
    expect(w.baseline).toEqual([aligned - 120, aligned - 60]);
  });
});
