import type * as aq from 'arquero';
import { LmmError } from '../errors.js';
import { buildModel, type MixedModel } from '../model/model.js';
import { chisqUpper } from '../stats/chisq.js';
import { bootstrapLrt } from './bootstrap/lrt.js';
import { LinearFit } from './linear.js';
import { fitModel, LmmFit } from './lmm.js';

/** One row of a likelihood-ratio table (lme4's `anova(m0, m1)`). */
export interface AnovaRow {
  formula: string;
  npar: number;
  AIC: number;
  BIC: number;
  logLik: number;
  deviance: number;
  Chisq: number | null;
  Df: number | null;
  p: number | null;
  /** p-value from the boundary-corrected χ² mixture, where it applies; otherwise null. */
  pBoundary: number | null;
  /** Parametric-bootstrap p-value (with `bootstrap`): (1 + #{LRT* ≥ Chisq})/(N + 1); otherwise null. */
  pBootstrap: number | null;
}

export interface AnovaResult {
  /** Whether REML fits were refitted by ML (lme4's `refit = TRUE`). */
  refitML: boolean;
  models: AnovaRow[];
  /** Linear models (formulas without random-effects terms) are fitted exactly as `lm`. */
  fits: (LmmFit | LinearFit)[];
  /** Replicates and seed of the bootstrap p-values, when asked for. */
  bootstrap?: { n: number; seed: number };
}

export interface AnovaOptions {
  /**
   * Compare ML fits (default, as lme4). With false the REML fits are compared as they are,
   * which is valid only for models with the same fixed effects (checked).
   */
  refit?: boolean;
  /** Prior weights for every model: a column name or one value per table row (lme4's `weights =`). */
  weights?: string | ArrayLike<number>;
  /**
   * Also a parametric-bootstrap p-value for each row (pbkrtest's `PBmodcomp`), from `n`
   * replicates simulated from the smaller model (which must be nested in the larger).
   */
  bootstrap?: { n: number; seed: number };
}

/**
 * Likelihood-ratio comparison of models fitted to the same rows, in the order given: each row
 * is tested against the previous one. Models are fitted by ML unless `refit` is false.
 */
export function anova(table: aq.ColumnTable, formulas: readonly string[], options: AnovaOptions = {}): AnovaResult {
  if (formulas.length < 2) throw new LmmError('option', 'anova needs at least two formulas (--formula twice)');
  const refit = options.refit ?? true;
  const models = formulas.map((f) => buildModel(table, f, { weights: options.weights, linear: true }));
  checkSameRows(models);
  if (!refit) checkSameFixed(models);
  if (models.every((m) => m.terms.length === 0)) throw new LmmError('option', 'anova needs at least one model with random-effects terms (the others may be linear models)');
  if (!refit && models.some((m) => m.terms.length === 0)) throw new LmmError('option', 'a linear model is compared by its ML fit; leave out --no-refit');
  const fits = models.map((m) => (m.terms.length === 0 ? new LinearFit(m) : fitModel(m, { reml: !refit })));
  const rows: AnovaRow[] = fits.map((fit, i) => {
    const deviance = -2 * fit.logLik;
    const row: AnovaRow = { formula: fit.formula, npar: fit.df, AIC: fit.AIC, BIC: fit.BIC, logLik: fit.logLik, deviance, Chisq: null, Df: null, p: null, pBoundary: null, pBootstrap: null };
    if (i > 0) {
      const previous = fits[i - 1];
      const Df = fit.df - previous.df;
      // lme4 reports the deviance difference of the larger minus the smaller model, never negative.
      const Chisq = Math.max(0, Df >= 0 ? -2 * previous.logLik - deviance : deviance + 2 * previous.logLik);
      row.Chisq = Chisq;
      row.Df = Df;
      row.p = Df === 0 ? null : chisqUpper(Chisq, Math.abs(Df));
      const mixture = Df >= 0 ? boundaryMixture(models[i - 1], models[i]) : boundaryMixture(models[i], models[i - 1]);
      row.pBoundary = mixture ? 0.5 * chisqUpper(Chisq, mixture[0]) + 0.5 * chisqUpper(Chisq, mixture[1]) : null;
      if (options.bootstrap && Df !== 0) {
        const [small, large] = Df > 0 ? [previous, fit] : [fit, previous];
        if (!(large instanceof LmmFit)) throw new LmmError('option', `--bootstrap: the larger model '${large.formula}' has no random-effects terms`);
        if (!refit) throw new LmmError('option', '--bootstrap compares ML fits; leave out --no-refit');
        row.pBootstrap = bootstrapLrt(small, large, Chisq, options.bootstrap).p;
      }
    }
    return row;
  });
  return { refitML: refit, models: rows, fits, ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}) };
}

function checkSameRows(models: MixedModel[]): void {
  const n = models[0].n;
  for (const m of models.slice(1)) {
    if (m.n !== n) throw new LmmError('model', `models were fitted to different numbers of rows (${n} and ${m.n}) after dropping missing values; compare models on the same rows`);
  }
}

function checkSameFixed(models: MixedModel[]): void {
  const names = models[0].fixefNames.join('\u0000');
  for (const m of models.slice(1)) {
    if (m.fixefNames.join('\u0000') !== names) {
      throw new LmmError('option', 'REML likelihoods of models with different fixed effects are not comparable; compare ML fits (leave out --no-refit)');
    }
  }
}

/** A term's identity for matching terms across models: group and its columns. */
const termKey = (t: { group: string; names: string[] }) => `${t.group}|${t.names.join(',')}`;

/**
 * Where the larger model adds one random effect to one term (one more column in a correlated
 * term, or a new one-column term) and is otherwise identical, the LRT statistic follows
 * ½χ²_q + ½χ²_{q+1} under the null, q being the number of covariance parameters that do not sit
 * on the boundary (Self & Liang 1987; Stram & Lee 1994). Returns the two degrees of freedom.
 */
function boundaryMixture(small: MixedModel, large: MixedModel): [number, number] | null {
  if (small.fixefNames.join('\u0000') !== large.fixefNames.join('\u0000')) return null;
  const smallKeys = small.terms.map(termKey);
  const unmatched = large.terms.filter((t) => {
    const k = smallKeys.indexOf(termKey(t));
    if (k >= 0) smallKeys.splice(k, 1);
    return k < 0;
  });
  if (unmatched.length !== 1) return null;
  const added = unmatched[0];
  if (smallKeys.length === 0) {
    // A new term: only a single variance (q = 1) gives the simple mixture ½χ²_0 + ½χ²_1.
    return added.q === 1 ? [0, 1] : null;
  }
  if (smallKeys.length !== 1) return null;
  const replaced = small.terms.find((t) => termKey(t) === smallKeys[0]);
  if (!replaced || replaced.group !== added.group || added.q !== replaced.q + 1) return null;
  if (!replaced.names.every((name) => added.names.includes(name))) return null;
  // One new random effect with its covariances with the q existing ones: q + 1 new parameters.
  return [replaced.q, replaced.q + 1];
}
