/**
 * The radix sort of sortKernel.wat: stable ascending order of doubles by their upper 32 bits,
 * about twice the speed of the same passes in JavaScript (no bounds checks, one 64-bit move
 * per (key, index) pair). Values that share their upper 32 bits come out as runs, listed for
 * the caller to finish by full value (see ranks.ts).
 *
 * Each kernel owns a WebAssembly memory (see wasm.ts) holding its input, its scratch and its
 * outputs, sized for a fixed capacity.
 */
import { SORT_KERNEL_WASM } from './sortKernelWasm.js';
import { instantiateKernel } from './wasm.js';

interface SortExports {
  sort(values: number, n: number, hist: number, a: number, b: number, order: number, sorted: number, runs: number): number;
}

/** Bytes of the three digit histograms (3 × 2048 counts). */
const HISTOGRAMS = 3 * 2048 * 4;

/** One instance of the sort kernel, for up to `capacity` values (not to be shared between threads). */
export class SortKernel {
  /** Input: the values to sort are written here. */
  readonly values: Float64Array<ArrayBuffer>;
  /** Output: the sorting permutation (stable by key). */
  readonly order: Uint32Array<ArrayBuffer>;
  /** Output: the values in that order. */
  readonly sorted: Float64Array<ArrayBuffer>;
  /** Output: (start, end) of each stretch order[start .. end) of two or more equal keys. */
  readonly runs: Uint32Array<ArrayBuffer>;
  private readonly exports: SortExports;
  private readonly at: { values: number; hist: number; a: number; b: number; order: number; sorted: number; runs: number };

  constructor(readonly capacity: number) {
    const n = capacity;
    const values = 0;
    const hist = values + 8 * n;
    const a = hist + HISTOGRAMS;
    const b = a + 8 * n;
    const sorted = b + 8 * n;
    const order = sorted + 8 * n;
    const runs = order + 4 * n;
    const bytes = runs + 4 * n + 8;
    this.at = { values, hist, a, b, order, sorted, runs };
    const { exports, buffer } = instantiateKernel<SortExports>(SORT_KERNEL_WASM, bytes);
    this.exports = exports;
    this.values = new Float64Array(buffer, values, n);
    this.order = new Uint32Array(buffer, order, n);
    this.sorted = new Float64Array(buffer, sorted, n);
    this.runs = new Uint32Array(buffer, runs, n + 2);
  }

  /** Sort values[0 .. n) (n ≤ capacity, no NaN) into `order` and `sorted`; returns the number of runs. */
  sort(n: number): number {
    if (n > this.capacity) throw new RangeError('sort kernel: more values than its capacity');
    const { values, hist, a, b, order, sorted, runs } = this.at;
    return this.exports.sort(values, n, hist, a, b, order, sorted, runs);
  }
}
