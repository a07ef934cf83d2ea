/**
 * Direct sums of autocovariances, eight lags at a time, and chain means and variances, in
 * WebAssembly SIMD (lagKernel.wat): the hot loops of every ESS and R-hat, about three times
 * the speed of the same sums in JavaScript (two multiply–adds per instruction, no bounds
 * checks).
 *
 * A kernel works in a region of a WebAssembly memory: a result area, room for the moments of
 * a number of chains, and one series buffer whose lags it sums (see {@link LagKernel.series}),
 * so callers centre their draws straight into it. A kernel of its own memory replaces it by a
 * larger one when a longer series is asked for (see wasm.ts); one in a shared memory (see
 * {@link LagKernel.bytes}) has a fixed size, and its moments may read any buffer of that memory.
 */
import { LAG_KERNEL_WASM } from './lagKernelWasm.js';
import { type KernelMemory, align16, instantiateKernel, kernelMemory } from './wasm.js';

/** Lags summed per kernel call. */
export const KERNEL_LAGS = 8;

/** Bytes of the result area (16 doubles: 8 results, 8 scratch) at the start of the region. */
const OUT = 128;

interface LagExports {
  lags8(y: number, m: number, n: number, k0: number, out: number): void;
  moments(x: number, m: number, n: number, means: number, vars: number, centred: number, write: number): void;
}

/** A kernel's place in a memory it shares: from byte `at`, a series of `length` doubles and moments of up to `chains` chains. */
export interface SharedLagRegion {
  memory: KernelMemory;
  at: number;
  length: number;
  chains: number;
}

/** One instance of the lag kernel (not to be shared between threads). */
export class LagKernel {
  private exports!: LagExports;
  /** The memory's buffer; none yet for a kernel of its own memory before its first series. */
  private buffer: ArrayBuffer | undefined;
  /** Byte address of the result area; the moments follow it, then the series. */
  private at = 0;
  private chains = 0;
  private view: Float64Array<ArrayBuffer> = new Float64Array(0);
  private out!: Float64Array;
  private momentsOut!: Float64Array;
  private readonly fixed: boolean;

  /** Bytes a kernel in a shared memory takes for a series of `length` doubles and moments of `chains` chains. */
  static bytes(length: number, chains: number): number {
    return OUT + align16(16 * chains) + align16(8 * length);
  }

  /**
   * A kernel of its own memory (made at the first {@link series} call that needs one), or one
   * in the given region of a shared memory.
   */
  constructor(region?: SharedLagRegion) {
    this.fixed = region !== undefined;
    if (region !== undefined) this.place(region.memory, region.at, region.length, region.chains);
  }

  private place(memory: KernelMemory, at: number, length: number, chains: number): void {
    if (at % 16 !== 0) throw new RangeError('lag kernel: unaligned region');
    this.exports = instantiateKernel<LagExports>(LAG_KERNEL_WASM, memory);
    const buffer = memory.buffer;
    this.buffer = buffer;
    this.at = at;
    this.chains = chains;
    this.out = new Float64Array(buffer, at, KERNEL_LAGS);
    this.momentsOut = new Float64Array(buffer, at + OUT, 2 * chains);
    this.view = new Float64Array(buffer, at + OUT + align16(16 * chains), length);
  }

  /**
   * The series buffer, at least `length` doubles long. A kernel of its own memory meets a
   * larger request than before with a new buffer (views returned before are then no longer
   * the kernel's); one in a shared memory cannot.
   */
  series(length: number): Float64Array<ArrayBuffer> {
    if (this.view.length < length) {
      if (this.fixed) throw new RangeError('lag kernel: series longer than its region');
      this.place(kernelMemory(LagKernel.bytes(length, 0)), 0, length, 0);
    }
    return this.view;
  }

  /** Whether y is (a prefix of) this kernel's series buffer. */
  holds(y: Float64Array): boolean {
    return y.buffer === this.buffer && y.byteOffset === this.view.byteOffset;
  }

  /**
   * acov[k0 + j] = (1/m) Σ_c (1/n) Σ_{t<n−k0−j} y_{c,t} y_{c,t+k0+j} for j = 0..7, over the m
   * chains of n values in the series buffer (k0 + 8 ≤ n).
   */
  lags(m: number, n: number, k0: number, acov: Float64Array): void {
    if (k0 + KERNEL_LAGS > n || m * n > this.view.length) throw new RangeError('lag kernel: lags or chains out of range');
    this.exports.lags8(this.view.byteOffset, m, n, k0, this.at);
    const out = this.out;
    for (let j = 0; j < KERNEL_LAGS; j++) acov[k0 + j] = out[j] / m;
  }

  /**
   * Means and variances (denominator n − 1) of the m chains of n draws in x, as R's `mean` and
   * `var` (a correcting second pass; sums in SIMD lanes, so the last bits differ from one
   * running sum), written to `means` and `vars`; the draws centred on their chain sums' means
   * go to `centred` when given (which may be x). x and `centred` must lie in this kernel's
   * memory (a shared one), and m be at most its chains.
   */
  moments(x: Float64Array, m: number, n: number, means: Float64Array, vars: Float64Array, centred?: Float64Array): void {
    if (m > this.chains || x.buffer !== this.buffer || x.length < m * n || (centred !== undefined && (centred.buffer !== this.buffer || centred.length < m * n))) {
      throw new RangeError('lag kernel: moments of draws outside its memory or of too many chains');
    }
    const at = this.momentsOut.byteOffset;
    this.exports.moments(x.byteOffset, m, n, at, at + 8 * m, centred === undefined ? 0 : centred.byteOffset, centred === undefined ? 0 : 1);
    const out = this.momentsOut;
    for (let c = 0; c < m; c++) {
      means[c] = out[c];
      vars[c] = out[m + c];
    }
  }
}
