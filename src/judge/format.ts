// Number formatting for the judge's human-readable reasons.

/** Up to 3 significant digits, no exponent for ordinary magnitudes: 35.2, 0.00812, 1250. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const abs = Math.abs(x);
  if (abs >= 1000) return String(Math.round(x));
  if (abs < 1e-4) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

export function formatP(p: number): string {
  if (p >= 0.001) return String(Number(p.toPrecision(2)));
  return p.toExponential(1);
}
