/**
 * The per-level loops of a Gibbs sweep in WebAssembly (levelKernel.wat), for a model with one
 * random-effects term of q = 2 (random intercepts and slopes, the common case): the factor of
 * (β, a)'s conditional precision and the draw from it (what `BlockedCholesky.update` and
 * `solve` do for such a model), the inverse-Wishart scale Σ_j a_j a_j', and the collapsed Ψ
 * step's partial residuals and likelihood.
 *
 * Why: in a fresh process (`lmm sample`) the same loops in JavaScript spent much of the run in
 * V8's interpreter and baseline tiers before the optimising compiler reached them; WebAssembly is
 * compiled before it runs. Same draws: each WebAssembly function does the same IEEE-754
 * operations in the same order as the JavaScript it replaces (correctly rounded, never fused),
 * and the small dense parts (the (p+1)×(p+1) Cholesky factor, β's back-substitution, every
 * logarithm) stay in JavaScript, with the same functions as before (the logarithm, elementary.ts
 * `log`, is itself WebAssembly, imported by the kernel)
 * (test/samplers/levelKernel.test.ts compares both paths bit for bit).
 */
import { backSolve, choleskyAuto } from '../src/linalg/dense.js';
import { align16, instantiateKernel, kernelMemory } from '../src/diagnostics/wasm.js';
import type { CrossProducts } from '../src/model/crossprod.js';
import { cos, exp, log, sin } from './elementary.js';
import type { CollapsedPrior } from './collapsed.js';
import { LEVEL_KERNEL_WASM } from './levelKernelWasm.js';
import { zigguratFromWord, zigguratTables } from './normal.js';
import { TwisterStream, type Rng } from './rng.js';

interface LevelExports {
  levels(J: number, P: number, l00: number, l10: number, l11: number, ztz: number, ztxy: number, L0: number, wxy: number, outer: number): number;
  draw(J: number, P: number, p: number, sigma: number, l00: number, l10: number, l11: number, L0: number, wxy: number, beta: number, z: number, u: number, b: number, s00: number, s01: number, s10: number, s11: number, out: number): number;
  normals(mt: number, index: number, k: number, w: number, z: number, n: number, state: number): number;
  loglik(J: number, c00: number, c10: number, c11: number, sigma2: number, ztz: number, rk: number, fresh: number, P: number, p: number, ztxy: number, beta: number): number;
  target(
    tuned: number, x0: number, x1: number, x2: number, sigma2: number, halfT: number, nu: number, A0: number, A1: number,
    ls00: number, ls01: number, ls10: number, ls11: number, J: number, ztz: number, rk: number, fresh: number, P: number, p: number, ztxy: number, beta: number,
  ): number;
}

/** Whether the kernel serves a model of these term shapes (one term, q = 2). */
export function levelKernelFits(shapes: readonly { q: number }[]): boolean {
  return shapes.length === 1 && shapes[0].q === 2;
}

/**
 * One instance (its own memory) per Gibbs kernel, for one term of q = 2 with J levels and p
 * fixed effects. Its views `z`, `b` and the rest are into the WebAssembly memory.
 */
export class LevelKernel {
  /** Normals of the (β, a) draw: 2J for the random effects, then p (written by the caller). */
  readonly z: Float64Array;
  private readonly J: number;
  private readonly p: number;
  private readonly P: number;
  private readonly exports: LevelExports;
  private readonly at: { ztz: number; ztxy: number; L0: number; wxy: number; beta: number; betaR: number; z: number; u: number; b: number; rk: number; out: number; scatter: number; mt: number; k: number; w: number; state: number };
  private readonly betaView: Float64Array;
  private readonly betaRView: Float64Array;
  /** The last `draw`'s scatter S + Σ_j b_j b_j' (4) and ||z||². */
  private readonly scatterView: Float64Array;
  /** Whether `logLikelihood` must first form the partial residuals (after `residuals`). */
  private fresh = 0;
  private readonly bView: Float64Array;
  private readonly out: Float64Array;
  /** The twister's words of the stream the kernel draws from (moved here; see `fillNormals`), and the normals' return slots (next index, twisted, stray word). */
  private readonly mt: Int32Array;
  private readonly state: Int32Array;
  /** The (p+1)×(p+1) dense rest of the factor (its lower triangle after `update`). */
  private readonly S: Float64Array;
  private readonly envelope: Int32Array;
  private readonly XytXy: Float64Array;
  /** Z'[X y] of the model and its copy in the kernel's memory (refreshed at every use: see `update`). */
  private readonly ZtXy: Float64Array;
  private readonly ztxyView: Float64Array;
  /** Λ of the last `update` (2×2 row-major, lower triangular). */
  private l00 = 0;
  private l10 = 0;
  private l11 = 0;

