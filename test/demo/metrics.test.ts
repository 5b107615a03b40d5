// The demo service's registry exposes exactly what the default PromQL templates
// query, with the labels their selectors assume.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, fillTemplate } from '../../src/collect/promql.js';
import { DEFAULT_BAD_VERSIONS } from '../../src/demo/behaviour.js';
import { createDemoMetrics, LATENCY_BUCKETS } from '../../src/demo/metrics.js';
import { DemoSimulator } from '../../src/demo/simulator.js';

const START = Date.UTC(2025, 0, 1);
const SERVICE = 'payment-service';
const NAMESPACE = 'shop';

function setup() {
  const sim = new DemoSimulator({
    service: SERVICE,
    namespace: NAMESPACE,
    initialVersion: 'v1.4.2',
    badVersions: [...DEFAULT_BAD_VERSIONS],
    leakPercentPerMinute: 3,
    requestsPerSecond: 20,
    seed: 5,
    startMs: START,
  });
  return { sim, metrics: createDemoMetrics(sim) };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((x) => [x[1]!, x[2]!]));
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { types, samples };
}

/** Every metric name a default template selects, with the label matchers of each selector. */
function templateSelectors(): Array<{ name: string; matchers: Array<[string, string, string]> }> {
  const out: Array<{ name: string; matchers: Array<[string, string, string]> }> = [];
  for (const template of Object.values(DEFAULT_TEMPLATES)) {
    const query = fillTemplate(template, { service: SERVICE, namespace: NAMESPACE, stepSeconds: 60 });
    for (const sel of query.matchAll(/([a-z_:]+)\{([^}]*)\}/g)) {
      const matchers = [...sel[2]!.matchAll(/([a-z_]+)(=~|!=|=)"((?:[^"\\]|\\.)*)"/g)].map(
        (x) => [x[1]!, x[2]!, x[3]!.replace(/\\\\/g, '\\')] as [string, string, string],
      );
      out.push({ name: sel[1]!, matchers });
    }
  }
  return out;
}

function matches(labels: Record<string, string>, [label, op, value]: [string, string, string]): boolean {
  const actual = labels[label] ?? '';
  if (op === '=') return actual === value;
  if (op === '!=') return actual !== value;
  return new RegExp(`^(?:${value})$`).test(actual);
}

describe('demo metrics registry', () => {
  it('exposes exactly the metric families the default templates query, with kube-prometheus types', async () => {
    const { metrics } = setup();
    const { types } = parseExposition(await metrics.exposition(START + 10_000));
    expect(Object.fromEntries(types)).toEqual({
      http_requests_total: 'counter',
      http_request_duration_seconds: 'histogram',
      container_memory_working_set_bytes: 'gauge',
      container_cpu_usage_seconds_total: 'counter',
      kube_pod_container_resource_limits: 'gauge',
      kube_pod_container_status_restarts_total: 'counter',
    });
  });

  it('every selector of every default template selects at least one exposed series', async () => {
    const { metrics } = setup();
    const { samples } = parseExposition(await metrics.exposition(START + 10_000));
    const selectors = templateSelectors();
    expect(new Set(selectors.map((s) => s.name))).toEqual(
      new Set([
        'http_requests_total',
        'http_request_duration_seconds_bucket',
        'container_memory_working_set_bytes',
        'kube_pod_container_resource_limits',
        'container_cpu_usage_seconds_total',
        'kube_pod_container_status_restarts_total',
      ]),
    );
    for (const { name, matchers } of selectors) {
      const hit = samples.filter((s) => s.name === name && matchers.every((m) => matches(s.labels, m)));
      expect(hit.length, `${name}{${matchers.map((m) => m.join('')).join(',')}}`).toBeGreaterThan(0);
    }
    // 5xx exist as series from the start (at 0), so a rate() over them has a beginning.
    expect(samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.code).sort()).toEqual(['200', '404', '500', '503']);
  });

  it('the latency histogram covers 10 ms to 5 s and counts every request', async () => {
    const { metrics } = setup();
    const { samples } = parseExposition(await metrics.exposition(START + 60_000));
    const les = samples.filter((s) => s.name === 'http_request_duration_seconds_bucket').map((s) => s.labels.le);
    expect(les[0]).toBe('0.01');
    expect(les).toContain('5');
    expect(les.at(-1)).toBe('+Inf');
    expect(LATENCY_BUCKETS).toContain(0.1);
    const count = samples.find((s) => s.name === 'http_request_duration_seconds_count')!.value;
    const total = samples.filter((s) => s.name === 'http_requests_total').reduce((a, s) => a + s.value, 0);
    expect(count).toBe(1200);
    expect(total).toBe(1200);
    for (const s of samples.filter((x) => x.name.startsWith('http_'))) {
      expect(s.labels).toMatchObject({ service: SERVICE, namespace: NAMESPACE });
    }
  });

  it('pod series carry only the running pod: after a deploy the old pod disappears', async () => {
    const { sim, metrics } = setup();
    const podsIn = (text: string) => new Set(parseExposition(text).samples.map((s) => s.labels.pod).filter(Boolean));
    const oldPod = sim.current.pod;
    expect(podsIn(await metrics.exposition(START + 5_000))).toEqual(new Set([oldPod]));
    sim.deploy('v2.0.0-bad', START + 6_000);
    const text = await metrics.exposition(START + 7_000);
    expect(podsIn(text)).toEqual(new Set([sim.current.pod]));
    const { samples } = parseExposition(text);
    const limits = samples.filter((s) => s.name === 'kube_pod_container_resource_limits');
    expect(limits.map((s) => [s.labels.resource, s.labels.unit, s.value])).toEqual([
      ['memory', 'byte', 512 * 1024 * 1024],
      ['cpu', 'core', 0.5],
    ]);
    for (const s of samples.filter((x) => x.labels.pod)) {
      expect(s.labels).toMatchObject({ namespace: NAMESPACE, container: SERVICE });
    }
  });
});
