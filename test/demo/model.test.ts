// The demo service's behaviour model and simulator: pure, deterministic given a seed.
import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES, fillTemplate } from '../../src/collect/promql.js';
import {
  behaviourFor,
  DEFAULT_BAD_VERSIONS,
  DEFAULT_LEAK_PERCENT_PER_MINUTE,
  describeBehaviour,
  latencyQuantileSeconds,
  POD_LIMITS,
} from '../../src/demo/behaviour.js';
import { podName, replicaSetHash } from '../../src/demo/pod-name.js';
import { createRandom } from '../../src/demo/random.js';
import { DemoSimulator, type RequestOutcome, type SimulatorOptions } from '../../src/demo/simulator.js';

const START = Date.UTC(2025, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

function simulator(overrides: Partial<SimulatorOptions> = {}): DemoSimulator {
  return new DemoSimulator({
    service: 'payment-service',
    namespace: 'default',
    initialVersion: 'v1.4.2',
    badVersions: [...DEFAULT_BAD_VERSIONS],
    leakPercentPerMinute: DEFAULT_LEAK_PERCENT_PER_MINUTE,
    requestsPerSecond: 20,
    seed: 1,
    startMs: START,
    ...overrides,
  });
}

/** Traffic over `seconds` in one-second calls, starting at `fromMs`. */
function trafficFor(sim: DemoSimulator, fromMs: number, seconds: number): RequestOutcome[] {
  const out: RequestOutcome[] = [];
  for (let s = 1; s <= seconds; s++) out.push(...sim.traffic(fromMs + s * 1000));
  return out;
}

const errorShare = (rs: RequestOutcome[]) => rs.filter((r) => r.code.startsWith('5')).length / rs.length;
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const memoryPct = (sim: DemoSimulator, at: number) => {
  const p = sim.pod(at);
  return (100 * p.memoryBytes) / p.memoryLimitBytes;
};

describe('behaviour per version', () => {
  it('only the listed versions are bad; the default list is v2.0.0-bad', () => {
    const options = { badVersions: DEFAULT_BAD_VERSIONS, leakPercentPerMinute: 3 };
    expect(behaviourFor('v2.0.0-bad', options).kind).toBe('bad');
    for (const v of ['v1.4.2', 'v1.4.3', 'v2.0.0', 'v2.0.0-bad2']) expect(behaviourFor(v, options).kind, v).toBe('good');
    const custom = { badVersions: ['v9', 'v1.4.3'], leakPercentPerMinute: 3 };
    expect(behaviourFor('v1.4.3', custom).kind).toBe('bad');
    expect(behaviourFor('v2.0.0-bad', custom).kind).toBe('good');
  });

  it('the profiles have the advertised numbers: good ~0.3 % 5xx, p95 ~120 ms, flat; bad ~8 %, slower, leaking', () => {
    const good = describeBehaviour(behaviourFor('v1.4.2', { badVersions: [], leakPercentPerMinute: 3 }));
    expect(good).toMatchObject({ kind: 'good', error_rate_pct: 0.3, memory: 'flat' });
    expect(good.latency_p95_ms).toBeGreaterThan(110);
    expect(good.latency_p95_ms).toBeLessThan(130);
    const badBehaviour = behaviourFor('x', { badVersions: ['x'], leakPercentPerMinute: 5 });
    const bad = describeBehaviour(badBehaviour);
    expect(bad).toMatchObject({ kind: 'bad', error_rate_pct: 8, memory: 'leaking 5% of the limit per minute' });
    expect(latencyQuantileSeconds(badBehaviour, 0.95)).toBeGreaterThan(0.3);
    expect(bad.cpu_pct).toBeGreaterThan(good.cpu_pct);
  });
});

describe('simulated traffic', () => {
  it('serves exactly the configured rate, the fraction carrying over between calls', () => {
    const sim = simulator({ requestsPerSecond: 2.5 });
    let n = 0;
    for (let ms = 100; ms <= 60_000; ms += 100) n += sim.traffic(START + ms).length;
    expect(n).toBe(150);
  });

  it('a good version: ~0.3 % 5xx and p95 ~120 ms', () => {
    const rs = trafficFor(simulator({ requestsPerSecond: 200 }), START, 300); // 60 000 requests
    expect(rs).toHaveLength(60_000);
    expect(errorShare(rs)).toBeGreaterThan(0.001);
    expect(errorShare(rs)).toBeLessThan(0.006);
    expect(rs.some((r) => r.code === '404')).toBe(true);
    const p95 = quantile(rs.map((r) => r.seconds), 0.95);
    expect(p95).toBeGreaterThan(0.105);
    expect(p95).toBeLessThan(0.135);
  });

  it('the bad version really raises the error rate (~8 %) and the latency', () => {
    const sim = simulator({ requestsPerSecond: 200 });
    sim.deploy('v2.0.0-bad', START);
    const rs = trafficFor(sim, START, 300);
    expect(errorShare(rs)).toBeGreaterThan(0.07);
    expect(errorShare(rs)).toBeLessThan(0.09);
    expect(new Set(rs.filter((r) => r.code.startsWith('5')).map((r) => r.code))).toEqual(new Set(['500', '503']));
    expect(quantile(rs.map((r) => r.seconds), 0.95)).toBeGreaterThan(0.3);
  });

  it('is deterministic given the seed and the calls; another seed gives other numbers', () => {
    const run = (seed: number) => {
      const sim = simulator({ seed });
      const rs = trafficFor(sim, START, 30);
      sim.deploy('v2.0.0-bad', START + 30_000);
      return { rs: [...rs, ...trafficFor(sim, START + 30_000, 30)], pod: sim.pod(START + 60_000) };
    };
    expect(run(7)).toEqual(run(7));
    expect(run(8)).not.toEqual(run(7));
  });
});

describe('pod resources', () => {
  it('a good version: memory flat at ~45 % of the limit, no restarts, CPU time growing at ~0.12 cores', () => {
    const sim = simulator();
    const readings = Array.from({ length: 61 }, (_, i) => memoryPct(sim, START + i * 30_000)); // 30 minutes
    expect(Math.max(...readings) - Math.min(...readings)).toBeLessThan(3);
    for (const r of readings) expect(Math.abs(r - 45)).toBeLessThan(2);
    const pod = sim.pod(START + 30 * MINUTE);
    expect(pod.restarts).toBe(0);
    expect(pod.cpuSecondsTotal / (30 * 60)).toBeCloseTo(0.12, 2);
    expect(pod.memoryLimitBytes).toBe(POD_LIMITS.memoryBytes);
    expect(pod.cpuLimitCores).toBe(POD_LIMITS.cpuCores);
  });

  it('the bad version leaks: memory rises by the leak rate per minute (3 % of the limit by default)', () => {
    const sim = simulator();
    sim.deploy('v2.0.0-bad', START);
    const readings = Array.from({ length: 11 }, (_, i) => memoryPct(sim, START + i * MINUTE));
    expect(readings[0]).toBeCloseTo(45, 0);
    expect(readings[10]! - readings[0]!).toBeGreaterThan(27);
    expect(readings[10]! - readings[0]!).toBeLessThan(33);
    for (let i = 1; i < readings.length; i++) expect(readings[i]!).toBeGreaterThan(readings[i - 1]!);
  });

  it('a leaking container reaching its limit is OOM-killed: a restart, memory starts over, same pod', () => {
    const sim = simulator({ leakPercentPerMinute: 10 }); // 45 % → 100 % in 5.5 minutes
    sim.deploy('v2.0.0-bad', START);
    const pod = sim.pod(START).pod;
    const before = sim.pod(START + 5 * MINUTE);
    expect(before.restarts).toBe(0);
    expect(before.memoryBytes / before.memoryLimitBytes).toBeGreaterThan(0.9);
    const after = sim.pod(START + 6 * MINUTE);
    expect(after.restarts).toBe(1);
    expect(after.memoryBytes / after.memoryLimitBytes).toBeLessThan(0.6);
    expect(after.pod).toBe(pod);
    expect(sim.pod(START + 30 * MINUTE).restarts).toBe(5);
  });

  it('a deploy resets the leak, the restarts and the CPU counter, in a new pod', () => {
    const sim = simulator({ leakPercentPerMinute: 10 });
    sim.deploy('v2.0.0-bad', START);
    const leaking = sim.pod(START + 10 * MINUTE);
    expect(leaking.restarts).toBe(1);
    sim.deploy('v2.0.0-bad', START + 10 * MINUTE);
    const fresh = sim.pod(START + 10 * MINUTE);
    expect(fresh.pod).not.toBe(leaking.pod);
    expect(fresh.restarts).toBe(0);
    expect(fresh.cpuSecondsTotal).toBe(0);
    expect(fresh.memoryBytes / fresh.memoryLimitBytes).toBeCloseTo(0.45, 1);
  });
});

describe('pod names', () => {
  // The pod regex the default templates use, anchored as PromQL anchors it.
  const selector = /pod=~"([^"]+)"/.exec(
    fillTemplate(DEFAULT_TEMPLATES.memory_pct!, { service: 'payment-service', namespace: 'default', stepSeconds: 60 }),
  )![1]!;
  const podRegex = new RegExp(`^(?:${selector.replace(/\\\\/g, '\\')})$`);

  it('match the default templates\' pod selector, and only for their own service', () => {
    const random = createRandom(3);
    for (const version of ['v1.4.2', 'v2.0.0-bad', '1.0', 'latest']) {
      const name = podName('payment-service', version, random);
      expect(name).toMatch(podRegex);
      expect(name).toMatch(/^payment-service-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    expect(podName('payment-service-canary', 'v1', random)).not.toMatch(podRegex);
  });

  it('the ReplicaSet hash follows the version: same version same hash, another version another', () => {
    expect(replicaSetHash('payment-service', 'v1.4.2')).toBe(replicaSetHash('payment-service', 'v1.4.2'));
    expect(replicaSetHash('payment-service', 'v1.4.2')).not.toBe(replicaSetHash('payment-service', 'v1.4.3'));
    const sim = simulator();
    const first = sim.current.pod;
    sim.deploy('v1.4.2', START + 1000);
    const again = sim.current.pod;
    expect(again).not.toBe(first); // a redeploy is a new pod...
    expect(again.split('-').at(-2)).toBe(first.split('-').at(-2)); // ...of the same ReplicaSet
    sim.deploy('v1.4.3', START + 2000);
    expect(sim.current.pod.split('-').at(-2)).not.toBe(first.split('-').at(-2));
  });
});
