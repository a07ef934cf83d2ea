/**
 * BOBYQA's loop and its interpolation system (bobyqa.ts, interpolation.ts) in WebAssembly
 * (interpolationKernel.wat): H, the scaled displacements s_k, the points, the quadratic model and
 * all scratch live in the kernel's memory, and the loop (trust-region steps, the geometry search,
 * Powell's update of H, building and inverting W, the model's least Frobenius norm update) runs
 * there, calling the objective back for each point.
 *
 * Why: in a fresh `lmm` process the optimiser's bookkeeping ran in V8's baseline tier, boxing every
 * intermediate double: about two thirds of sleepstudy's 18–25 ms ML fit (3 θ, 63 evaluations) and
 * more than half of the politeness slopes model's 85 ms (6 θ), where the same loops compiled ahead
 * of time take a millisecond or two. The kernel does what the JavaScript did,
 * step for step and operation for operation (see the .wat), so the optimiser's path and results
 * are unchanged bit for bit (the same evaluations, criteria and θ on every lme4 fixture fit).
 */
import { atan2, cos, hypot, sin } from '../../samplers/elementary.js';
import { align16, instantiateKernel, kernelMemory, type KernelMemory } from '../diagnostics/wasm.js';
import { INTERPOLATION_KERNEL_WASM } from './interpolationKernelWasm.js';

/** The kernel's imports: the engine-independent elementary functions (samplers/elementary.ts). */
const elementary = { cos, sin, atan2, hypot };

function instantiate(memory: KernelMemory, objective: (address: number) => number = () => NaN): KernelExports {
  return instantiateKernel<KernelExports>(INTERPOLATION_KERNEL_WASM, memory, { ...elementary, objective });
}

interface KernelExports {
  update: (H: number, S: number, t: number, w: number, hw: number, v: number, h: number, N: number, m: number, n: number, k: number) => number;
  build: (H: number, S: number, A: number, N: number, m: number, n: number, relTol: number) => number;
  geometry: (
    H: number, S: number, t: number, w: number, hw: number, N: number, m: number, n: number,
    knew: number, kopt: number, lo: number, hi: number, rad: number, gt: number, u: number, d: number, fixed: number, best: number,
  ) => number;
  setLayout: (table: number, n: number, maxEvaluations: number) => void;
  run: (f0: number, rhobeg: number, rhoend: number, ftolAbs: number, hasFtol: number) => number;
  evaluations: () => number;
  bestValue: () => number;
  stopReason: () => number;
}

/**
 * The kernel's regions, in the order of its `setLayout` table: name and size in doubles (m
 * points, n coordinates, N = m + n + 1). `tfixed` holds n i32.
 */
function regions(n: number, m: number, N: number): [string, number][] {
  return [
    ['H', N * N], ['S', m * n], ['A', N * N], ['t', n], ['w', N], ['hw', N], ['v', N], ['h', N], ['sig', m], ['tau', m], ['r', m], ['coef', N],
    ['F', m], ['g', n], ['G', n * n], ['lo', n], ['hi', n], ['gt', n], ['u', n], ['d', n], ['fixed', n], ['best', n],
    // the optimiser's loop: the points, the base point and model centre, scratch, the box, the trust region's scratch
    ['Y', m * n], ['base', n], ['center', n], ['gm', n], ['Gd', n], ['dv', n], ['xnew', n], ['xg', n], ['short', n], ['pts', 2 * n * n],
    ['x0', n], ['lower', n], ['upper', n], ['trD', n], ['tgd', n], ['tp', n], ['tGp', n], ['ts', n], ['tdF', n], ['tGd', n], ['tGs', n], ['tfixed', (n + 1) / 2],
  ];
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
  /** The geometry step's feasible scaled steps (n doubles each) and its best step (n doubles; also `run`'s best point). */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  readonly best: Float64Array;
  /** `run`'s starting point and bounds (n doubles each). */
  readonly x0: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  private readonly exports: KernelExports;
  private readonly at: Record<string, number>;
  private readonly table: number;

  /**
   * @param objective for `run`: the criterion at the n doubles at a byte address of `buffer`
   */
  constructor(
    readonly n: number,
    readonly m: number,
    objective: (address: number) => number = () => NaN,
  ) {
    const N = m + n + 1;
    this.N = N;
    const at: Record<string, number> = {};
    const list = regions(n, m, N);
    let next = 0;
    for (const [name, size] of list) {
      at[name] = next;
      next = align16(next + 8 * Math.ceil(size));
    }
    this.table = next;
    const memory = kernelMemory(next + 4 * list.length);
    const { buffer } = memory;
    new Int32Array(buffer, this.table, list.length).set(list.map(([name]) => at[name]));
    this.at = at;
    const view = (name: string, length: number) => new Float64Array(buffer, at[name], length);
    this.H = view('H', N * N);
    this.rows = Array.from({ length: m }, (_, k) => new Float64Array(buffer, at.S + 8 * k * n, n));
    this.t = view('t', n);
    this.lo = view('lo', n);
    this.hi = view('hi', n);
    this.best = view('best', n);
    this.x0 = view('x0', n);
    this.lower = view('lower', n);
    this.upper = view('upper', n);
    this.buffer = buffer;
    this.exports = instantiate(memory, objective);
  }

  /** The kernel's memory (for the objective's view of a point). */
  readonly buffer: ArrayBuffer;

  /** H = W⁻¹ for the current rows; false when a pivot falls below `relTol` times W's largest entry. */
  build(relTol: number): boolean {
    const { at, N, m, n } = this;
    return this.exports.build(at.H, at.S, at.A, N, m, n, relTol) === 1;
  }

  /** Replace point k by the point `t` (H by Powell's update); false, changing nothing, when σ is not safely positive. */
  update(k: number): boolean {
    const { at, N, m, n } = this;
    return this.exports.update(at.H, at.S, at.t, at.w, at.hw, at.v, at.h, N, m, n, k) === 1;
  }

  /**
   * The geometry step's search from point kopt for replacing point knew within the scaled radius
   * `rad` and the steps lo ≤ d ≤ hi: the best step into `best`, its |σ_knew| returned (−1 if none).
   */
  geometry(knew: number, kopt: number, rad: number): number {
    const { at, N, m, n } = this;
    return this.exports.geometry(at.H, at.S, at.t, at.w, at.hw, N, m, n, knew, kopt, at.lo, at.hi, rad, at.gt, at.u, at.d, at.fixed, at.best);
  }

  /**
   * The optimiser's loop (bobyqa.ts) from x0 with f(x0) = f0 (m must be 2n+1): 1 'rho reached
   * rhoend', 2 'ftolAbs reached', 0 stopped early (`stopReason`: 1 evaluations, 2 degenerate),
   * −1 the initial set degenerate. The best point is then in `best`.
   */
  run(f0: number, rhobeg: number, rhoend: number, maxEvaluations: number, ftolAbs: number | undefined): { code: number; evaluations: number; fval: number; stopReason: number } {
    const e = this.exports;
    e.setLayout(this.table, this.n, maxEvaluations);
    const code = e.run(f0, rhobeg, rhoend, ftolAbs ?? 0, ftolAbs === undefined ? 0 : 1);
    return { code, evaluations: e.evaluations(), fval: e.bestValue(), stopReason: e.stopReason() };
  }
}
