/**
 * The WebAssembly side of the summaries' ranking (rankKernel.wat), two to four times the speed
 * of the same loops in JavaScript (no bounds checks; branch-free merges):
 * - the radix sort: stable ascending order of doubles by their upper 32 bits, one 64-bit move
 *   per (key, index) pair; values that share their upper 32 bits come out as runs, listed for
 *   the caller to finish by full value (see ranks.ts);
 * - the rank-normalized draws and folded draws when no two values tie (the caller handles
 *   ties, which need average ranks; see summarizer.ts).
 *
 * A kernel works in a region of a WebAssembly memory (its own, or one it shares; see wasm.ts)
 * holding its inputs, its scratch and its outputs, sized for a fixed capacity.
 */
import { RANK_KERNEL_WASM } from './rankKernelWasm.js';
import { type KernelMemory, align16, instantiateKernel, kernelMemory } from './wasm.js';

interface RankExports {
  sort(values: number, n: number, hist: number, a: number, b: number, order: number, sorted: number, runs: number): number;
  scores(order: number, n: number, kept: number, whole: number, out: number): void;
  folded(
    sorted: number, order: number, n: number, kept: number, lo: number, left: number, right: number, rankF: number,
    med: number, whole: number, out: number, mad: number,
  ): number;
}

/** Bytes of the three digit histograms (3 × 2048 counts). */
const HISTOGRAMS = 3 * 2048 * 4;

/** Byte addresses of the kernel's buffers. */
interface Layout {
  values: number;
  hist: number;
  a: number;
  b: number;
  order: number;
  sorted: number;
  runs: number;
  whole: number;
  scores: number;
  mad: number;
}

/** One instance of the rank kernel, for up to `capacity` values (not to be shared between threads). */
export class RankKernel {
  /** Input: the values to sort are written here. */
  readonly values: Float64Array<ArrayBuffer>;
  /** Output: the sorting permutation (stable by key). */
  readonly order: Uint32Array<ArrayBuffer>;
  /** Output: the values in that order. */
  readonly sorted: Float64Array<ArrayBuffer>;
  /** Output: (start, end) of each stretch order[start .. end) of two or more equal keys. */
  readonly runs: Uint32Array<ArrayBuffer>;
  /** Input of {@link scores} and {@link folded}: the normal score of each whole rank 0 .. kept. */
  readonly whole: Float64Array<ArrayBuffer>;
  /** Output of {@link scores} and {@link folded}: a score per kept draw. */
  readonly scoresOut: Float64Array<ArrayBuffer>;
  /** Output of {@link folded}: the folded values at ascending positions ⌊(n−1)/2⌋ and ⌊n/2⌋. */
  readonly mad: Float64Array<ArrayBuffer>;
  /** `sorted` with a slot on either side, for the sentinels of {@link folded}. */
  private readonly padded: Float64Array<ArrayBuffer>;
  private readonly exports: RankExports;
  private readonly at: Layout;

  /** Bytes the kernel's buffers take for `capacity` values. */
  static bytes(capacity: number): number {
    return RankKernel.layout(capacity, 0).end;
  }

  /** The buffers' byte addresses from `at` (16-byte aligned), and the end of the region. */
  private static layout(n: number, at: number): Layout & { end: number } {
    const values = at;
    const hist = values + align16(8 * n);
    const a = hist + HISTOGRAMS;
    const b = a + align16(8 * n);
    const sorted = b + align16(8 * n) + 16; // after a sentinel slot, and followed by one
    const whole = sorted + align16(8 * (n + 1));
    const scores = whole + align16(8 * (n + 1));
    const mad = scores + align16(8 * n);
    const order = mad + 16;
    const runs = order + align16(4 * n);
    return { values, hist, a, b, order, sorted, runs, whole, scores, mad, end: runs + align16(4 * (n + 2)) };
  }

  /** A kernel for up to `capacity` values, in a memory of its own or from byte `at` (16-byte aligned) of a shared one. */
  constructor(readonly capacity: number, shared?: { memory: KernelMemory; at: number }) {
    const n = capacity;
    const at = RankKernel.layout(n, shared?.at ?? 0);
    if (at.values % 16 !== 0) throw new RangeError('rank kernel: unaligned region');
    this.at = at;
    const memory = shared?.memory ?? kernelMemory(at.end);
    this.exports = instantiateKernel<RankExports>(RANK_KERNEL_WASM, memory);
    const buffer = memory.buffer;
    this.values = new Float64Array(buffer, at.values, n);
    this.order = new Uint32Array(buffer, at.order, n);
    this.sorted = new Float64Array(buffer, at.sorted, n);
    this.padded = new Float64Array(buffer, at.sorted - 8, n + 2);
    this.runs = new Uint32Array(buffer, at.runs, n + 2);
    this.whole = new Float64Array(buffer, at.whole, n + 1);
    this.scoresOut = new Float64Array(buffer, at.scores, n);
    this.mad = new Float64Array(buffer, at.mad, 2);
  }

  /** Sort values[0 .. n) (n ≤ capacity, no NaN) into `order` and `sorted`; returns the number of runs. */
  sort(n: number): number {
    this.check(n, n);
    const { values, hist, a, b, order, sorted, runs } = this.at;
    return this.exports.sort(values, n, hist, a, b, order, sorted, runs);
  }

  /**
   * After {@link sort} of n values none of which tie: scoresOut[p] = whole[r] for each p <
   * kept, r being the rank of values[p] among values[0 .. kept) (the others are skipped).
   */
  scores(n: number, kept: number): void {
    this.check(n, kept);
    const { order, whole, scores } = this.at;
    this.exports.scores(order, n, kept, whole, scores);
  }

  /**
   * After {@link sort} of n values: the same for the folded values |values[p] − med|, with
   * sorted[lo] the first sorted value ≥ med, and their median in `mad`. The caller may have
   * scored the smallest few folded values itself, those at sorted positions left + 1 .. right − 1
   * (`rank` of them kept): the walk goes on from there (by default left = lo − 1, right = lo,
   * rank = 0). At least one of the ⌊n/2⌋ smallest must be left to it. Returns false, with the
   * outputs incomplete, when two folded values tie.
   */
  folded(n: number, kept: number, lo: number, med: number, left = lo - 1, right = lo, rank = 0): boolean {
    this.check(n, kept);
    const taken = lo - 1 - left + (right - lo);
    if (lo < 0 || lo > n || left < -1 || left >= lo || right < lo || right > n || taken >= n >> 1) {
      throw new RangeError('rank kernel: bad folding point');
    }
    this.padded[0] = -Infinity;
    this.padded[n + 1] = Infinity;
    const { sorted, order, whole, scores, mad } = this.at;
    return this.exports.folded(sorted, order, n, kept, lo, left, right, rank, med, whole, scores, mad) === 1;
  }

  private check(n: number, kept: number): void {
    if (n > this.capacity || kept > n) throw new RangeError('rank kernel: more values than its capacity');
  }
}
