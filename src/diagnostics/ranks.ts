/**
 * Sorting permutations and tie-averaged ranks for Float64Array samples, as R's
 * `order(x)` and `rank(x, ties.method = "average")`, without per-element allocation.
 *
 * The permutation is found by a least-significant-digit radix sort (rankKernel.wat: three
 * passes of 11, 11 and 10 bits, whose 2048-entry histograms stay in the L1 cache) on the upper
 * 32 bits of each value's order-preserving bit pattern (sign, exponent and 20 mantissa bits);
 * runs that share those bits are then finished by comparing full values. The result is the
 * stable ascending order (equal values keep their index order).
 */
import { RankKernel } from './rankKernel.js';

/** Below this size a comparison sort beats clearing the radix histograms. */
export const SORT_KERNEL_MIN = 2048;

/**
 * Reusable buffers for {@link sortOrder}: the radix sort's kernel, grown on demand (a new
 * kernel, so views of the old one's buffers stay as they were).
 */
export class SortWorkspace {
  /**
   * Whether the last {@link sortOrder} with this workspace met equal values (always true after
   * the comparison sort of fewer than 2048 values, which does not check).
   */
  ties = true;
  /** The sorted values, when the caller does not ask for them. */
  sorted = new Float64Array(0);
  private kernel: RankKernel | undefined;

  /** Sort with the given kernel from now on (until one with more room is needed). */
  useKernel(kernel: RankKernel): void {
    this.kernel = kernel;
  }

  /** The radix sort's kernel, with room for at least n values. */
  kernelFor(n: number): RankKernel {
    if (this.kernel === undefined || this.kernel.capacity < n) this.kernel = new RankKernel(n);
    return this.kernel;
  }

  /**
   * Sort the first n values of `kernelFor(n).values` where they are (n ≥ 2048, no NaN, −0
   * counting as 0): leaves the stable ascending permutation in the kernel's `order` and the
   * sorted values in its `sorted`, and sets {@link ties}.
   */
  sortKernelValues(n: number): void {
    const kernel = this.kernelFor(n);
    const runs = kernel.sort(n);
    const { values, order, sorted } = kernel;
    let ties = false;
    for (let r = 0; r < runs; r++) {
      if (finishRun(values, order, sorted, kernel.runs[2 * r], kernel.runs[2 * r + 1])) ties = true;
    }
    this.ties = ties;
  }
}

const sharedWorkspace = new SortWorkspace();

/**
 * Stable ascending sorting permutation of `values` (no NaN; −0 counts as 0): writes `order`
 * (length n) so that values[order[0]] ≤ values[order[1]] ≤ …, and returns it. When `sorted`
 * is given, the values in that order are written to it too.
 */
export function sortOrder(
  values: Float64Array,
  order: Uint32Array = new Uint32Array(values.length),
  ws: SortWorkspace = sharedWorkspace,
  sorted?: Float64Array,
): Uint32Array {
  const n = values.length;
  if (n < SORT_KERNEL_MIN) {
    ws.ties = true; // not checked
    for (let i = 0; i < n; i++) order[i] = i;
    order.subarray(0, n).sort((a, b) => values[a] - values[b] || a - b);
    if (sorted !== undefined) for (let i = 0; i < n; i++) sorted[i] = values[order[i]];
    return order;
  }
  const kernel = ws.kernelFor(n);
  if (values !== kernel.values) kernel.values.set(values);
  ws.sortKernelValues(n);
  order.set(kernel.order.subarray(0, n));
  if (sorted === undefined) {
    if (ws.sorted.length < n) ws.sorted = new Float64Array(n);
    sorted = ws.sorted;
  }
  sorted.set(kernel.sorted.subarray(0, n));
  return order;
}

/**
 * Order order[start .. end) by value, then index, unless it already is (the usual case for a
 * run of exact ties), and rewrite the sorted values there. Returns whether the run holds
 * equal values.
 */
function finishRun(values: Float64Array, order: Uint32Array, sorted: Float64Array, start: number, end: number): boolean {
  let ordered = true;
  for (let i = start + 1; i < end; i++) {
    if (sorted[i - 1] > sorted[i]) {
      ordered = false;
      break;
    }
  }
  if (!ordered) {
    if (end - start <= 32) {
      for (let i = start + 1; i < end; i++) {
        const o = order[i];
        const v = values[o];
        let j = i - 1;
        while (j >= start && (values[order[j]] > v || (values[order[j]] === v && order[j] > o))) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = o;
      }
    } else {
      order.subarray(start, end).sort((a, b) => values[a] - values[b] || a - b);
    }
    for (let i = start; i < end; i++) sorted[i] = values[order[i]];
  }
  for (let i = start + 1; i < end; i++) if (sorted[i - 1] === sorted[i]) return true;
  return false;
}

/**
 * R's `rank(x, ties.method = "average")`: 1-based ranks, tied values sharing the mean of
 * their positions. `values` must not contain NaN.
 */
export function averageRanks(input: ArrayLike<number>): Float64Array {
  const values = Float64Array.from(input);
  const n = values.length;
  const order = sortOrder(values);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    const v = values[order[start]];
    let end = start + 1;
    while (end < n && values[order[end]] === v) end++;
    const r = (start + end + 1) / 2;
    for (let i = start; i < end; i++) ranks[order[i]] = r;
    start = end;
  }
  return ranks;
}
