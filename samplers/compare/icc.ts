import type { LmmFit } from '../../src/fit/lmm.js';
import type { MixedModel } from '../../src/model/model.js';
import type { SampleResult } from '../sample.js';
import type { LevelCrossProducts } from './levels.js';
import { pooledDraws, posteriorInterval } from './posterior.js';

/**
 * Intraclass correlation of one grouping factor in a random-intercept model (seed 004, eq. 1):
 * the correlation of two observations that share that level and no other,
 *
 *     ρ_g = τ_g² / (Σ_k τ_k² + σ²),
 *
 * which for a single grouping factor is the seed's τ²/(τ² + σ²).
 */
export interface IccRow {
  group: string;
  /** At the exact fit's variance components. */
  estimate: number;
  /** Over the posterior draws of (τ², σ²). */
  posteriorMean: number;
  q5: number;
  q95: number;
}

/**
 * A level's shrinkage weight for a random intercept (seed 004): w_j = τ²/(τ² + σ²/n_j), the
 * weight of the level's own mean against the population value in its eBLUP. In a model whose
 * only fixed effect is the intercept, the row's `shrinkage` in `groups` is exactly 1 − w_j.
 */
export interface ShrinkageWeightRow {
  group: string;
  level: string;
  n: number;
  weight: number;
}

/** Whether every random-effects term is a lone intercept, `(1 | g)`: the models with an ICC. */
export function isRandomIntercept(model: MixedModel): boolean {
  return model.terms.every((t) => t.q === 1 && t.names[0] === '(Intercept)');
}

const interceptVariance = (group: string) => `Psi[${group}][(Intercept),(Intercept)]`;

/** ICC of every grouping factor of a random-intercept model; an empty list for other models. */
export function iccRows(fit: LmmFit, sample: SampleResult): IccRow[] {
  const { terms } = fit.model;
  if (!isRandomIntercept(fit.model)) return [];
  const sigma2 = fit.sigma ** 2;
  const tau2 = terms.map((_, k) => fit.Psi[k][0]);
  const total = tau2.reduce((s, v) => s + v, sigma2);
  const sigma2Draws = pooledDraws(sample, 'sigma2');
  const tau2Draws = terms.map((t) => pooledDraws(sample, interceptVariance(t.group)));
  return terms.map((term, k) => {
    const draws = sigma2Draws.map((s, i) => tau2Draws[k][i] / tau2Draws.reduce((sum, d) => sum + d[i], s));
    return { group: term.group, estimate: tau2[k] / total, ...posteriorInterval(draws) };
  });
}

/**
 * Shrinkage weights τ²/(τ² + σ²/n_j) of every level of every `(1 | g)` term, at the exact fit.
 * n_j is the level's effective count s_j = Z_j'W Z_j from the fit's blocks: the row count without
 * weights, Σ w_i with prior weights, and 1'R_j⁻¹1 under a residual structure (the fit's blocks are
 * then the whitened ones, R_j = σ⁻²Var(e_j)). With V_j = σ²R_j + τ²11', the BLUP of an intercept
 * is τ²1'V_j⁻¹(y_j − μ_j) = w_j·(GLS mean of level j − μ_j) with w_j = τ²s_j/(σ² + τ²s_j)
 * (Woodbury), which reduces to the seed's formula when R_j = I. `n` stays the row count.
 */
export function shrinkageWeightRows(fit: LmmFit, cross: readonly LevelCrossProducts[]): ShrinkageWeightRow[] {
  const sigma2 = fit.sigma ** 2;
  return fit.model.terms.flatMap((term, k) => {
    if (term.q !== 1 || term.names[0] !== '(Intercept)') return [];
    const tau2 = fit.Psi[k][0];
    const ZtZ = fit.model.crossprod.terms[k].ZtZ;
    return term.levels.map((level, j) => {
      const s = ZtZ[j];
      return { group: term.group, level, n: cross[k].n[j], weight: (tau2 * s) / (sigma2 + tau2 * s) };
    });
  });
}
