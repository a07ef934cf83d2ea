/**
 * Sorting permutations and tie-averaged ranks for Float64Array samples, as R's
 * `order(x)` and `rank(x, ties.method = "average")`, without per-element allocation.
 *
 * The permutation is found by a least-significant-digit radix sort (three passes of 11, 11
 * and 10 bits, whose 2048-entry histograms stay in the L1 cache) on the upper 32 bits of each
 * value's order-preserving bit pattern (sign, exponent and 20 mantissa bits); runs that share
 * those bits are then finished by comparing full values. The result is the stable ascending
 * order (equal values keep their index order).
 */

/** Bits per radix digit (the last digit has {@link RADIX_BITS} − 1 bits: 11 + 11 + 10 = 32). */
const RADIX_BITS = 11;
const DIGIT = 1 << RADIX_BITS;
const DIGIT_MASK = DIGIT - 1;
/** Below this size a comparison sort beats clearing the radix histograms. */
const SMALL = 2048;
/** The three digit histograms (then their running offsets) at the start of the arena. */
const COUNTS = 3 * DIGIT;

/**
 * Reusable buffers for {@link sortOrder}, grown on demand: one Int32Array holding the digit
 * histograms and two arrays of interleaved (key, index) pairs. Keeping everything in one typed
 * array makes the hot loops markedly faster in V8, which re-checks every typed array a loop
 * touches on each iteration once the loop stores to memory.
 */
export class SortWorkspace {
  arena = new Int32Array(COUNTS);
  /**
   * Whether the last {@link sortOrder} with this workspace met equal values (always true after
   * the comparison sort of fewer than 2048 values, which does not check).
   */
  ties = true;
  /** The sorted values, when the caller does not ask for them. */
  sorted = new Float64Array(0);

  /** Make the buffers hold at least n elements. */
  ensure(n: number): void {
    if (this.arena.length < COUNTS + 4 * n) this.arena = new Int32Array(COUNTS + 4 * n);
  }
}

const sharedWorkspace = new SortWorkspace();

/** Index of the high 32-bit word of a double within an Int32Array view (platform byte order). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

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
  if (n < SMALL) {
    ws.ties = true; // not checked
    for (let i = 0; i < n; i++) order[i] = i;
    order.subarray(0, n).sort((a, b) => values[a] - values[b] || a - b);
    if (sorted !== undefined) for (let i = 0; i < n; i++) sorted[i] = values[order[i]];
    return order;
  }
  ws.ensure(n);
  const arena = ws.arena;
  const pairs = COUNTS; // offsets of the two pair arrays in the arena
  const pairs2 = COUNTS + 2 * n;
  radixKeys(values, n, arena, pairs);
  for (let base = 0; base < COUNTS; base += DIGIT) {
    let offset = 0;
    for (let d = base; d < base + DIGIT; d++) {
      const c = arena[d];
      arena[d] = offset;
      offset += c;
    }
  }
  radixPass(n, arena, pairs, pairs2, 0, 0, DIGIT_MASK, 0);
  radixPass(n, arena, pairs2, pairs, DIGIT, RADIX_BITS, DIGIT_MASK, 0);
  // Top digit: 10 bits, sign bit flipped so that negative keys come first.
  radixPass(n, arena, pairs, pairs2, 2 * DIGIT, 2 * RADIX_BITS, DIGIT_MASK >> 1, DIGIT >> 2);
  if (sorted === undefined) {
    if (ws.sorted.length < n) ws.sorted = new Float64Array(n);
    sorted = ws.sorted;
  }
  // Read out the permutation and the sorted values; a run of keys that are equal (values equal
  // in their upper 32 bits) is finished by full value, then index, as soon as it ends.
  let runStart = 0;
  let runKey = arena[pairs2];
  let ties = false;
  for (let i = 0; i < n; i++) {
    const k = arena[pairs2 + 2 * i];
    const o = arena[pairs2 + 2 * i + 1];
    order[i] = o;
    sorted[i] = values[o];
    if (k !== runKey) {
      if (i - runStart > 1 && finishRun(values, order, sorted, runStart, i)) ties = true;
      runStart = i;
      runKey = k;
    }
  }
  if (n - runStart > 1 && finishRun(values, order, sorted, runStart, n)) ties = true;
  ws.ties = ties;
  return order;
}

/**
 * (key, index) pairs, written to arena[at ..], whose signed 32-bit keys sort in the numeric
 * order of the values: the upper word of each double, with the magnitude bits of negatives
 * flipped (−0 maps to 0's key); also counts the three radix digits of every key in the
 * histograms at the start of the arena.
 */
function radixKeys(values: Float64Array, n: number, arena: Int32Array, at: number): void {
  arena.fill(0, 0, COUNTS);
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  for (let i = 0; i < n; i++) {
    let hi = words[2 * i + HIGH];
    if (hi === -0x80000000 && words[2 * i + 1 - HIGH] === 0) hi = 0; // −0
    const k = hi ^ ((hi >> 31) & 0x7fffffff);
    arena[at + 2 * i] = k;
    arena[at + 2 * i + 1] = i;
    arena[k & DIGIT_MASK]++;
    arena[DIGIT + ((k >> RADIX_BITS) & DIGIT_MASK)]++;
    arena[2 * DIGIT + (((k >> (2 * RADIX_BITS)) & (DIGIT_MASK >> 1)) ^ (DIGIT >> 2))]++;
  }
}

/**
 * One stable counting-sort pass on the digit ((key >> shift) & mask) ^ flip, moving the
 * (key, index) pairs at arena[from ..] to arena[to ..] at the running offsets in the
 * histogram arena[base ..].
 */
function radixPass(
  n: number, arena: Int32Array, from: number, to: number, base: number, shift: number, mask: number, flip: number,
): void {
  const end = from + 2 * n;
  for (let i = from; i < end; i += 2) {
    const k = arena[i];
    const p = to + 2 * arena[base + (((k >> shift) & mask) ^ flip)]++;
    arena[p] = k;
    arena[p + 1] = arena[i + 1];
  }
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
