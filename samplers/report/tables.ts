import * as aq from 'arquero';
import type { Comparison } from '../compare/compare.js';

/** Fixed effects of the exact fit beside their posterior mean and 90% interval. */
export function fixedEffectsTable(comparison: Comparison): aq.ColumnTable {
  const { fit, sample } = comparison;
  const summary = new Map(sample.summary().map((r) => [r.param, r]));
  const stderr = fit.stderr;
  return aq.from(
    fit.model.fixefNames.map((name, j) => {
      const s = summary.get(`beta[${name}]`);
      return { term: name, estimate: fit.beta[j], stderr: stderr[j], posteriorMean: s?.mean ?? null, q5: s?.q5 ?? null, q95: s?.q95 ?? null };
    }),
  );
}

/** Variance components of the exact fit (R's `as.data.frame(VarCorr(fit))`). */
export function varCorrTable(comparison: Comparison): aq.ColumnTable {
  return aq.from(comparison.fit.varcorr);
}

/** Fit statistics: method, nobs, logLik, AIC, BIC, singular, converged. */
export function fitStatisticsTable(comparison: Comparison): aq.ColumnTable {
  const { fit } = comparison;
  return aq.from([{ method: fit.method, nobs: fit.nobs, logLik: fit.logLik, AIC: fit.AIC, BIC: fit.BIC, singular: String(fit.singular), converged: String(fit.converged) }]);
}

/** Posterior summaries of β, σ² and Ψ (the random effects themselves are in the groups table). */
export function hyperparameterSummaryTable(comparison: Comparison): aq.ColumnTable {
  return aq.from(comparison.sample.summary().filter((r) => !r.param.startsWith('a[')));
}
