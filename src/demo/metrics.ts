// The demo service's Prometheus metrics: exactly the series the default PromQL
// templates (src/collect/promql.ts) query, with the labels they assume.
//
//   http_requests_total{service,namespace,code}                 counter
//   http_request_duration_seconds{service,namespace}            histogram, 10 ms .. 5 s
//   container_memory_working_set_bytes{namespace,pod,container} gauge    (cAdvisor)
//   container_cpu_usage_seconds_total{namespace,pod,container}  counter  (cAdvisor)
//   kube_pod_container_resource_limits{namespace,pod,container,resource,unit}
//                                                               gauge    (kube-state-metrics)
//   kube_pod_container_status_restarts_total{namespace,pod,container}
//                                                               counter  (kube-state-metrics)
//
// The pod series only ever carry the running pod: after a deploy the old pod's
// series vanish from the exposition (Prometheus marks them stale), as they do
// when Kubernetes replaces a pod. No default process metrics: the registry holds
// nothing the templates do not read.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DemoSimulator, PodSnapshot, RequestOutcome } from './simulator.js';

/** Histogram buckets in seconds: 10 ms to 5 s, dense around the good version's p95 (~120 ms). */
export const LATENCY_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 2.5, 5,
]);

export interface DemoMetrics {
  readonly registry: Registry;
  /** Counts served requests. */
  record(outcomes: readonly RequestOutcome[]): void;
  /** Brings every series up to `nowMs` (traffic so far, the pod's readings) and returns the text exposition. */
  exposition(nowMs: number): Promise<string>;
}

export function createDemoMetrics(simulator: DemoSimulator): DemoMetrics {
  const registry = new Registry();
  const registers = [registry];
  const httpLabels = { service: simulator.service, namespace: simulator.namespace };
  const podLabelNames = ['namespace', 'pod', 'container'] as const;

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by status code.',
    labelNames: ['service', 'namespace', 'code'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency in seconds.',
    labelNames: ['service', 'namespace'] as const,
    buckets: [...LATENCY_BUCKETS],
    registers,
  });
  const memory = new Gauge({
    name: 'container_memory_working_set_bytes',
    help: 'Current working set of the container in bytes (emulated cAdvisor).',
    labelNames: podLabelNames,
    registers,
  });
  const cpu = new Counter({
    name: 'container_cpu_usage_seconds_total',
    help: 'Cumulative CPU time consumed by the container in seconds (emulated cAdvisor).',
    labelNames: podLabelNames,
    registers,
  });
  const limits = new Gauge({
    name: 'kube_pod_container_resource_limits',
    help: 'The container resource limits (emulated kube-state-metrics).',
    labelNames: [...podLabelNames, 'resource', 'unit'] as const,
    registers,
  });
  const restarts = new Counter({
    name: 'kube_pod_container_status_restarts_total',
    help: 'The number of container restarts (emulated kube-state-metrics).',
    labelNames: podLabelNames,
    registers,
  });

  // Series with no observation yet are still exposed at 0, so a rate() has a start.
  for (const code of ['200', '404', '500', '503']) requests.inc({ ...httpLabels, code }, 0);
  duration.zero(httpLabels);

  const record = (outcomes: readonly RequestOutcome[]) => {
    for (const o of outcomes) {
      requests.inc({ ...httpLabels, code: o.code });
      duration.observe(httpLabels, o.seconds);
    }
  };

  const showPod = (s: PodSnapshot) => {
    const labels = { namespace: s.namespace, pod: s.pod, container: s.container };
    // reset() drops every label set: only the running pod remains.
    for (const m of [memory, cpu, limits, restarts]) m.reset();
    memory.set(labels, s.memoryBytes);
    cpu.inc(labels, s.cpuSecondsTotal);
    restarts.inc(labels, s.restarts);
    limits.set({ ...labels, resource: 'memory', unit: 'byte' }, s.memoryLimitBytes);
    limits.set({ ...labels, resource: 'cpu', unit: 'core' }, s.cpuLimitCores);
  };

  return {
    registry,
    record,
    async exposition(nowMs) {
      record(simulator.traffic(nowMs));
      showPod(simulator.pod(nowMs));
      return registry.metrics();
    },
  };
}
