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
 * Draws of a level's coefficient β[term] + a[group][level,term] (β taken as 0 where the model
 * has no fixed effect of that name), pooled over chains.
 */
export function coefficientDraws(sample: SampleResult, group: string, level: string, term: string, hasFixed: boolean): Float64Array {
  const a = pooledDraws(sample, `a[${group}][${level},${term}]`);
  if (!hasFixed) return a;
  const beta = pooledDraws(sample, `beta[${term}]`);
  for (let i = 0; i < a.length; i++) a[i] += beta[i];
  return a;
}
