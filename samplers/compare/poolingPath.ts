import type { LmmFit } from '../../src/fit/lmm.js';
import { PoolingPath, type TermPooling } from '../../src/fit/pooling.js';
import type { SampleResult } from '../sample.js';
import { pooledDraws } from './posterior.js';

/** log10 of the smallest and largest finite multiplier c of Ψ̂ on the grid, and the step. */
export const PATH_LOG_RANGE = [-3, 3] as const;
export const PATH_LOG_STEP = 0.15;
/** Most posterior draws of the ratio kept for the picture (evenly spaced). */
export const PATH_MAX_DRAWS = 4000;

/**
 * One term's levels along the pooling path Ψ_k = c·Ψ̂_k (the other terms at their estimates), for
 * the report's explorer: c = 0 (complete pooling), c = 10^-3 … 10^3 (c = 1 the fit), c = ∞ (no
 * pooling), every level's coefficients at each c by the blocked solve the fit uses.
 */
export interface PoolingPathData {
  group: string;
  columns: string[];
  levels: string[];
  n: number[];
  /** Multipliers c of Ψ̂, increasing; the first is 0, the last Infinity (written as null in JSON). */
  multipliers: number[];
  /** Index of c = 1 (the exact fit). */
  estimateIndex: number;
  /** Per multiplier, the levels' coefficients level-major (nlevels×q); null where not identified. */
  coef: (number | null)[][];
  /** The variance ratio of the first column, τ̂²/σ̂², at the fit (c = 1). */
  ratio: number;
  /** Whether Ψ̂_k is singular (on the boundary): c·Ψ̂_k then never frees every direction, and the path jumps to no pooling at its end. */
  singular: boolean;
  /** Posterior draws of c = (τ²/σ²)/(τ̂²/σ̂²) for the first column (Psi[g][r,r]/sigma2 over the draws). */
  ratioDraws: number[];
}

const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(7)) : null);

/** The path of every term of a comparison's fit. */
export function poolingPathData(fit: LmmFit, sample: SampleResult, pooling: readonly TermPooling[]): PoolingPathData[] {
  const { model } = fit;
  const multipliers = [0];
  const [lo, hi] = PATH_LOG_RANGE;
  const steps = Math.round((hi - lo) / PATH_LOG_STEP);
  for (let i = 0; i <= steps; i++) multipliers.push(10 ** (lo + i * PATH_LOG_STEP));
  const estimateIndex = 1 + Math.round(-lo / PATH_LOG_STEP);
  multipliers[estimateIndex] = 1;
  multipliers.push(Infinity);
  const sigma2 = fit.sigma ** 2;
  const sigma2Draws = pooledDraws(sample, 'sigma2');
  return model.terms.map((term, k) => {
    const path = new PoolingPath(model, fit.theta, k, pooling[k].modifiers);
    const coef = multipliers.map((c) => {
      if (c === Infinity) return Array.from(pooling[k].ols ?? new Float64Array(term.nlevels * term.q).fill(NaN), round);
      if (c === 1) return Array.from(pooling[k].eblup, round);
      const at = path.at(Math.sqrt(c));
      return at ? Array.from(at.coef, round) : new Array<number | null>(term.nlevels * term.q).fill(null);
    });
    const first = term.names[0];
    const ratio = fit.Psi[k][0] / sigma2;
    const psi = pooledDraws(sample, `Psi[${term.group}][${first},${first}]`);
    const step = Math.max(1, Math.ceil(psi.length / PATH_MAX_DRAWS));
    const ratioDraws: number[] = [];
    // With τ̂² = 0 the draws are no multiple of it: none are kept (the explorer says so).
    if (ratio > 0) for (let i = 0; i < psi.length; i += step) ratioDraws.push(Number((psi[i] / sigma2Draws[i] / ratio).toPrecision(5)));
    return {
      group: term.group,
      columns: term.names,
      levels: term.levels,
      n: Array.from(term.levelCounts),
      multipliers,
      estimateIndex,
      coef,
      ratio,
      singular: isSingular(fit.Psi[k], term.q),
      ratioDraws,
    };
  });
}

/** Whether a q×q covariance is singular: a Cholesky pivot below 10^-4 of its column's SD. */
function isSingular(Psi: Float64Array, q: number): boolean {
  const L = new Float64Array(q * q);
  for (let r = 0; r < q; r++) {
    for (let c = 0; c <= r; c++) {
      let s = Psi[r * q + c];
      for (let m = 0; m < c; m++) s -= L[r * q + m] * L[c * q + m];
      if (r === c) {
        if (!(s > 1e-8 * Psi[r * q + r])) return true;
        L[r * q + r] = Math.sqrt(s);
      } else L[r * q + c] = s / L[c * q + c];
    }
  }
  return false;
}
