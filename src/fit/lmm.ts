import { toTable, type DataInput } from '../data/input.js';
import { LmmError } from '../errors.js';
import { buildModel, modelRows, type MixedModel } from '../model/model.js';
import { toOriginalBeta, toOriginalCovariance } from '../model/reparam.js';
import { DenseObjective } from './denseObjective.js';
import { BlockedCholesky } from './blocked.js';
import { thetaLayout } from './theta.js';
import { criterionGradient } from './gradient.js';
import { parseResidualSpec } from '../model/residuals.js';
import { fitWithResiduals, type ResidualEstimates } from './residualFit.js';
import { confint, type ConfintOptions, type ConfintRow } from './confint.js';
import { optimizeTheta, type OptimizationSummary } from './optimize.js';
import { kenwardRogerBasis, kenwardRogerCoefficients, kenwardRogerFTest, type KenwardRogerBasis } from './kenwardRoger.js';
import { typeIIIContrasts } from './contrasts.js';
import { predict, type PredictOptions } from './predict.js';
import { anovaTable, coefficientTable, satterthwaiteBasis, type CoefficientRow, type FTest, type SatterthwaiteBasis } from './satterthwaite.js';
import { conditionalVariances, fixedEffectsCovariance, solve } from './solution.js';
import { varCorr, type VarCorrRow } from './varcorr.js';

/** Options of an exact fit. */
export interface FitOptions {
  /** REML (default, as lme4) or ML. */
  reml?: boolean;
  /** Prior weights: a column name or one value per table row (lme4's `weights =`; `fitLmm` only). */
  weights?: string | ArrayLike<number>;
  /**
   * A residual structure (`fitLmm` only): `'ar1(time | g)'`, `'var(stratum)'` or both joined by
   * `+` (nlme's corAR1 and varIdent; src/model/residuals.ts).
   */
  residuals?: string;
}

export type { OptimizationSummary } from './optimize.js';

/** How denominator df are found: lmerTest's `ddf` ("Satterthwaite" or "Kenward-Roger"). */
export type DdfMethod = 'satterthwaite' | 'kenward-roger';

/** Conditional modes (eBLUPs) and conditional SDs of one random-effects column. */
export interface RanefEntry {
  group: string;
  term: string;
  levels: string[];
  condval: number[];
  condsd: number[];
}

/** θ at or below this on a diagonal counts as on the boundary (lme4's `isSingular` tolerance). */
const singularTolerance = 1e-4;

/** An exact REML/ML fit of a linear mixed model. */
export class LmmFit {
  readonly method: 'REML' | 'ML';
  /** Fixed effects in model-matrix column order. */
  readonly beta: Float64Array;
  readonly theta: Float64Array;
  readonly sigma: number;
  /** Covariance matrix of β, p×p row-major. */
  readonly vcov: Float64Array;
  /** Per term (lme4 order): Ψ_k = σ²Λ_kΛ_k', q×q row-major. */
  readonly Psi: Float64Array[];
  /** Per term: conditional modes b, level-major (level j, column r at j*q + r). */
  readonly b: Float64Array[];
  /**
   * Per term: conditional covariance blocks of b, level-major q×q. Computed on first use, as
   * lme4's `ranef(condVar = TRUE)` after `lmer` (for a large crossed rest it costs as much as a
   * dense factorisation).
   */
  get condVar(): Float64Array[] {
    this.condVarCache ??= conditionalVariances(this.factor, this.sigma * this.sigma);
    return this.condVarCache;
  }
  private condVarCache: Float64Array[] | undefined;
  /** The criterion minimised: REML criterion or deviance (−2 log L). */
  readonly objective: number;
  readonly logLik: number;
  readonly df: number;
  readonly singular: boolean;
  readonly converged: boolean;
  readonly optimization: OptimizationSummary;
  /** Wall-clock milliseconds of the fit (model building, optimisation, results). */
  fitMillis: number;

  /**
   * @param factor the blocked factor the fit keeps for its results: updated here at the final θ
   *   and not shared with anything else afterwards.
   */
  /** The residual structure's estimates (ρ, variances per stratum) when fitted with one (residualFit.ts). */
  residualEstimates?: ResidualEstimates;

