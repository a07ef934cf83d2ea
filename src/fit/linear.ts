/**
 * The exact fit of a linear model (no random-effects terms) from its cross-products, as R's
 * `lm`: the null model of a likelihood-ratio test of a random intercept against no random term.
 * β̂ solves X'Xβ = X'y by Cholesky, RSS = y'y − β̂'X'y, and the ML log-likelihood is
 * −n/2·(log(2π·RSS/n) + 1) (R's `logLik.lm`, with Σ log w_i/2 for prior weights).
 */
import { LmmError } from '../errors.js';
import { backSolve, choleskyInPlace, forwardSolve } from '../linalg/dense.js';
import type { CrossProducts } from '../model/crossprod.js';
import type { MixedModel } from '../model/model.js';
import { toOriginalBeta } from '../model/reparam.js';

/** A fitted linear model: what a likelihood-ratio table needs of it. */
export class LinearFit {
  readonly method = 'ML' as const;
  readonly beta: Float64Array;
  /** ML estimate √(RSS/n) (R's `sigma(lm)` is √(RSS/(n − p))). */
  readonly sigma: number;
  readonly rss: number;
  readonly logLik: number;
  /** Parameters: p and σ. */
  readonly df: number;

  constructor(readonly model: MixedModel) {
    const { n, p } = model;
    const { beta, rss } = linearSolve(model.crossprod);
    this.rss = rss;
    this.beta = toOriginalBeta(model, beta);
    this.sigma = Math.sqrt(rss / n);
    this.logLik = linearLogLik(rss, n, model.logdetW);
    this.df = p + 1;
  }

  get formula(): string {
    return this.model.formula.text;
  }
  get AIC(): number {
    return -2 * this.logLik + 2 * this.df;
  }
  get BIC(): number {
    return -2 * this.logLik + Math.log(this.model.n) * this.df;
  }
}

/** −2·max log L of a linear model with residual sum of squares `rss` (weights: Σ log w_i = logdetW). */
export function linearLogLik(rss: number, n: number, logdetW = 0): number {
  return -0.5 * n * (Math.log((2 * Math.PI * rss) / n) + 1) + 0.5 * logdetW;
}

/** β̂ (in the cross-products' parametrisation) and the RSS from [X y]'[X y]. */
export function linearSolve(cp: CrossProducts): { beta: Float64Array; rss: number } {
  const { p } = cp;
  const P = p + 1;
  const L = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) L[a * p + b] = cp.XytXy[a * P + b];
  if (p > 0 && !choleskyInPlace(L, p)) throw new LmmError('model', 'the fixed-effects design of the linear model is singular');
  const Xty = Float64Array.from({ length: p }, (_, a) => cp.XytXy[a * P + p]);
  const z = Float64Array.from(Xty);
  if (p > 0) forwardSolve(L, p, z);
  let rss = cp.XytXy[p * P + p];
  for (const v of z) rss -= v * v;
  const beta = Float64Array.from(z);
  if (p > 0) backSolve(L, p, beta);
  return { beta, rss: Math.max(rss, 0) };
}
