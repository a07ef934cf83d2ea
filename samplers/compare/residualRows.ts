/**
 * The residual structure's parameters (ρ, each stratum's σ, or σ alone) side by side: the exact
 * fit's REML/ML estimate and the posterior's summary, for the text of `lmm compare` and the report.
 */
import type { LmmFit } from '../../src/fit/lmm.js';
import type { SampleResult } from '../sample.js';

/** One residual-structure parameter: the exact estimate, its draws and their summary. */
export interface ResidualParameterRow {
  param: string;
  estimate: number;
  chains: Float64Array[];
  posteriorMean: number | null;
  median: number | null;
  q2_5: number;
  q97_5: number;
  rhat: number | null;
  ess_bulk: number | null;
}

/** Linear interpolation between order statistics (R's quantile type 7) of sorted values. */
export function sortedQuantile(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The rows of a fit with a residual structure (none without one), ρ first, then the σ's. */
export function residualParameterRows(fit: LmmFit, sample: SampleResult): ResidualParameterRow[] {
  const r = fit.residualEstimates;
  if (!r) return [];
  const items: { param: string; estimate: number }[] = [];
  if (r.rho !== null) items.push({ param: 'rho', estimate: r.rho });
  for (const s of r.strata ?? []) items.push({ param: `sigma[${s.level}]`, estimate: s.sigma });
  if (!r.strata) items.push({ param: 'sigma', estimate: fit.sigma });
  const summary = sample.summary();
  return items.map(({ param, estimate }) => {
    const chains = sample.chainsOf(param);
    const all = Float64Array.from(chains.flatMap((c) => Array.from(c))).sort();
    const row = summary.find((x) => x.param === param);
    return { param, estimate, chains, posteriorMean: row?.mean ?? null, median: row?.median ?? null, q2_5: sortedQuantile(all, 0.025), q97_5: sortedQuantile(all, 0.975), rhat: row?.rhat ?? null, ess_bulk: row?.ess_bulk ?? null };
  });
}
