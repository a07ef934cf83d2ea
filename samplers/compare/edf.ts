import type { LmmFit } from '../../src/fit/lmm.js';
import { BlockedCholesky } from '../../src/fit/blocked.js';
import { noPoolingDf, randomEffectsEdf, thetaFromPsi } from '../../src/fit/edf.js';
import type { ReTerm } from '../../src/model/model.js';
import type { SampleResult } from '../sample.js';
import { pooledDraws, posteriorInterval } from './posterior.js';

/**
 * Effective degrees of freedom of one random-effects term (seed 004, "Shrinkage and Random
 * Effects - EDF"): the term's share of the trace of the model's hat matrix beyond the fixed
 * effects, EDF_k = q_k·J_k − tr((M⁻¹)_kk) with M the penalised system of the fit (see
 * src/fit/edf.ts for the derivation). It accounts for the fixed effects being estimated: with an
 * intercept, a balanced random intercept has (n − 1)·r/(r + σ²/τ²), not the seed's n·r/(r + σ²/τ²)
 * (which is the model without fixed effects); a group-level predictor takes one more. The terms'
 * EDFs add up to tr(H) − p.
 */
export interface EdfRow {
  group: string;
  /** The term's columns (`(Intercept)`, `cses`). */
  columns: string[];
  nlevels: number;
  /** The no-pooling value rank[X Z_k] − rank X, which EDF reaches as Ψ_k → ∞ (≤ nlevels·q). */
  max: number;
  /** EDF at the exact fit's θ̂. */
  estimate: number;
  /** EDF over the posterior draws of (Ψ, σ²). */
  posteriorMean: number;
  q5: number;
  q95: number;
  /** Posterior draws the interval is computed from (evenly spaced over the pooled draws). */
  draws: number;
}

/** Most draws used for the posterior of the EDF. */
export const EDF_MAX_DRAWS = 1000;
/** Fewest, for a model whose dense crossed block makes each draw expensive. */
export const EDF_MIN_DRAWS = 100;
/** Work per EDF computation (floating-point operations) above which fewer draws are used. */
const EDF_WORK_BUDGET = 2e9;

/** Ψ of a term (q×q, row-major) from one draw of the sampler's lower-triangle parameters. */
function psiColumns(term: ReTerm): string[][] {
  return term.names.map((rn, r) => term.names.map((cn, c) => (r >= c ? `Psi[${term.group}][${rn},${cn}]` : `Psi[${term.group}][${cn},${rn}]`)));
}

/**
 * Draws to use: all up to {@link EDF_MAX_DRAWS}, fewer (down to {@link EDF_MIN_DRAWS}) when one
 * EDF costs much: its dominant part is the dense inverse of the crossed block of size m (m³/3).
 */
function drawCount(f: BlockedCholesky): number {
  const m = f.xOffset;
  const work = (m * m * m) / 3 + 1;
  return Math.max(EDF_MIN_DRAWS, Math.min(EDF_MAX_DRAWS, Math.floor(EDF_WORK_BUDGET / work)));
}

/** The EDF of every random-effects term (lme4 order), at the fit and over the posterior. */
export function edfRows(fit: LmmFit, sample: SampleResult): EdfRow[] {
  const { model } = fit;
  const { terms } = model;
  const qs = terms.map((t) => t.q);
  const factor = new BlockedCholesky(model.crossprod, terms);
  if (!factor.update(fit.theta)) throw new Error('EDF: the factor at the fit\'s θ is not positive definite');
  const estimate = randomEffectsEdf(factor);

  const sigma2 = pooledDraws(sample, 'sigma2');
  const step = Math.max(1, Math.ceil(sigma2.length / drawCount(factor)));
  const psiDraws = terms.map((term) => psiColumns(term).map((row) => row.map((name) => pooledDraws(sample, name))));
  const Psi = qs.map((q) => new Float64Array(q * q));
  const theta = new Float64Array(fit.theta.length);
  const values: number[][] = terms.map(() => []);
  for (let i = 0; i < sigma2.length; i += step) {
    terms.forEach((_, k) => {
      const q = qs[k];
      for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) Psi[k][r * q + c] = psiDraws[k][r][c][i];
    });
    if (!factor.update(thetaFromPsi(Psi, qs, sigma2[i], theta))) continue;
    randomEffectsEdf(factor).forEach((e, k) => values[k].push(e));
  }
  return terms.map((term, k) => ({
    group: term.group,
    columns: term.names,
    nlevels: term.nlevels,
    max: noPoolingDf(model, k),
    estimate: estimate[k],
    ...posteriorInterval(values[k]),
    draws: values[k].length,
  }));
}
