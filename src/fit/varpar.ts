/**
 * The criterion and Cov(β) as functions of the variance parameters φ = (θ, σ) with σ not
 * profiled out (lmerTest's `devfun_vp` and `get_covbeta`; Kuznetsova, Brockhoff & Christensen
 * 2017, sec. 3). For a factored θ (Bates et al. 2015, eqs. 32–41):
 *   ML:   d(θ, σ) = log|L_θ|² + r²_θ/σ² + n log(2πσ²)
 *   REML: d_R(θ, σ) = d(θ, σ) + log|R_X|² − p log(2πσ²)
 * and Cov(β)(θ, σ) = σ² (R_X'R_X)^{-1}, in the model's own parametrisation of β
 * (reparam.ts; det T = 1, so log|R_X|² is the same in both).
 * Constant terms (Σ log w_i with weights) are left out: only derivatives are taken.
 */
import type { MixedModel } from '../model/model.js';
import { toOriginalCovariance } from '../model/reparam.js';
import { BlockedCholesky } from './blocked.js';
import { fixedEffectsCovariance } from './solution.js';

/** d(θ, σ) and Cov(β)(θ, σ) on a blocked factor of their own. */
export class VarparFunctions {
  private readonly factor: BlockedCholesky;
  /** Number of θ elements (φ has one more, σ last). */
  readonly ntheta: number;

  constructor(readonly model: MixedModel, readonly reml: boolean) {
    this.factor = new BlockedCholesky(model.crossprod, model.terms);
    this.ntheta = this.factor.layout.length;
  }

  /** The criterion at φ = (θ, σ); Infinity where the factor fails or σ ≤ 0. */
  deviance(varpar: ArrayLike<number>): number {
    const { n, p } = this.model;
    const sigma = varpar[this.ntheta];
    if (!(sigma > 0) || !this.factor.update(Array.from(varpar).slice(0, this.ntheta))) return Infinity;
    const sigma2 = sigma * sigma;
    const ml = this.factor.logdetL() + this.factor.pwrss() / sigma2 + n * Math.log(2 * Math.PI * sigma2);
    return this.reml ? ml + this.factor.logdetRX() - p * Math.log(2 * Math.PI * sigma2) : ml;
  }

  /** Cov(β) at φ = (θ, σ), p×p row-major (NaN where the factor fails). */
  covBeta(varpar: ArrayLike<number>): Float64Array {
    const p = this.model.p;
    const sigma = varpar[this.ntheta];
    if (!this.factor.update(Array.from(varpar).slice(0, this.ntheta))) return new Float64Array(p * p).fill(NaN);
    return toOriginalCovariance(this.model, fixedEffectsCovariance(this.factor).map((v) => v * sigma * sigma));
  }
}