  /**
   * @param extraParameters parameters beyond β, θ and σ (a residual structure's), counted in `df`
   */
  constructor(readonly model: MixedModel, private readonly factor: BlockedCholesky, reml: boolean, optimization: OptimizationSummary, extraParameters = 0) {
    const { n, p } = model;
    this.method = reml ? 'REML' : 'ML';
    this.optimization = optimization;
    this.theta = Float64Array.from(optimization.finalTheta);
    factor.update(this.theta);
    this.objective = factor.objective(reml) - model.logdetW;
    const sol = solve(factor);
    const sigma2 = factor.pwrss() / (reml ? n - p : n);
    this.sigma = Math.sqrt(sigma2);
    this.beta = toOriginalBeta(model, sol.beta);
    this.vcov = toOriginalCovariance(model, fixedEffectsCovariance(factor).map((v) => v * sigma2));
    this.b = sol.b;
    this.Psi = model.terms.map((term, k) => {
      const { q } = term;
      const Lam = factor.lambda(k);
      const Psi = new Float64Array(q * q);
      for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) {
        let s = 0;
        for (let m = 0; m <= Math.min(r, c); m++) s += Lam[r * q + m] * Lam[c * q + m];
        Psi[r * q + c] = sigma2 * s;
      }
      return Psi;
    });
    this.logLik = -this.objective / 2;
    this.df = p + this.theta.length + 1 + extraParameters;
    this.singular = this.theta.some((t, i) => factor.layout.lower[i] === 0 && t < singularTolerance);
    this.converged = optimization.converged;
    this.fitMillis = 0;
  }

  get formula(): string {
    return this.model.formula.text;
  }
  get nobs(): number {
    return this.model.n;
  }
  get AIC(): number {
    return -2 * this.logLik + 2 * this.df;
  }
  get BIC(): number {
    return -2 * this.logLik + Math.log(this.model.n) * this.df;
  }
  /** −2 log L for ML fits; null for REML (as lme4's JSON contract). */
  get deviance(): number | null {
    return this.method === 'ML' ? this.objective : null;
  }
  get REMLcrit(): number | null {
    return this.method === 'REML' ? this.objective : null;
  }
  get stderr(): Float64Array {
    const p = this.model.p;
    return Float64Array.from({ length: p }, (_, j) => Math.sqrt(this.vcov[j * p + j]));
  }
  /** Fixed effects by name. */
  get fixef(): Record<string, number> {
    return Object.fromEntries(this.model.fixefNames.map((name, j) => [name, this.beta[j]]));
  }
  /** Number of levels per grouping factor, in lme4's order. */
  get ngroups(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const term of this.model.terms) out[term.group] = term.nlevels;
    return out;
  }
  get varcorr(): VarCorrRow[] {
    return varCorr(this.model.terms, this.Psi, this.sigma);
  }

  /** Conditional modes and SDs, one entry per term and column. */
  get ranef(): RanefEntry[] {
    return this.model.terms.flatMap((term, k) =>
      term.names.map((name, r) => ({
        group: term.group,
        term: name,
        levels: term.levels,
        condval: Array.from({ length: term.nlevels }, (_, j) => this.b[k][j * term.q + r]),
        condsd: Array.from({ length: term.nlevels }, (_, j) => Math.sqrt(this.condVar[k][j * term.q * term.q + r * term.q + r])),
      })),
    );
  }

  /** Fitted values Xβ + Zb on the model's rows. */
  fitted(): Float64Array {
    const { n, p } = this.model;
    const { X, terms } = modelRows(this.model, 'fitted values and residuals');
    const out = new Float64Array(n);
    const offset = this.model.offset;
    for (let i = 0; i < n; i++) {
      let s = offset ? offset[i] : 0;
      for (let a = 0; a < p; a++) s += X[i * p + a] * this.beta[a];
      out[i] = s;
    }
    terms.forEach((term, k) => {
      const { q, refs, Z } = term;
      const bk = this.b[k];
      for (let i = 0; i < n; i++) {
        const o = refs[i] * q;
        for (let r = 0; r < q; r++) out[i] += Z[i * q + r] * bk[o + r];
      }
    });
    return out;
  }

  /** Response minus fitted values. */
  residuals(): Float64Array {
    const fitted = this.fitted();
    const { y } = modelRows(this.model, 'fitted values and residuals');
    return fitted.map((f, i) => y[i] - f);
  }

  /**
   * Per grouping factor, each level's coefficients as lme4's `coef()`: the fixed effect of the
   * same name (0 if none) plus the conditional mode.
   */
  coef(): { group: string; term: string; levels: string[]; values: number[] }[] {
    const fixef = this.fixef;
    return this.ranef.map((entry) => ({
      group: entry.group,
      term: entry.term,
      levels: entry.levels,
      values: entry.condval.map((v) => v + (fixef[entry.term] ?? 0)),
    }));
  }

  /**
   * What Satterthwaite's df need (lmerTest): the Hessian of the criterion in (θ, σ) and the
   * Jacobian of Cov(β), by extrapolated finite differences. Computed on first use (it costs
   * about 4·(2m + 2m(m − 1)) + 8m criterion evaluations for m = length(θ) + 1).
   */
  get satterthwaite(): SatterthwaiteBasis {
    this.satterthwaiteCache ??= satterthwaiteBasis(this);
    return this.satterthwaiteCache;
  }
  private satterthwaiteCache: SatterthwaiteBasis | undefined;

  /** Kenward–Roger's adjusted Cov(β̂) and what its df need (pbkrtest); REML fits without weights. */
  get kenwardRoger(): KenwardRogerBasis {
    this.kenwardRogerCache ??= kenwardRogerBasis(this);
    return this.kenwardRogerCache;
  }
  private kenwardRogerCache: KenwardRogerBasis | undefined;

  /**
   * lmerTest's `summary` table: estimate, SE, denominator df, t value and Pr(>|t|) per β, by
   * Satterthwaite (default) or Kenward–Roger (whose SE come from the adjusted Cov(β̂)).
   */
  coefficients(options: { ddf?: DdfMethod } = {}): CoefficientRow[] {
    return options.ddf === 'kenward-roger' ? kenwardRogerCoefficients(this, this.kenwardRoger) : coefficientTable(this, this.satterthwaite);
  }

  /** lmerTest's `anova(fit, type = 3)`: an F test per fixed term, Satterthwaite's or Kenward–Roger's df. */
  anova(options: { ddf?: DdfMethod } = {}): FTest[] {
    if (options.ddf !== 'kenward-roger') return anovaTable(this, this.satterthwaite);
    return typeIIIContrasts(this.model)
      .filter((c) => c.rows.length > 0)
      .map((c) => kenwardRogerFTest(this, this.kenwardRoger, c.rows, c.term));
  }

  /**
   * Confidence intervals as lme4's `confint`: `profile` (default; SDs, correlations, σ and β,
   * from the ML profile — a REML fit is refitted by ML for it, as lme4 does), `wald` (β) or
   * `boot` (percentiles of a parametric bootstrap from the cross-products, `nsim` replicates).
   */
  confint(options: ConfintOptions = {}): ConfintRow[] {
    return confint(this, () => fitModel(this.model, { reml: false }), options);
  }

  /**
   * The inference fields of `lmm fit --json` (CONTRACT.md): `ddf` and `pvalue` per β
   * (Satterthwaite), `anova` (type III F tests) and, when asked for, `confint`.
   */
  inferenceJSON(options: { confint?: ConfintOptions; ddf?: DdfMethod } = {}): Record<string, unknown> {
    const coefficients = this.coefficients({ ddf: options.ddf });
    const out: Record<string, unknown> = {
      ddf: Object.fromEntries(coefficients.map((r) => [r.term, r.df])),
      pvalue: Object.fromEntries(coefficients.map((r) => [r.term, r.p])),
      anova: this.anova({ ddf: options.ddf }).map((r) => ({ term: r.term, SumSq: r.sumSq, MeanSq: r.meanSq, NumDF: r.numDF, DenDF: r.denDF, F: r.F, p: r.p })),
    };
    if (options.confint) {
      const method = options.confint.method ?? 'profile';
      const level = options.confint.level ?? 0.95;
      out.confint = {
        method,
        level,
        ...(method === 'boot' ? { nsim: options.confint.nsim ?? 500, seed: options.confint.seed ?? 1 } : {}),
        rows: this.confint({ ...options.confint, method, level }).map((r) => ({ name: r.name, lower: r.lower, upper: r.upper })),
      };
    }
    return out;
  }

  /** Predictions for new data; levels not in the fit get the population prediction. */
  predict(table: DataInput, options: PredictOptions = {}): Float64Array {
    return predict(this, table, options);
  }

  /** The object of `lmm fit --json` (../shared/CONTRACT.md). */
  toJSON(): Record<string, unknown> {
    const p = this.model.p;
    const names = this.model.fixefNames;
    const stderr = this.stderr;
    return {
      method: this.method,
      formula: this.formula,
      nobs: this.nobs,
      ngroups: this.ngroups,
      fixef: this.fixef,
      stderr: Object.fromEntries(names.map((name, j) => [name, stderr[j]])),
      vcov: Array.from({ length: p }, (_, r) => Array.from(this.vcov.subarray(r * p, (r + 1) * p))),
      theta: Array.from(this.theta),
      sigma: this.sigma,
      varcorr: this.varcorr,
      logLik: this.logLik,
      df: this.df,
      AIC: this.AIC,
      BIC: this.BIC,
      deviance: this.deviance,
      REMLcrit: this.REMLcrit,
      singular: this.singular,
      converged: this.converged,
      ranef: this.ranef,
      fitMillis: this.fitMillis,
      dropped: this.model.dropped,
      aliased: this.model.aliased,
      optimization: this.optimization,
      ...(this.residualEstimates
        ? {
            residuals: this.residualEstimates.spec,
            rho: this.residualEstimates.rho,
            sigmaByStratum: this.residualEstimates.strata && Object.fromEntries(this.residualEstimates.strata.map((s) => [s.level, s.sigma])),
          }
        : {}),
    };
  }
}

