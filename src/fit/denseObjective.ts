/**
 * The optimiser's criterion for small models, factored in WebAssembly (denseKernel.wat).
 *
 * Why: a fit of a small model (Dyestuff, sleepstudy, Penicillin, the politeness models: at most
 * a few dozen random effects) evaluates the criterion 20 to 160 times, a few microseconds of
 * arithmetic each. In a fresh `lmm` process the blocked factor (blocked.ts) ran those evaluations
 * in V8's baseline tier, boxing every intermediate double, before the optimising compiler had
 * caught up: a fresh fit of Penicillin took 17–23 ms against 2 ms once warm, and of the
 * politeness slopes model's 85 ms the evaluations and the check's analytic gradient were about
 * 45% (the optimiser's bookkeeping, most of the rest, is WebAssembly too: interpolationKernel.ts).
 * WebAssembly is compiled before its first call. The check takes finite differences of this
 * criterion (lmm.ts), cheaper here than the blocked factor's gradient in JavaScript.
 *
 * The mathematics is the blocked factor's (Bates et al. 2015, eqs. 18, 34 and 41), written
 * densely: C = [Λ'A_ZZΛ + I, ·; A_[Xy]ZΛ, A_[Xy][Xy]] from the cross-products A of [Z X y], its
 * Cholesky factor L, then log|L_θ|², log|R_X|² and the penalised residual sum of squares from
 * L's diagonal. The two routes agree to rounding (test/fit/denseObjective.test.ts). Only the
 * optimiser's evaluations use it; the fit's results come from the blocked factor at θ̂.
 */
import { log } from '../../samplers/elementary.js';
import { align16, instantiateKernel, kernelMemory } from '../diagnostics/wasm.js';
import type { CrossProducts } from '../model/crossprod.js';
import { DENSE_KERNEL_WASM } from './denseKernelWasm.js';
import type { BlockShape } from './blocked.js';
import type { ThetaLayout } from './theta.js';

/**
 * Largest order D = q + p + 1 of C factored densely: D³/6 ≈ 44,000 multiply–adds at 64, tens of
 * microseconds; beyond it the blocked factor's use of the sparsity wins once V8 has optimised it.
 */
export const denseObjectiveMaxOrder = 64;

interface DenseExports {
  criterion: (a: number, c: number, t: number, cp: number, ri: number, ti: number, v: number, th: number, D: number, q: number, n: number, p: number, reml: number) => number;
}

/** The criterion of one model, evaluated by the dense WebAssembly kernel. */
export class DenseObjective {
  /** Order of C: random effects, fixed effects, the response. */
  readonly D: number;
  /** Random effects (columns of Λ). */
  readonly q: number;
  private readonly exports: DenseExports;
  private readonly at: { a: number; c: number; t: number; cp: number; ri: number; ti: number; v: number; th: number };
  private readonly theta: Float64Array;

  private constructor(
    readonly n: number,
    readonly p: number,
    A: Float64Array,
    colPtr: Int32Array,
    rowIndex: Int32Array,
    thetaIndex: Int32Array,
    thetaLength: number,
  ) {
    const D = p + 1 + colPtr.length - 1;
    const q = colPtr.length - 1;
    const nnz = rowIndex.length;
    this.D = D;
    this.q = q;
    const a = 0;
    const c = align16(a + 8 * D * D);
    const t = align16(c + 8 * D * D);
    const cp = align16(t + 8 * q * D);
    const ri = align16(cp + 4 * (q + 1));
    const ti = align16(ri + 4 * nnz);
    const v = align16(ti + 4 * nnz);
    const th = align16(v + 8 * nnz);
    const memory = kernelMemory(th + 8 * thetaLength);
    new Float64Array(memory.buffer, a, D * D).set(A);
    new Int32Array(memory.buffer, cp, q + 1).set(colPtr);
    new Int32Array(memory.buffer, ri, nnz).set(rowIndex);
    new Int32Array(memory.buffer, ti, nnz).set(thetaIndex);
    this.at = { a, c, t, cp, ri, ti, v, th };
    this.theta = new Float64Array(memory.buffer, th, thetaLength);
    this.exports = instantiateKernel<DenseExports>(DENSE_KERNEL_WASM, memory, { ln: log });
  }

