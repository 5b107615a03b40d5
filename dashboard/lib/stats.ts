// Small numeric helpers for the view models. Pure.

export function median(values: readonly number[]): number | null {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Median of the non-null samples of a series. */
export function seriesMedian(values: ReadonlyArray<number | null>): number | null {
  return median(values.filter((v): v is number => v !== null));
}
