/**
 * Bootstrap intervals for predictions (`lmm predict --interval`), as lme4 users compute them
 * with `bootMer(fit, FUN = function(x) predict(x, newdata, re.form = ...))`:
 *
 * - with the random effects (lme4's `re.form = NULL`), the bootstrap is conditional on the
 *   levels' estimated effects (`use.u = TRUE`): y* = Xβ̂ + Zb̂ + ε*, and each replicate predicts
 *   with its own β* and conditional modes b*;
 * - population-level (`re.form = NA`), new random effects each replicate (`use.u = FALSE`), and
 *   each replicate predicts Xβ*.
 *
 * `confidence` intervals are the percentiles of those predictions. `prediction` intervals are of
 * a new observation: each replicate's prediction plus ε ~ N(0, σ*²), plus b ~ N(0, Ψ*) for the
 * random effects not in the prediction (every term population-level; a new level's otherwise).
 * Replicate i's response and noise come from their own seeded streams.
 */
import { createRng } from '../../../samplers/rng.js';
import { quantile } from '../../diagnostics/stats.js';
import type { DataInput } from '../../data/input.js';
import type { LmmFit } from '../lmm.js';
import { predictAt, predictionDesign } from '../predict.js';
import { lambdaOf, thetaLayout } from '../theta.js';
import { thetaScales } from '../optimize.js';
import { bootstrapChunk, replicateSeed, simulationSource } from './bootstrap.js';

/** Options of {@link predictionIntervals}. */
export interface PredictIntervalOptions {
  interval: 'confidence' | 'prediction';
  /** Include the random effects (default true); false is lme4's `re.form = NA`. */
  random?: boolean;
  /** Replicates (default 1000) and seed (default 1). */
  n?: number;
  seed?: number;
  /** Coverage (default 0.95). */
  level?: number;
  /** Levels not in the fit predicted at the population value (default false: an error, as lme4). */
  allowNewLevels?: boolean;
}

/** Point predictions with bootstrap percentile limits, one per new-data row (NaN where a predictor is missing). */
export interface PredictionIntervals {
  fit: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
  /** New-data rows whose level of some term is not in the fit. */
  newLevelRows: number;
}

/** Stream of replicate i's predictive noise (apart from its response's). */
const NOISE_STREAM = 0x6a09e667;

export function predictionIntervals(fit: LmmFit, data: DataInput, options: PredictIntervalOptions): PredictionIntervals {
  const random = options.random ?? true;
  const n = options.n ?? 1000;
  const seed = options.seed ?? 1;
  const level = options.level ?? 0.95;
  const design = predictionDesign(fit, data, { random: true, allowNewLevels: options.allowNewLevels ?? false });
  const point = predictAt(design, fit.beta, random ? fit.b : null);
  const { model } = fit;
  const layout = thetaLayout(model.terms.map((t) => t.q));
  const source = simulationSource(fit);
  const held = random ? fit.b.map((b) => Float64Array.from(b)) : undefined;
  const replicates = bootstrapChunk(model, fit.method === 'REML', fit.theta, thetaScales(model, layout), source, seed, 0, n, { b: held, keep: true });
  const draws = replicates.map((rep, i) => {
    const { beta, b } = rep.solution!;
    const yhat = predictAt(design, beta, random ? b : null);
    if (options.interval === 'confidence') return yhat;
    const rng = createRng(replicateSeed((seed ^ NOISE_STREAM) >>> 0, i));
    const sigma = rep.values[rep.theta.length];
    // Random effects not in the prediction: one draw per (term, level label), shared by its rows.
    design.terms.forEach(({ q, Z, level: lv, labels }, t) => {
      const Lam = lambdaOf(rep.theta, layout, t);
      const drawn = new Map<string, Float64Array>();
      for (let k = 0; k < design.rows.length; k++) {
        if (random && lv[k] >= 0) continue;
        let bNew = drawn.get(labels[k]);
        if (!bNew) {
          const u = Float64Array.from({ length: q }, () => sigma * rng.normal());
          bNew = Float64Array.from({ length: q }, (_, r) => {
            let s = 0;
            for (let c = 0; c <= r; c++) s += Lam[r * q + c] * u[c];
            return s;
          });
          drawn.set(labels[k], bNew);
        }
        for (let r = 0; r < q; r++) yhat[design.rows[k]] += Z[k * q + r] * bNew[r];
      }
    });
    for (const k of design.rows) yhat[k] += sigma * rng.normal();
    return yhat;
  });
  const a = (1 - level) / 2;
  const lower = new Float64Array(design.nTotal).fill(NaN);
  const upper = new Float64Array(design.nTotal).fill(NaN);
  const column = new Float64Array(n);
  for (const k of design.rows) {
    for (let i = 0; i < n; i++) column[i] = draws[i][k];
    lower[k] = quantile(column, a);
    upper[k] = quantile(column, 1 - a);
  }
  let newLevelRows = 0;
  for (let k = 0; k < design.rows.length; k++) if (design.terms.some((t) => t.level[k] < 0)) newLevelRows++;
  return { fit: point, lower, upper, newLevelRows };
}
