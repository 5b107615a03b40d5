// The demo service's state, driven by the clock it is given: which version runs,
// in which pod, the requests it served and its container's resources. No timers,
// no IO: the same seed and the same sequence of calls give the same numbers.
//
// Requests arrive at exactly `requestsPerSecond` on average (the fractional part
// carries over between calls); each gets a status code and a latency from the
// version's behaviour. The container's CPU time integrates its CPU use; its
// working set follows behaviour.ts' memoryLevel plus noise, and a leaking
// container that reaches its limit is OOM-killed: the restart counter goes up and
// the working set starts again from the bottom (same pod, as in Kubernetes).
import {
  behaviourFor,
  POD_LIMITS,
  secondsToOom,
  memoryLevel,
  type BehaviourOptions,
  type VersionBehaviour,
} from './behaviour.js';
import { podName } from './pod-name.js';
import { createRandom, type Random } from './random.js';

export interface SimulatorOptions extends BehaviourOptions {
  service: string;
  namespace: string;
  initialVersion: string;
  requestsPerSecond: number;
  seed: number;
  /** the clock's reading when the initial version starts (ms) */
  startMs: number;
}

export interface RequestOutcome {
  /** HTTP status code, e.g. "200", "503" */
  code: string;
  /** latency in seconds */
  seconds: number;
}

export interface RunningVersion {
  version: string;
  /** when it was deployed (ms) */
  sinceMs: number;
  behaviour: VersionBehaviour;
  pod: string;
}

export interface PodSnapshot {
  namespace: string;
  pod: string;
  container: string;
  memoryBytes: number;
  memoryLimitBytes: number;
  cpuLimitCores: number;
  cpuSecondsTotal: number;
  restarts: number;
}

/** Longest stretch one call simulates: after a long pause (laptop asleep) no burst of a million requests. */
const MAX_GAP_MS = 60_000;
/** Relative noise of the CPU use within one stretch. */
const CPU_NOISE = 0.03;

export class DemoSimulator {
  readonly service: string;
  readonly namespace: string;
  private readonly options: SimulatorOptions;
  private readonly random: Random;
  private running: RunningVersion;
  /** when the current container started (a deploy or an OOM restart), ms */
  private containerStartMs: number;
  private cpuSeconds = 0;
  private restarts = 0;
  private lastMs: number;
  private pendingRequests = 0;

  constructor(options: SimulatorOptions) {
    if (!(options.requestsPerSecond >= 0)) throw new Error(`requestsPerSecond must be >= 0, got ${options.requestsPerSecond}`);
    this.options = options;
    this.service = options.service;
    this.namespace = options.namespace;
    this.random = createRandom(options.seed);
    this.running = this.start(options.initialVersion, options.startMs);
    this.containerStartMs = options.startMs;
    this.lastMs = options.startMs;
  }

  get current(): RunningVersion {
    return this.running;
  }

  /** Deploys a version at `nowMs`: new behaviour, new pod, the leak and restart count start over. */
  deploy(version: string, nowMs: number): { previous: RunningVersion; current: RunningVersion } {
    this.advance(nowMs);
    const previous = this.running;
    this.running = this.start(version, nowMs);
    this.containerStartMs = nowMs;
    this.cpuSeconds = 0;
    this.restarts = 0;
    return { previous, current: this.running };
  }

  /** The requests served since the previous call, at the configured rate. */
  traffic(nowMs: number): RequestOutcome[] {
    const elapsed = this.advance(nowMs);
    this.pendingRequests += (this.options.requestsPerSecond * elapsed) / 1000;
    const count = Math.floor(this.pendingRequests);
    this.pendingRequests -= count;
    const b = this.running.behaviour;
    const out: RequestOutcome[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = drawRequest(b, this.random);
    return out;
  }

  /** The pod's resource readings at `nowMs`. */
  pod(nowMs: number): PodSnapshot {
    this.advance(nowMs);
    const b = this.running.behaviour;
    const level = memoryLevel(b, (nowMs - this.containerStartMs) / 1000);
    const noisy = level * (1 + b.memoryNoiseRatio * this.random.normal());
    const ratio = Math.min(0.999, Math.max(0.01, noisy));
    return {
      namespace: this.namespace,
      pod: this.running.pod,
      container: this.service,
      memoryBytes: Math.round(ratio * POD_LIMITS.memoryBytes),
      memoryLimitBytes: POD_LIMITS.memoryBytes,
      cpuLimitCores: POD_LIMITS.cpuCores,
      cpuSecondsTotal: this.cpuSeconds,
      restarts: this.restarts,
    };
  }

  private start(version: string, nowMs: number): RunningVersion {
    return {
      version,
      sinceMs: nowMs,
      behaviour: behaviourFor(version, this.options),
      pod: podName(this.service, version, this.random),
    };
  }

  /** Moves the clock on: CPU time, OOM kills. Returns the simulated milliseconds. A clock going back is ignored. */
  private advance(nowMs: number): number {
    const elapsed = Math.min(MAX_GAP_MS, Math.max(0, nowMs - this.lastMs));
    this.lastMs = Math.max(this.lastMs, nowMs);
    if (elapsed === 0) return 0;
    const b = this.running.behaviour;
    this.cpuSeconds += Math.max(0, b.cpuCores * (1 + CPU_NOISE * this.random.normal())) * (elapsed / 1000);
    const oomAfterMs = secondsToOom(b) * 1000;
    while (this.lastMs - this.containerStartMs >= oomAfterMs) {
      this.containerStartMs += oomAfterMs;
      this.restarts += 1;
    }
    return elapsed;
  }
}

function drawRequest(b: VersionBehaviour, random: Random): RequestOutcome {
  const r = random.next();
  let code: string;
  if (r < b.errorRatio) code = random.next() < 0.7 ? '500' : '503';
  else code = random.next() < b.notFoundRatio ? '404' : '200';
  const seconds = b.latencyMedianSeconds * Math.exp(b.latencySigma * random.normal());
  return { code, seconds };
}
