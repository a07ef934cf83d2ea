import { Matrix, solve } from 'ml-matrix';
import type { LmmFit } from '../../src/fit/lmm.js';
import type { ReTerm } from '../../src/model/model.js';
import type { SampleResult } from '../sample.js';
import type { LevelCrossProducts } from './levels.js';
import { pooledDraws, posteriorInterval } from './posterior.js';

/**
 * Effective degrees of freedom of one random-effects term (seed 004, "Shrinkage and Random
 * Effects - EDF"), the trace of the term's hat matrix given σ² and Ψ:
 *
 *     EDF = tr[Z (Z'Z + σ² Ψ⁻¹ ⊗ I)⁻¹ Z'] = Σ_j tr[(Ψ A_j + σ² I)⁻¹ Ψ A_j],   A_j = Z_j'Z_j,
 *
 * the second form needing no Ψ⁻¹, so it holds on the boundary (singular Ψ) too. It runs from 0
 * (everything shrunk to the population value) to nlevels·q (no shrinkage: the levels' own
 * least squares). For a random intercept it is Σ_j n_j/(n_j + σ²/τ²), the sum of the levels'
 * shrinkage weights, and with r rows in each of n levels the seed's n·r/(r + σ²/τ²). Each term is
 * taken on its own (the other terms and the fixed effects held at their values), which for a
 * model with one random-effects term is the seed's definition exactly.
 */
export interface EdfRow {
  group: string;
  /** The term's columns (`(Intercept)`, `cses`). */
  columns: string[];
  nlevels: number;
  /** Upper bound nlevels·q: the degrees of freedom of unshrunk per-level coefficients. */
  max: number;
  /** EDF at the exact fit's Ψ̂ and σ̂². */
  estimate: number;
  /** EDF over the posterior draws of (Ψ, σ²). */
  posteriorMean: number;
  q5: number;
  q95: number;
}

/** Most draws used for the posterior of the EDF (evenly spaced over the pooled draws). */
export const EDF_MAX_DRAWS = 1000;

/** The EDF of a term with per-level cross-products `cross` at Ψ (q×q row-major) and σ². */
export function termEdf(cross: LevelCrossProducts, Psi: ArrayLike<number>, sigma2: number): number {
  const { q, n, ZtZ } = cross;
  let edf = 0;
  if (q === 1) {
    for (let j = 0; j < n.length; j++) {
      const s = Psi[0] * ZtZ[j];
      edf += s / (s + sigma2);
    }
    return edf;
  }
  const P = new Matrix(q, q);
  for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) P.set(r, c, Psi[r * q + c]);
  for (let j = 0; j < n.length; j++) {
    const A = new Matrix(q, q);
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) A.set(r, c, ZtZ[j * q * q + r * q + c]);
    const PA = P.mmul(A);
    const M = PA.clone();
    for (let r = 0; r < q; r++) M.set(r, r, M.get(r, r) + sigma2);
    edf += solve(M, PA).trace();
  }
  return edf;
}

/** Ψ of a term (q×q, row-major) from one draw of the sampler's lower-triangle parameters. */
function psiColumns(term: ReTerm): string[][] {
  return term.names.map((rn, r) => term.names.map((cn, c) => (r >= c ? `Psi[${term.group}][${rn},${cn}]` : `Psi[${term.group}][${cn},${rn}]`)));
}

/** The EDF of every random-effects term (lme4 order), at the fit and over the posterior. */
export function edfRows(fit: LmmFit, sample: SampleResult, cross: readonly LevelCrossProducts[]): EdfRow[] {
  const sigma2 = pooledDraws(sample, 'sigma2');
  const step = Math.max(1, Math.ceil(sigma2.length / EDF_MAX_DRAWS));
  return fit.model.terms.map((term, k) => {
    const { q } = term;
    const names = psiColumns(term);
    const psiDraws = names.map((row) => row.map((name) => pooledDraws(sample, name)));
    const values: number[] = [];
    const Psi = new Float64Array(q * q);
    for (let i = 0; i < sigma2.length; i += step) {
      for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) Psi[r * q + c] = psiDraws[r][c][i];
      values.push(termEdf(cross[k], Psi, sigma2[i]));
    }
    return {
      group: term.group,
      columns: term.names,
      nlevels: term.nlevels,
      max: term.nlevels * q,
      estimate: termEdf(cross[k], fit.Psi[k], fit.sigma ** 2),
      ...posteriorInterval(values),
    };
  });
}
