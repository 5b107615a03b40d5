// How each deployed version of the demo service behaves. Pure data and formulas:
// the simulator (simulator.ts) draws requests and resource samples from these.
//
// known-good: every version not listed as bad. ~0.3% 5xx, p95 ~120 ms, flat memory.
// known-bad:  the versions listed as bad (default v2.0.0-bad). ~8% 5xx, p95 ~400 ms,
//             a memory leak (the working set grows by a fixed share of the limit per
//             minute until the container is OOM-killed and restarts) and more CPU.

export type BehaviourKind = 'good' | 'bad';

export interface VersionBehaviour {
  kind: BehaviourKind;
  /** share of requests answered 5xx, in [0, 1] */
  errorRatio: number;
  /** share of the other requests answered 404 (a client error: not counted as 5xx) */
  notFoundRatio: number;
  /** request latency is log-normal: this median, in seconds... */
  latencyMedianSeconds: number;
  /** ...and this standard deviation of its logarithm */
  latencySigma: number;
  /** working set right after the container starts, as a share of the memory limit */
  memoryStartRatio: number;
  /** relative noise of the working set around its level */
  memoryNoiseRatio: number;
  /** working-set growth per minute, as a share of the memory limit (0: flat) */
  leakRatioPerMinute: number;
  /** CPU in use, in cores */
  cpuCores: number;
}

export const DEFAULT_BAD_VERSIONS: readonly string[] = Object.freeze(['v2.0.0-bad']);
/** Share of the memory limit a leaking version adds per minute, in percent. */
export const DEFAULT_LEAK_PERCENT_PER_MINUTE = 3;

/** The emulated container's resource limits (what kube_pod_container_resource_limits shows). */
export const POD_LIMITS = Object.freeze({ memoryBytes: 512 * 1024 * 1024, cpuCores: 0.5 });

// median · e^(1.645·σ) is the p95: 65 ms · e^(1.645·0.37) ≈ 119 ms.
const GOOD: VersionBehaviour = Object.freeze({
  kind: 'good',
  errorRatio: 0.003,
  notFoundRatio: 0.01,
  latencyMedianSeconds: 0.065,
  latencySigma: 0.37,
  memoryStartRatio: 0.45,
  memoryNoiseRatio: 0.004,
  leakRatioPerMinute: 0,
  cpuCores: 0.12,
});

// 160 ms · e^(1.645·0.55) ≈ 395 ms.
const BAD: Omit<VersionBehaviour, 'leakRatioPerMinute'> = Object.freeze({
  kind: 'bad',
  errorRatio: 0.08,
  notFoundRatio: 0.01,
  latencyMedianSeconds: 0.16,
  latencySigma: 0.55,
  memoryStartRatio: 0.45,
  memoryNoiseRatio: 0.004,
  cpuCores: 0.2,
});

export interface BehaviourOptions {
  badVersions: readonly string[];
  /** how fast a bad version leaks, in percent of the memory limit per minute */
  leakPercentPerMinute: number;
}

export function isBadVersion(version: string, badVersions: readonly string[]): boolean {
  return badVersions.includes(version);
}

export function behaviourFor(version: string, options: BehaviourOptions): VersionBehaviour {
  if (!isBadVersion(version, options.badVersions)) return GOOD;
  return { ...BAD, leakRatioPerMinute: options.leakPercentPerMinute / 100 };
}

/** The standard normal quantile for the few probabilities the summaries use. */
const Z: Record<number, number> = { 0.5: 0, 0.95: 1.6449, 0.99: 2.3263 };

/** The latency quantile q (0.5, 0.95 or 0.99) of a behaviour, in seconds. */
export function latencyQuantileSeconds(b: VersionBehaviour, q: 0.5 | 0.95 | 0.99): number {
  return b.latencyMedianSeconds * Math.exp(Z[q]! * b.latencySigma);
}

/** The working set, as a share of the limit, `secondsSinceStart` after the container started (no noise). */
export function memoryLevel(b: VersionBehaviour, secondsSinceStart: number): number {
  return b.memoryStartRatio + (b.leakRatioPerMinute * Math.max(0, secondsSinceStart)) / 60;
}

/** Seconds after its start at which a leaking container reaches its limit (OOM kill); Infinity when flat. */
export function secondsToOom(b: VersionBehaviour): number {
  return b.leakRatioPerMinute > 0 ? ((1 - b.memoryStartRatio) * 60) / b.leakRatioPerMinute : Infinity;
}

/** What /version shows: the expected numbers, in the units the watchdog uses. */
export function describeBehaviour(b: VersionBehaviour) {
  return {
    kind: b.kind,
    error_rate_pct: round(b.errorRatio * 100),
    latency_p95_ms: round(latencyQuantileSeconds(b, 0.95) * 1000),
    memory: b.leakRatioPerMinute > 0 ? `leaking ${round(b.leakRatioPerMinute * 100)}% of the limit per minute` : 'flat',
    memory_start_pct: round(b.memoryStartRatio * 100),
    cpu_pct: round((b.cpuCores / POD_LIMITS.cpuCores) * 100),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
