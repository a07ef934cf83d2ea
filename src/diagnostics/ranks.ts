/**
 * Sorting permutations and tie-averaged ranks for Float64Array samples, as R's
 * `order(x)` and `rank(x, ties.method = "average")`, without per-element allocation.
 *
 * The permutation is found by a least-significant-digit radix sort (two passes of 16 bits)
 * on the upper 32 bits of each value's order-preserving bit pattern (sign, exponent and 20
 * mantissa bits); runs that share those bits are then finished by comparing full values.
 * The result is the stable ascending order (equal values keep their index order).
 */

const DIGIT = 1 << 16;
/** Below this size a comparison sort beats clearing the radix histograms. */
const SMALL = 2048;

/** Reusable buffers for {@link sortOrder}, grown on demand. */
export class SortWorkspace {
  keys = new Uint32Array(0);
  keys2 = new Uint32Array(0);
  idx = new Uint32Array(0);
  readonly low = new Uint32Array(DIGIT);
  readonly high = new Uint32Array(DIGIT);

  /** Make the buffers hold at least n elements. */
  ensure(n: number): void {
    if (this.keys.length < n) {
      this.keys = new Uint32Array(n);
      this.keys2 = new Uint32Array(n);
      this.idx = new Uint32Array(n);
    }
  }
}

const sharedWorkspace = new SortWorkspace();

/** Index of the high 32-bit word of a double within a Uint32Array view (platform byte order). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Stable ascending sorting permutation of `values` (no NaN; −0 counts as 0): writes `order`
 * (length n) so that values[order[0]] ≤ values[order[1]] ≤ …, and returns it.
 */
export function sortOrder(
  values: Float64Array,
  order: Uint32Array = new Uint32Array(values.length),
  ws: SortWorkspace = sharedWorkspace,
): Uint32Array {
  const n = values.length;
  if (n < SMALL) {
    for (let i = 0; i < n; i++) order[i] = i;
    order.subarray(0, n).sort((a, b) => values[a] - values[b] || a - b);
    return order;
  }
  ws.ensure(n);
  const { keys, keys2, idx, low, high } = ws;
  low.fill(0);
  high.fill(0);
  // High 32 bits of each double mapped to an unsigned key whose order is the numeric order:
  // flip all bits of negatives, set the sign bit of positives.
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    let hi = words[2 * i + HIGH];
    if (hi === 0x80000000 && words[2 * i + 1 - HIGH] === 0) hi = 0; // −0
    const k = hi & 0x80000000 ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
    keys[i] = k;
    low[k & 0xffff]++;
    high[k >>> 16]++;
  }
  for (let d = 0, lo = 0, hi = 0; d < DIGIT; d++) {
    const a = low[d];
    low[d] = lo;
    lo += a;
    const b = high[d];
    high[d] = hi;
    hi += b;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    const p = low[k & 0xffff]++;
    keys2[p] = k;
    idx[p] = i;
  }
  for (let i = 0; i < n; i++) {
    const k = keys2[i];
    const p = high[k >>> 16]++;
    keys[p] = k;
    order[p] = idx[i];
  }
  // Finish runs that share the 32-bit key by full value (then index, for stability).
  for (let start = 0; start < n - 1; ) {
    const k = keys[start];
    if (keys[start + 1] !== k) {
      start++;
      continue;
    }
    let end = start + 2;
    while (end < n && keys[end] === k) end++;
    finishRun(values, order, start, end);
    start = end;
  }
  return order;
}

function finishRun(values: ArrayLike<number>, order: Uint32Array, start: number, end: number): void {
  // Already sorted (the common case for exact ties)?
  let sorted = true;
  for (let i = start + 1; i < end; i++) {
    if (values[order[i - 1]] > values[order[i]]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
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
