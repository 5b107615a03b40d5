// Seeded series builders for tests (no Math.random: every run sees the same data).
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** n samples around `level` with Gaussian noise `sd`, rounded to 3 decimals. */
export function noisy(n: number, level: number, sd: number, seed: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => Math.round((level + sd * normal(r)) * 1000) / 1000);
}

export function ramp(n: number, from: number, to: number): number[] {
  return Array.from({ length: n }, (_, i) => from + ((to - from) * i) / Math.max(1, n - 1));
}
