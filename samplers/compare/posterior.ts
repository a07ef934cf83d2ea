import { mean, quantile } from '../../src/diagnostics/stats.js';
import type { SampleResult } from '../sample.js';

/** Posterior mean and the 5% and 95% quantiles (R's type 7, as posterior's q5 and q95). */
export interface PosteriorInterval {
  posteriorMean: number;
  q5: number;
  q95: number;
}

/** Summarise pooled draws by their mean and 5%/95% quantiles. */
export function posteriorInterval(draws: ArrayLike<number>): PosteriorInterval {
  return { posteriorMean: mean(draws), q5: quantile(draws, 0.05), q95: quantile(draws, 0.95) };
}

/** Every chain's draws of one parameter, pooled chain after chain. */
export function pooledDraws(sample: SampleResult, param: string): Float64Array {
  const chains = sample.chainsOf(param);
  const out = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chains) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Draws of a level's coefficient: its fixed part Σ_c β_c·w_c (the columns that modify it, with
 * the level's multipliers; none where the model has no fixed effect for it) plus
 * a[group][level,term], pooled over chains.
 */
export function coefficientDraws(sample: SampleResult, group: string, level: string, term: string, fixedPart: readonly { name: string; w: number }[]): Float64Array {
  const a = pooledDraws(sample, `a[${group}][${level},${term}]`);
  for (const { name, w } of fixedPart) {
    if (w === 0) continue;
    const beta = pooledDraws(sample, `beta[${name}]`);
    for (let i = 0; i < a.length; i++) a[i] += w * beta[i];
  }
  return a;
}
