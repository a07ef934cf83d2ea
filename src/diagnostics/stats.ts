/**
 * Basic summaries of a sample, computed as R computes them: `mean`, `var`/`sd` (n − 1
 * denominator), `median`, `quantile(type = 7)` and `mad` (constant 1.4826).
 */

/** Arithmetic mean with a second correcting pass (as R's `mean`); NaN for an empty sample. */
export function mean(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  if (!Number.isFinite(m)) return m;
  let c = 0;
  for (let i = 0; i < n; i++) c += x[i] - m;
  return m + c / n;
}

/** Sample variance with denominator n − 1 (R's `var`); NaN when n < 2. */
export function variance(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return NaN;
  const m = mean(x);
  let ss = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    ss += d * d;
    c += d;
  }
  return (ss - (c * c) / n) / (n - 1);
}

/** Sample standard deviation, denominator n − 1 (R's `sd`); NaN when n < 2. */
export function sd(x: ArrayLike<number>): number {
  return Math.sqrt(variance(x));
}

/**
 * Quantile of an ascending-sorted sample by R's default definition (type 7): with
 * h = (n − 1)p, interpolate between order statistics ⌊h⌋ and ⌈h⌉ (0-based). Like R, it
 * interpolates only where the two order statistics differ, so infinite values are kept.
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0 || !(p >= 0 && p <= 1)) return NaN;
  const index = (n - 1) * p;
  const lo = Math.floor(index);
  const hi = Math.ceil(index);
  const a = sorted[lo];
  const b = sorted[hi];
  const h = index - lo;
  return hi > lo && b !== a ? (1 - h) * a + h * b : a;
}

/** Ascending copy of a sample as a Float64Array (−0 becomes 0). */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(x);
  for (let i = 0; i < out.length; i++) out[i] += 0;
  return out.sort();
}

/** Quantile of an unsorted sample by R's type 7 definition (see {@link quantileSorted}). */
export function quantile(x: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(x), p);
}

/** Median of an ascending-sorted sample: middle value, or the mean of the middle two. */
export function medianSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

/** Median of an unsorted sample (R's `median`). */
export function median(x: ArrayLike<number>): number {
  return medianSorted(sortedCopy(x));
}

/** R's consistency constant for `mad`, making it estimate σ for normal data. */
export const MAD_CONSTANT = 1.4826;

/** Median absolute deviation about the median, times 1.4826 (R's `mad(x)`). */
export function mad(x: ArrayLike<number>): number {
  const n = x.length;
  if (n === 0) return NaN;
  const center = median(x);
  const dev = new Float64Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(x[i] - center);
  return MAD_CONSTANT * medianSorted(dev.sort());
}
