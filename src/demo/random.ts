// A small seeded random source, so the demo service is deterministic given a seed
// (tests compare runs and expect the same numbers). mulberry32: 32-bit state,
// good enough for simulated traffic, not for anything secret.

import { hashString, mulberry32 } from '../util/random.js';

export interface Random {
  /** uniform in [0, 1) */
  next(): number;
  /** standard normal (Box-Muller) */
  normal(): number;
}

/** A 32-bit seed from any string (FNV-1a). */
export { hashString };

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);

  return {
    next,
    normal() {
      // 1 - next() is in (0, 1]: log never sees 0.
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
