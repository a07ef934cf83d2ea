/**
 * Direct sums of autocovariances, eight lags at a time, in WebAssembly SIMD (lagKernel.wat):
 * the hot loop of every ESS, about three times the speed of the same sums in JavaScript
 * (two multiply–adds per instruction, no bounds checks).
 *
 * Each kernel owns a WebAssembly memory holding one series buffer; the series whose lags are
 * summed must be in that buffer (see {@link LagKernel.series}), so callers centre their draws
 * straight into it. A larger buffer means a new memory and instance, never `memory.grow`:
 * growing detaches the old ArrayBuffer, and the first detached buffer in a process makes V8
 * drop a fast path of every typed-array access (its detaching protector), costing the rest of
 * the summaries about a fifth of their speed.
 */
import { LAG_KERNEL_WASM } from './lagKernelWasm.js';

/** Lags summed per kernel call. */
export const KERNEL_LAGS = 8;

/** Byte address of the 16-double result area in the kernel's memory; the series follows it. */
const OUT = 0;
const SERIES = 128;
const PAGE = 65536;

/** The parts of the WebAssembly JavaScript API used here (the project compiles without the DOM library). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

interface LagExports {
  lags8(y: number, m: number, n: number, k0: number, out: number): void;
}

const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
let compiled: object | undefined;

function lagModule(): object {
  if (compiled === undefined) {
    const text = atob(LAG_KERNEL_WASM);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new wasm.Module(bytes);
  }
  return compiled;
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

  /** A new memory of room for `length` doubles (at least one page) with an instance on it. */
  private instantiate(length: number): void {
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil((SERIES + 8 * length) / PAGE)) });
    this.exports = new wasm.Instance(lagModule(), { env: { memory } }).exports as LagExports;
    this.buffer = memory.buffer;
    this.out = new Float64Array(this.buffer, OUT, KERNEL_LAGS);
    this.view = new Float64Array(this.buffer, SERIES, length);
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