  constructor(crossprod: CrossProducts, nlevels: number) {
    const J = nlevels;
    const p = crossprod.p;
    const P = p + 1;
    this.J = J;
    this.p = p;
    this.P = P;
    const sizes = { ztz: 4 * J, ztxy: 2 * P * J, L0: 4 * J, wxy: 2 * P * J, beta: Math.max(p, 1), betaR: Math.max(p, 1), z: 2 * J + p, u: 2 * J, b: 2 * J, rk: 2 * J, out: (P * (P + 1)) / 2, scatter: 5, mt: 312, k: 128, w: 128, state: 2 };
    let bytes = 0;
    const at = {} as Record<keyof typeof sizes, number>;
    for (const key of Object.keys(sizes) as (keyof typeof sizes)[]) {
      at[key] = bytes;
      bytes += align16(8 * sizes[key]);
    }
    this.at = at;
    const memory = kernelMemory(bytes);
    this.exports = instantiateKernel<LevelExports>(LEVEL_KERNEL_WASM, memory, { ln: log, exp, cos, sin });
    const view = (key: keyof typeof sizes) => new Float64Array(memory.buffer, at[key], sizes[key]);
    view('ztz').set(crossprod.terms[0].ZtZ);
    this.ZtXy = crossprod.terms[0].ZtXy;
    this.ztxyView = view('ztxy');
    this.z = view('z');
    this.betaView = view('beta');
    this.betaRView = view('betaR');
    this.scatterView = view('scatter');
    this.bView = view('b');
    this.out = view('out');
    view('k').set(zigguratTables.k);
    view('w').set(zigguratTables.w);
    this.mt = new Int32Array(memory.buffer, at.mt, 624);
    this.state = new Int32Array(memory.buffer, at.state, 4);
    this.S = new Float64Array(P * P);
    this.envelope = new Int32Array(P);
    this.XytXy = crossprod.XytXy;
  }

  /**
   * Factor the conditional precision for Λ = chol(Ψ/σ²) (2×2, lower) and the [X y] block's
   * adjustment (β's prior, or null); false if it is not positive definite. The same arithmetic
   * as `BlockedCholesky.update` for one term of q = 2: the level blocks (`updateLevelsQ2`), then
   * the rest [X y]'[X y] (+ adjustment) − Σ_j WXy_j WXy_j' (`subtractXyOuter`) and its Cholesky
   * factor (`choleskyAuto`). Z'Z is copied once, at construction; Z'[X y] is copied from the
   * model's cross-products here and in `residuals` (a few KB), since the columns of y may change
   * between sweeps (the Geweke test draws a new y for each).
   */
  update(Lam: Float64Array, adjustment: Float64Array | null): boolean {
    const { J, P, at, S } = this;
    this.ztxyView.set(this.ZtXy);
    this.l00 = Lam[0];
    this.l10 = Lam[2];
    this.l11 = Lam[3];
    const ok = this.exports.levels(J, P, this.l00, this.l10, this.l11, at.ztz, at.ztxy, at.L0, at.wxy, at.out) === 1;
    S.fill(0);
    const X = this.XytXy;
    for (let a = 0; a < P; a++) for (let b = 0; b <= a; b++) S[a * P + b] = X[a * P + b] + (adjustment ? adjustment[a * P + b] : 0);
    const out = this.out;
    let t = 0;
    for (let a = 0; a < P; a++) for (let b = 0; b <= a; b++) S[a * P + b] -= out[t++];
    return ok && choleskyAuto(S, P, this.envelope);
  }

  /** Penalised residual sum of squares of the last `update`: the square of the factor's last diagonal element. */
  pwrss(): number {
    const r = this.S[this.P * this.P - 1];
    return r * r;
  }

