/**
 * Direct sums of autocovariances, eight lags at a time, in WebAssembly SIMD (lagKernel.wat):
 * the hot loop of every ESS, about three times the speed of the same sums in JavaScript
 * (two multiply–adds per instruction, no bounds checks).
 *
 * Each kernel owns a WebAssembly memory holding one series buffer; the series whose lags are
 * summed must be in that buffer (see {@link LagKernel.series}), so callers centre their draws
 * straight into it; a longer series means a new memory (see wasm.ts).
 */
import { LAG_KERNEL_WASM } from './lagKernelWasm.js';
import { instantiateKernel } from './wasm.js';

/** Lags summed per kernel call. */
export const KERNEL_LAGS = 8;

/** Byte address of the 16-double result area in the kernel's memory; the series follows it. */
const OUT = 0;
const SERIES = 128;

interface LagExports {
  lags8(y: number, m: number, n: number, k0: number, out: number): void;
}

/** One instance of the lag kernel with its own memory (not to be shared between threads). */
export class LagKernel {
  private exports!: LagExports;
  private buffer!: ArrayBuffer;
  private view: Float64Array<ArrayBuffer> = new Float64Array(0);
  private out!: Float64Array;

  constructor() {
    this.instantiate(0);
  }

  /** A new memory of room for `length` doubles with an instance on it. */
  private instantiate(length: number): void {
    const { exports, buffer } = instantiateKernel<LagExports>(LAG_KERNEL_WASM, SERIES + 8 * length);
    this.exports = exports;
    this.buffer = buffer;
    this.out = new Float64Array(buffer, OUT, KERNEL_LAGS);
    this.view = new Float64Array(buffer, SERIES, length);
  }

  /**
   * The series buffer, at least `length` doubles long. A larger request than before replaces
   * the buffer: views returned before are then no longer the kernel's.
   */
  series(length: number): Float64Array<ArrayBuffer> {
    if (this.view.length < length) this.instantiate(length);
    return this.view;
  }

  /** Whether y is (a prefix of) this kernel's series buffer. */
  holds(y: Float64Array): boolean {
    return y.buffer === this.buffer && y.byteOffset === SERIES;
  }

  /**
   * acov[k0 + j] = (1/m) Σ_c (1/n) Σ_{t<n−k0−j} y_{c,t} y_{c,t+k0+j} for j = 0..7, over the m
   * chains of n values in the series buffer (k0 + 8 ≤ n).
   */
  lags(m: number, n: number, k0: number, acov: Float64Array): void {
    if (k0 + KERNEL_LAGS > n || m * n > this.view.length) throw new RangeError('lag kernel: lags or chains out of range');
    this.exports.lags8(SERIES, m, n, k0, OUT);
    const out = this.out;
    for (let j = 0; j < KERNEL_LAGS; j++) acov[k0 + j] = out[j] / m;
  }
}
