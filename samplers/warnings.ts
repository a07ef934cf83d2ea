import type { ParamSummaryRow } from '../src/diagnostics/summarize.js';

/** A convergence warning (Vehtari et al. 2021, as Stan and R posterior advise). */
export interface SamplerWarning {
  /** Which check: R-hat, bulk-ESS or tail-ESS. */
  kind: 'rhat' | 'ess_bulk' | 'ess_tail';
  /** The threshold crossed: R-hat ≥ 1.01, or an ESS below 100 per chain. */
  threshold: number;
  /** Parameters that cross it. */
  count: number;
  /** The worst of them (up to five), worst first. */
  worst: { param: string; value: number }[];
  /** One line for a user: what is wrong, where, and what to do. */
  message: string;
}

/** R-hat at or above which the chains are taken not to agree (Vehtari et al. 2021, §4). */
export const rhatThreshold = 1.01;
/** Bulk- and tail-ESS per chain below which summaries are unreliable (Vehtari et al. 2021, §4). */
export const essPerChain = 100;

/**
 * The warnings of a run's summary: any R-hat ≥ 1.01, any bulk- or tail-ESS below 100 per chain,
 * each naming the worst parameters and advising more iterations (twice the run's, at least the
 * default 2000). Undefined statistics (null: a constant chain) are skipped.
 */
export function samplerWarnings(rows: readonly ParamSummaryRow[], settings: { chains: number; iter: number; warmup: number }): SamplerWarning[] {
  const out: SamplerWarning[] = [];
  const iter = Math.max(2 * settings.iter, 2000);
  const more = `run longer chains (e.g. --iter ${iter} --warmup ${Math.floor(iter / 2)}) and check the trace plots`;
  const total = rows.length;
  const check = (kind: SamplerWarning['kind'], threshold: number, bad: (v: number) => boolean, worse: (a: number, b: number) => number, what: string, advice: string) => {
    const hits = rows.filter((r) => r[kind] !== null && Number.isFinite(r[kind] as number) && bad(r[kind] as number)).map((r) => ({ param: r.param, value: r[kind] as number }));
    if (hits.length === 0) return;
    hits.sort((a, b) => worse(a.value, b.value) || (a.param < b.param ? -1 : 1));
    const worst = hits.slice(0, 5);
    const list = worst.map((h) => `${h.param} ${kind === 'rhat' ? h.value.toFixed(3) : h.value.toFixed(0)}`).join(', ');
    out.push({ kind, threshold, count: hits.length, worst, message: `${what} for ${hits.length} of ${total} parameters (worst: ${list}${hits.length > 5 ? ', ...' : ''}): ${advice}; ${more}.` });
  };
  const ess = essPerChain * settings.chains;
  check('rhat', rhatThreshold, (v) => v >= rhatThreshold, (a, b) => b - a, `R-hat >= ${rhatThreshold}`, 'the chains do not agree yet, so the posterior summaries cannot be trusted');
  check('ess_bulk', ess, (v) => v < ess, (a, b) => a - b, `bulk-ESS below ${ess} (${essPerChain} per chain)`, 'posterior means, medians and their MCSE are unreliable');
  check('ess_tail', ess, (v) => v < ess, (a, b) => a - b, `tail-ESS below ${ess} (${essPerChain} per chain)`, 'the 5% and 95% quantiles are unreliable');
  return out;
}