  /**
   * The dense criterion for a model's cross-products and terms (θ laid out by `layout`, as the
   * blocked factor's), or undefined when C's order exceeds `maxOrder`.
   */
  static plan(crossprod: CrossProducts, shapes: readonly BlockShape[], layout: ThetaLayout, maxOrder = denseObjectiveMaxOrder): DenseObjective | undefined {
    const P = crossprod.p + 1;
    const offset: number[] = [];
    let q = 0;
    for (const s of shapes) {
      offset.push(q);
      q += s.q * s.nlevels;
    }
    const D = q + P;
    if (D > maxOrder) return undefined;
    const A = new Float64Array(D * D);
    const put = (i: number, j: number, value: number) => {
      A[i * D + j] = value;
      A[j * D + i] = value;
    };
    shapes.forEach((s, k) => {
      const { ZtZ, ZtXy } = crossprod.terms[k];
      for (let j = 0; j < s.nlevels; j++) {
        const row = offset[k] + j * s.q;
        for (let r = 0; r < s.q; r++) {
          for (let c = 0; c <= r; c++) put(row + r, row + c, ZtZ[j * s.q * s.q + r * s.q + c]);
          for (let c = 0; c < P; c++) put(row + r, q + c, ZtXy[j * s.q * P + r * P + c]);
        }
      }
      // Z_l'Z_k for l > k, compressed by the level of term k.
      for (let l = k + 1; l < shapes.length; l++) {
        const ql = shapes[l].q;
        const { colPtr, rowLevel, values } = crossprod.cross[l][k];
        for (let j = 0; j < s.nlevels; j++) {
          for (let e = colPtr[j]; e < colPtr[j + 1]; e++) {
            for (let r = 0; r < ql; r++) {
              for (let c = 0; c < s.q; c++) put(offset[l] + rowLevel[e] * ql + r, offset[k] + j * s.q + c, values[e * ql * s.q + r * s.q + c]);
            }
          }
        }
      }
    });
    for (let r = 0; r < P; r++) for (let c = 0; c <= r; c++) put(q + r, q + c, crossprod.XytXy[r * P + c]);
    // Λ by columns: term k's level j, column c holds rows c..q_k−1 of the level's block, whose
    // θ elements follow `lambdaOf`'s order (columns of the lower triangle in turn).
    const colPtr = new Int32Array(q + 1);
    const rowIndex: number[] = [];
    const thetaIndex: number[] = [];
    shapes.forEach((s, k) => {
      for (let j = 0; j < s.nlevels; j++) {
        let t = layout.offset[k];
        for (let c = 0; c < s.q; c++) {
          const column = offset[k] + j * s.q + c;
          for (let r = c; r < s.q; r++) {
            rowIndex.push(offset[k] + j * s.q + r);
            thetaIndex.push(t++);
          }
          colPtr[column + 1] = rowIndex.length;
        }
      }
    });
    return new DenseObjective(crossprod.n, crossprod.p, A, colPtr, Int32Array.from(rowIndex), Int32Array.from(thetaIndex), layout.length);
  }

  /**
   * The profiled deviance (ML) or REML criterion at θ, before the prior weights' log-determinant
   * (as BlockedCholesky.evaluate); Infinity where C is not positive definite.
   */
  evaluate(theta: ArrayLike<number>, reml: boolean): number {
    const { D, q, at, n, p } = this;
    this.theta.set(theta);
    return this.exports.criterion(at.a, at.c, at.t, at.cp, at.ri, at.ti, at.v, at.th, D, q, n, p, reml ? 1 : 0);
  }
}