/** Minimise the REML criterion or profiled deviance over θ and return the fit. */
export function fitModel(model: MixedModel, options: FitOptions = {}): LmmFit {
  const start = performance.now();
  const reml = options.reml ?? true;
  const layout = thetaLayout(model.terms.map((t) => t.q));
  // Small models: the optimiser's evaluations in WebAssembly (denseObjective.ts), and the check
  // by finite differences of that criterion (cheaper there than the blocked analytic gradient);
  // the others evaluate through a blocked factor of their own.
  const dense = DenseObjective.plan(model.crossprod, model.terms, layout);
  const factor = dense ? undefined : new BlockedCholesky(model.crossprod, model.terms, { threads: true, sparse: true });
  const objective = factor
    ? (theta: Float64Array): number => factor.evaluate(theta, reml) - model.logdetW
    : (theta: Float64Array): number => dense!.evaluate(theta, reml) - model.logdetW;
  const derivatives = factor ? checkDerivatives(factor, model, reml) : undefined;
  const costs = factor?.costs;
  const optimization = {
    ...optimizeTheta(objective, layout, model, { derivatives }),
    threads: factor?.threads ?? 1,
    ...(derivatives && costs ? { gradientCostRatio: costs.gradient / costs.evaluation } : {}),
  };
  if (!Number.isFinite(optimization.finalObjective)) {
    throw new LmmError('model', `the ${reml ? 'REML criterion' : 'deviance'} could not be evaluated at any θ (is the fixed-effects design degenerate?)`);
  }
  // The results keep a factor of their own (the optimiser's may sit on the helper thread's
  // shared memory, which the next fit of the same size reuses).
  // It reuses the optimiser's supernodal plan, if any, for the conditional variances.
  const fit = new LmmFit(model, new BlockedCholesky(model.crossprod, model.terms, { sparseFrom: factor }), reml, optimization);
  fit.fitMillis = performance.now() - start;
  return fit;
}

