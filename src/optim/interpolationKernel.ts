/**
 * The memory and WebAssembly kernel (interpolationKernel.wat) of one interpolation system of
 * `interpolation.ts`: H, the scaled displacements s_k and the scratch vectors live in the
 * kernel's memory, and the loops over them (the denominators, Powell's update of H, building and
 * inverting W, the model's coefficients) run there.
 *
 * Why: in a fresh `lmm` process the optimiser's bookkeeping ran in V8's baseline tier; for
 * sleepstudy's ML fit (3 θ, 63 evaluations) it was about 16 ms of a 20 ms fit, where the same
 * loops compiled ahead of time take well under a millisecond. The kernel sums in the JavaScript's
 * order (see the .wat), so the optimiser's path and results are unchanged bit for bit.
 */
import { atan2, cos, hypot, sin } from '../../samplers/elementary.js';
import { align16, instantiateKernel, kernelMemory, type KernelMemory } from '../diagnostics/wasm.js';
import { INTERPOLATION_KERNEL_WASM } from './interpolationKernelWasm.js';

/** The kernel's imports: the engine-independent elementary functions (samplers/elementary.ts). */
const elementary = { cos, sin, atan2, hypot };

function instantiate(memory: KernelMemory): KernelExports {
  return instantiateKernel<KernelExports>(INTERPOLATION_KERNEL_WASM, memory, elementary);
}

interface KernelExports {
  denominators: (H: number, S: number, t: number, w: number, hw: number, sig: number, tau: number, N: number, m: number, n: number) => number;
  sigmaAt: (H: number, S: number, t: number, w: number, hw: number, N: number, m: number, n: number, knew: number) => number;
  update: (H: number, S: number, t: number, w: number, hw: number, v: number, h: number, N: number, m: number, n: number, k: number) => number;
  build: (H: number, S: number, A: number, N: number, m: number, n: number, relTol: number) => number;
  modelUpdate: (H: number, S: number, F: number, g: number, G: number, r: number, coef: number, N: number, m: number, n: number, q0: number, scale: number) => number;
  geometry: (
    H: number, S: number, t: number, w: number, hw: number, N: number, m: number, n: number,
    knew: number, kopt: number, lo: number, hi: number, rad: number, gt: number, u: number, d: number, fixed: number, best: number,
  ) => number;
  trustRegion: (
    g: number, G: number, x: number, lower: number, upper: number, delta: number,
    d: number, gd: number, fixed: number, p: number, Gp: number, s: number, dF: number, Gd: number, Gs: number, n: number,
  ) => number;
}

/** One system's storage in a WebAssembly memory, and the kernel's operations on it. */
export class SystemKernel {
  /** Order of H: m + n + 1. */
  readonly N: number;
  /** H = W⁻¹, N×N row-major. */
  readonly H: Float64Array;
  /** The scaled displacements s_k, one view of n doubles per point. */
  readonly rows: Float64Array[];
  /** The scaled point the next call reads (n doubles). */
  readonly t: Float64Array;
  /** σ_k and τ_k of the last `denominators` (m doubles each). */
  readonly sigma: Float64Array;
  readonly tau: Float64Array;
  /** The values F_k (m doubles), and a model's gradient (n) and Hessian (n×n) for `modelUpdate`. */
  readonly F: Float64Array;
  readonly g: Float64Array;
  readonly G: Float64Array;
  /** The geometry step's feasible scaled steps (n doubles each) and its best step (n doubles). */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly best: Float64Array;
  private readonly exports: KernelExports;
  private readonly at: {
    H: number; S: number; A: number; t: number; w: number; hw: number; v: number; h: number; sig: number; tau: number; r: number; coef: number;
    F: number; g: number; G: number; lo: number; hi: number; gt: number; u: number; d: number; fixed: number; best: number;
  };

  constructor(
    readonly n: number,
    readonly m: number,
  ) {
    const N = m + n + 1;
    this.N = N;
    const H = 0;
    const A = align16(H + 8 * N * N);
    const S = align16(A + 8 * N * N);
    const t = align16(S + 8 * m * n);
    const w = align16(t + 8 * n);
    const hw = align16(w + 8 * N);
    const v = align16(hw + 8 * N);
    const h = align16(v + 8 * N);
    const sig = align16(h + 8 * N);
    const tau = align16(sig + 8 * m);
    const r = align16(tau + 8 * m);
    const coef = align16(r + 8 * m);
    const F = align16(coef + 8 * N);
    const g = align16(F + 8 * m);
    const G = align16(g + 8 * n);
    const lo = align16(G + 8 * n * n);
    const hi = align16(lo + 8 * n);
    const gt = align16(hi + 8 * n);
    const u = align16(gt + 8 * n);
    const d = align16(u + 8 * n);
    const fixed = align16(d + 8 * n);
    const best = align16(fixed + 8 * n);
    const memory = kernelMemory(best + 8 * n);
    const { buffer } = memory;
    this.at = { H, S, A, t, w, hw, v, h, sig, tau, r, coef, F, g, G, lo, hi, gt, u, d, fixed, best };
    this.H = new Float64Array(buffer, H, N * N);
    this.rows = Array.from({ length: m }, (_, k) => new Float64Array(buffer, S + 8 * k * n, n));
    this.t = new Float64Array(buffer, t, n);
    this.sigma = new Float64Array(buffer, sig, m);
    this.tau = new Float64Array(buffer, tau, m);
    this.F = new Float64Array(buffer, F, m);
    this.g = new Float64Array(buffer, g, n);
    this.G = new Float64Array(buffer, G, n * n);
    this.lo = new Float64Array(buffer, lo, n);
    this.hi = new Float64Array(buffer, hi, n);
    this.best = new Float64Array(buffer, best, n);
    this.exports = instantiate(memory);
  }