  /**
   * The draw x = x̂ + σL^{-T}z with the normals in `z` (as `solve` with noise does): β into
   * `beta`, b = Λu into `b`; returns ||u||². `prior` (2×2) is the inverse-Wishart prior scale
   * for `scatter`.
   */
  draw(sigma: number, beta: Float64Array, b: Float64Array, prior: Float64Array): number {
    const { J, P, p, at, S, z } = this;
    const yRow = (P - 1) * P;
    const m0 = 2 * J;
    for (let a = 0; a < p; a++) beta[a] = S[yRow + a] * 1 + sigma * z[m0 + a];
    backSolve(S, p, beta, 0, 0, P);
    this.betaView.set(beta);
    const uu = this.exports.draw(J, P, p, sigma, this.l00, this.l10, this.l11, at.L0, at.wxy, at.beta, at.z, at.u, at.b, prior[0], prior[1], prior[2], prior[3], at.scatter);
    b.set(this.bView);
    return uu;
  }

  /** ||z||² of the last `draw`'s normals (summed in order). */
  get zz(): number {
    return this.scatterView[4];
  }

  /**
   * Fill `z` with standard normals from `rng`, the same draws (and the same
   * stream position after) as z_i = rng.normal() in order: for the twister of rng.ts the
   * ziggurat's rectangles (~99% of the normals) are drawn here, and every other normal is
   * finished by `zigguratFromWord` on the stream itself. The stream's words are moved into the
   * kernel's memory on first use (`TwisterStream.moveWords`), where both sides then use them.
   */
  fillNormals(rng: Rng): void {
    const { z, at } = this;
    const n = z.length;
    if (rng instanceof TwisterStream) {
      if (rng.words !== this.mt) rng.moveWords(this.mt);
      const state = this.state;
      for (let filled = 0; filled < n; ) {
        filled += this.exports.normals(at.mt, rng.position, at.k, at.w, at.z + 8 * filled, n - filled, at.state);
        rng.position = state[0];
        if (filled < n) z[filled++] = zigguratFromWord(rng, state[2]);
      }
    } else {
      for (let i = 0; i < n; i++) z[i] = rng.normal();
    }
  }

  /** The last `draw`'s prior + Σ_j b_j b_j' (2×2 row-major) into `out`. */
  scatter(out: Float64Array): void {
    for (let i = 0; i < 4; i++) out[i] = this.scatterView[i];
  }

  /**
   * The partial residuals Z_j'(y − Xβ) of the collapsed step (`partialResiduals` for the only
   * term) for the following `logLikelihood`s (formed by the first of them).
   */
  residuals(beta: Float64Array): void {
    this.ztxyView.set(this.ZtXy);
    this.betaRView.set(beta);
    this.fresh = 1;
  }

  /**
   * The collapsed step's log-likelihood of Ψ = CC' (C = [c00 0; c10 c11]) at the last
   * `residuals`, as `CollapsedPsi.logLikelihood` for q = 2 computes it (its logarithms by the
   * kernel's port of msun's log, the same bits as elementary.ts `log`).
   */
  logLikelihood(c00: number, c10: number, c11: number, sigma2: number): number {
    const { J, P, p, at } = this;
    const value = this.exports.loglik(J, c00, c10, c11, sigma2, at.ztz, at.rk, this.fresh, P, p, at.ztxy, at.betaR);
    this.fresh = 0;
    return value;
  }

  /**
   * `CollapsedPsi.logTarget` for q = 2 at `point` (x of `tunedOf` when `tuned`, else φ), at the
   * last `residuals`: the factor C of the point, the log prior of C (`psiPrior`; `LS` = chol of an
   * inverse-Wishart prior's scale), the log of the coordinates' Jacobian and the likelihood, in
   * one call, the same operations in the same order (elementary.wat's log, exp, cos and sin).
   */
  logTarget(point: Float64Array, tuned: boolean, sigma2: number, psiPrior: CollapsedPrior, LS: Float64Array): number {
    const { J, P, p, at } = this;
    const halfT = psiPrior.kind === 'halfT';
    const nu = halfT ? psiPrior.nu : psiPrior.df;
    const A = psiPrior.scale;
    const value = this.exports.target(
      tuned ? 1 : 0, point[0], point[1], point[2], sigma2, halfT ? 1 : 0, nu, halfT ? A[0] : 0, halfT ? A[1] : 0,
      LS[0], LS[1], LS[2], LS[3], J, at.ztz, at.rk, this.fresh, P, p, at.ztxy, at.betaR,
    );
    this.fresh = 0;
    return value;
  }

}