/** Fit a model built from `table` with the residual structure `residuals` (nlme's corAR1/varIdent). */
export function fitWithTable(table: DataInput, model: MixedModel, residuals: string, reml: boolean): LmmFit {
  return fitWithResiduals(toTable(table), model, parseResidualSpec(residuals), reml);
}

/**
 * The criterion with its analytic gradient (gradient.ts), for the convergence check, where the
 * 2m + 1 gradients it needs cost less than the ≈ m² + m criterion evaluations of finite
 * differences (by the factor's operation counts, so the choice does not depend on the load).
 */
export function checkDerivatives(factor: BlockedCholesky, model: MixedModel, reml: boolean): ((theta: Float64Array) => { f: number; g: Float64Array | undefined }) | undefined {
  const m = factor.layout.length;
  const { evaluation, gradient } = factor.costs;
  if (!((2 * m + 1) * gradient < (m * m + m) * evaluation)) return undefined;
  return (theta) => {
    const v = factor.evaluateFactored(theta, reml);
    if (!Number.isFinite(v)) return { f: Infinity, g: undefined };
    return { f: v - model.logdetW, g: criterionGradient(factor, reml) };
  };
}

/** Build the model from a table and fit it: `lmer(formula, data, REML = ...)`. */
export function fitLmm(table: DataInput, formula: string, options: FitOptions = {}): LmmFit {
  const start = performance.now();
  const data = toTable(table);
  const model = buildModel(data, formula, { weights: options.weights });
  const fit = options.residuals === undefined ? fitModel(model, options) : fitWithResiduals(data, model, parseResidualSpec(options.residuals), options.reml ?? true);
  fit.fitMillis = performance.now() - start;
  return fit;
}
