/**
 * The exact REML/ML fit with a residual structure (src/model/residuals.ts): the criterion of the
 * whitened problem at (θ, ρ, δ), from the combined cross-product sets, plus log|V|. θ, ρ and
 * log δ (strata after the first) are optimised jointly by BOBYQA from the fit without the
 * structure (θ̂, ρ = 0, δ = 1), then checked as the plain fit is (convergence.ts).
 */
import type * as aq from 'arquero';
import type { MixedModel } from '../model/model.js';
import { combineSets, emptyLike, logDetV, residualStructure, type ResidualSpec, type ResidualStructure } from '../model/residuals.js';
import { minimizeBounded } from '../optim/bobyqa.js';
import { BlockedCholesky } from './blocked.js';
import { checkOptimum } from './convergence.js';
import { fitModel, LmmFit } from './lmm.js';
import { thetaScales, type OptimizationSummary } from './optimize.js';

/** The residual structure's estimates, as nlme prints them. */
export interface ResidualEstimates {
  spec: string;
  /** AR(1) correlation at unit time step (nlme's Phi), or null. */
  rho: number | null;
  /** Per stratum: δ (nlme's varIdent parameter, 1 for the reference) and the residual SD σ·δ. */
  strata: { level: string; delta: number; sigma: number }[] | null;
  /** Parameters the structure adds (ρ and one δ per stratum after the first). */
  parameters: number;
  /** Per model row, its residual SD over σ (δ of its stratum; 1 without `var`). */
  rowScale: Float64Array;
}

/** |ρ| stays below this (log(1 − ρ²) and the whitening are then finite). */
const RHO_BOUND = 0.999999;
/** log δ stays within ±this. */
const LOG_DELTA_BOUND = 20;

/**
 * Fit `model` (built from `table`) with the residual structure `spec`. Returns an LmmFit whose
 * blocks are the whitened ones at the optimum (β, σ, vcov, conditional modes, logLik as nlme's)
 * with `residualEstimates` set.
 */
export function fitWithResiduals(table: aq.ColumnTable, model: MixedModel, spec: ResidualSpec, reml: boolean): LmmFit {
  const start = performance.now();
  const structure = residualStructure(table, model, spec);
  const cp = emptyLike(model.crossprod);
  const factor = new BlockedCholesky(cp, model.terms, { sparse: true });
  const { layout } = factor;
  const nt = layout.length;
  const hasRho = spec.ar1 !== undefined;
  const nDelta = structure.strata.length - 1;
  const scale = thetaScales(model, layout);
  const delta = new Float64Array(structure.strata.length).fill(1);
  const unpack = (x: Float64Array): { theta: Float64Array; rho: number } => {
    const theta = Float64Array.from(x.subarray(0, nt), (v, i) => v / scale[i]);
    const rho = hasRho ? x[nt] : 0;
    for (let s = 1; s <= nDelta; s++) delta[s] = Math.exp(x[nt + (hasRho ? 1 : 0) + s - 1]);
    return { theta, rho };
  };
  const objective = (x: Float64Array): number => {
    const { theta, rho } = unpack(x);
    combineSets(structure, rho, delta, cp);
    return factor.evaluate(theta, reml) - model.logdetW + logDetV(structure, rho, delta);
  };
  // Start from the fit without the structure.
  const plain = fitModel(model, { reml });
  const m = nt + (hasRho ? 1 : 0) + nDelta;
  const x0 = new Float64Array(m);
  plain.theta.forEach((t, i) => (x0[i] = t * scale[i]));
  const lower = new Float64Array(m).fill(-Infinity);
  const upper = new Float64Array(m).fill(Infinity);
  lower.set(layout.lower.subarray(0, nt));
  if (hasRho) {
    lower[nt] = -RHO_BOUND;
    upper[nt] = RHO_BOUND;
  }
  for (let s = 0; s < nDelta; s++) {
    lower[m - nDelta + s] = -LOG_DELTA_BOUND;
    upper[m - nDelta + s] = LOG_DELTA_BOUND;
  }
  const initialObjective = objective(x0);
  let run = minimizeBounded(objective, x0, { lower, upper, rhobeg: 0.1, rhoend: 1e-8 });
  let evaluations = run.evaluations;
  const label = (i: number) => (i < nt ? `θ[${i}]` : hasRho && i === nt ? 'ρ of ar1' : `log δ of stratum '${structure.strata[i - nt - (hasRho ? 1 : 0) + 1]}'`);
  let result = checkOptimum(objective, run.x, run.fval, lower, label);
  evaluations += result.check.evaluations;
  let restarts = 0;
  while (!result.check.passed && restarts < 3) {
    const from = result.best.f < run.fval ? result.best.x : run.x;
    const again = minimizeBounded(objective, Float64Array.from(from, (v, i) => Math.min(upper[i], Math.max(lower[i], v))), { lower, upper, rhobeg: 0.02, rhoend: 1e-9 });
    evaluations += again.evaluations;
    restarts++;
    if (!(again.fval < run.fval - 1e-12 * Math.abs(run.fval))) break;
    run = again;
    result = checkOptimum(objective, run.x, run.fval, lower, label);
    evaluations += result.check.evaluations;
  }
  const { theta, rho } = unpack(run.x);
  combineSets(structure, rho, delta, cp);
  const logdetV = logDetV(structure, rho, delta);
  const whitened: MixedModel = { ...model, crossprod: cp, logdetW: model.logdetW - logdetV };
  const optimization: OptimizationSummary = {
    optimizer: 'bobyqa',
    evaluations,
    gradientEvaluations: 0,
    initialTheta: Array.from(plain.theta),
    initialObjective,
    finalTheta: Array.from(theta),
    finalObjective: run.fval,
    converged: run.converged && result.check.passed,
    message: result.check.passed ? run.message : `${run.message}; ${result.check.messages?.join('; ') ?? 'convergence check failed'}`,
    thetaScale: Array.from(scale),
    restarts,
    check: result.check,
    threads: 1,
  };
  const estimates: ResidualEstimates = {
    spec: spec.text,
    rho: hasRho ? rho : null,
    strata: null,
    parameters: (hasRho ? 1 : 0) + nDelta,
    rowScale: Float64Array.from(structure.stratumOf, (s) => delta[s]),
  };
  const fit = new LmmFit(whitened, new BlockedCholesky(cp, model.terms), reml, optimization, estimates.parameters);
  if (spec.variance) estimates.strata = structure.strata.map((level, s) => ({ level, delta: delta[s], sigma: fit.sigma * delta[s] }));
  fit.residualEstimates = estimates;
  fit.fitMillis = performance.now() - start;
  return fit;
}

export type { ResidualStructure };
