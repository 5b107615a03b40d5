// Seeded series builders for tests (no Math.random: every run sees the same data).
// The PRNG and normal sampler are the scenario generator's own.
import { mulberry32, normalSampler } from '../../scripts/scenarios/builders.js';

export const rng = mulberry32;

/** One standard normal sample from `rand` (a fresh Box–Muller pair each call, spare discarded). */
export function normal(rand: () => number): number {
  return normalSampler(rand)();
}

/** n samples around `level` with Gaussian noise `sd`, rounded to 3 decimals. */
export function noisy(n: number, level: number, sd: number, seed: number): number[] {
  const draw = normalSampler(mulberry32(seed));
  return Array.from({ length: n }, () => Math.round((level + sd * draw()) * 1000) / 1000);
}

export function ramp(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / Math.max(1, n - 1));
}