  /** H = W⁻¹ for the current rows; false when a pivot falls below `relTol` times W's largest entry. */
  build(relTol: number): boolean {
    const { at, N, m, n } = this;
    return this.exports.build(at.H, at.S, at.A, N, m, n, relTol) === 1;
  }

  /** σ_k, τ_k (into `sigma`, `tau`) for the point `t`; returns β. */
  denominators(): number {
    const { at, N, m, n } = this;
    return this.exports.denominators(at.H, at.S, at.t, at.w, at.hw, at.sig, at.tau, N, m, n);
  }

  /** σ_knew alone for the point `t`. */
  sigmaAt(knew: number): number {
    const { at, N, m, n } = this;
    return this.exports.sigmaAt(at.H, at.S, at.t, at.w, at.hw, N, m, n, knew);
  }

  /** Replace point k by the point `t` (H by Powell's update); false, changing nothing, when σ is not safely positive. */
  update(k: number): boolean {
    const { at, N, m, n } = this;
    return this.exports.update(at.H, at.S, at.t, at.w, at.hw, at.v, at.h, N, m, n, k) === 1;
  }

  /**
   * The least Frobenius norm update of the model (g, G) centred at the base point for the values F
   * (interpolation.ts `updateModel`); g and G are updated in place, the new q0 returned.
   */
  modelUpdate(q0: number, scale: number): number {
    const { at, N, m, n } = this;
    return this.exports.modelUpdate(at.H, at.S, at.F, at.g, at.G, at.r, at.coef, N, m, n, q0, scale);
  }

  /**
   * The geometry step's search from point kopt for replacing point knew within the scaled radius
   * `rad` and the steps lo ≤ d ≤ hi: the best step into `best`, its |σ_knew| returned (−1 if none).
   */
  geometry(knew: number, kopt: number, rad: number): number {
    const { at, N, m, n } = this;
    return this.exports.geometry(at.H, at.S, at.t, at.w, at.hw, N, m, n, knew, kopt, at.lo, at.hi, rad, at.gt, at.u, at.d, at.fixed, at.best);
  }
}

/** Storage of the trust-region step for n variables: its inputs, result and scratch in one memory. */
class TrustRegionKernel {
  /** Inputs: the model's gradient g and Hessian G (n×n), the point x and the bounds. */
  readonly g: Float64Array;
  readonly G: Float64Array;
  readonly x: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** The step. */
  readonly d: Float64Array;
  private readonly exports: KernelExports;
  private readonly at: number[];

  constructor(readonly n: number) {
    // g, G, x, lower, upper, d, then the scratch gd, p, Gp, s, dF, Gd, Gs (n doubles each), fixed (n i32).
    const sizes = [n, n * n, n, n, n, n, n, n, n, n, n, n, n];
    const at: number[] = [];
    let next = 0;
    for (const size of sizes) {
      at.push(next);
      next = align16(next + 8 * size);
    }
    at.push(next);
    const memory = kernelMemory(next + 4 * n);
    const view = (i: number) => new Float64Array(memory.buffer, at[i], sizes[i]);
    [this.g, this.G, this.x, this.lower, this.upper, this.d] = [view(0), view(1), view(2), view(3), view(4), view(5)];
    this.at = at;
    this.exports = instantiate(memory);
  }

  /** The step for the inputs as set, into `d`; returns crvmin (trustRegion.ts). */
  step(delta: number): number {
    const a = this.at;
    return this.exports.trustRegion(a[0], a[1], a[2], a[3], a[4], delta, a[5], a[6], a[13], a[7], a[8], a[9], a[10], a[11], a[12], this.n);
  }
}

const trustRegionKernels = new Map<number, TrustRegionKernel>();

/** The trust-region kernel for n variables (one per n and thread, reused). */
export function trustRegionKernel(n: number): TrustRegionKernel {
  let kernel = trustRegionKernels.get(n);
  if (kernel === undefined) {
    kernel = new TrustRegionKernel(n);
    trustRegionKernels.set(n, kernel);
  }
  return kernel;
}
