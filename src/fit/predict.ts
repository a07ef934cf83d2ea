import { toTable, type DataInput } from '../data/input.js';
import { LmmError } from '../errors.js';
import { designMatrix } from '../model/design.js';
import { formatLevel } from '../model/factor.js';
import { modelFrame, rawColumn } from '../model/frame.js';
import type { LmmFit } from './lmm.js';

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Include the random effects (default); false gives the population-level prediction Xβ (lme4's `re.form = NA`). */
  random?: boolean;
  /**
   * Levels not seen in the fit get the population prediction (default true, lme4's
   * `allow.new.levels = TRUE`); false makes them an error naming the level, as lme4's default.
   */
  allowNewLevels?: boolean;
}

/** The new data's design: what a prediction at any (β, b) needs. */
export interface PredictionDesign {
  /** Rows of the new data in all (rows with a missing predictor are predicted as NaN). */
  nTotal: number;
  /** New-data row of each design row. */
  rows: Int32Array;
  /** Fixed-effects columns in the fit's order, row-major rows×p, and the offset per row (or null). */
  X: Float64Array;
  offset: Float64Array | null;
  /** Per random-effects term: its columns per row (rows×q) and the row's level in the fit (−1: a new level). */
  terms: { q: number; Z: Float64Array; level: Int32Array; labels: string[] }[];
}

/** The design of new data for a fit (the fit's factor levels, poly()/scale() coefficients). */
export function predictionDesign(fit: LmmFit, data: DataInput, options: { random?: boolean; allowNewLevels?: boolean } = {}): PredictionDesign {
  const table = toTable(data, 'new data');
  const { model } = fit;
  // The fit's poly()/scale() coefficients, as R's predict uses the terms' predvars.
  const frame = modelFrame(table, model.formula, { response: false, levels: model.factorLevels, groups: false, transforms: model.transforms });
  const n = frame.n;
  const rows = Int32Array.from({ length: n }, (_, k) => (frame.rows ? frame.rows[k] : k));
  const fixed = designMatrix(model.formula.fixed, frame.variables, n);
  const columns = model.fixefNames.map((name) => fixed.names.indexOf(name));
  const pAll = fixed.names.length;
  const p = model.p;
  const X = new Float64Array(n * p);
  for (let k = 0; k < n; k++) columns.forEach((c, j) => (X[k * p + j] = fixed.values[k * pAll + c]));
  const terms = options.random === false ? [] : model.terms.map((term) => {
    const part = model.formula.random[term.formulaIndex];
    const Z = designMatrix(part.effects, frame.variables, n).values;
    const levelIndex = new Map(term.levels.map((level, j) => [level, j]));
    const groupColumns = part.groupColumns.map((name) => rawColumn(table, name));
    const labels: string[] = [];
    const level = Int32Array.from({ length: n }, (_, k) => {
      const label = groupColumns.map((c) => (c.kind === 'numeric' ? formatLevel(c.values[rows[k]]) : c.values[rows[k]])).join(':');
      labels.push(label);
      const j = levelIndex.get(label);
      if (j === undefined && options.allowNewLevels === false) {
        throw new LmmError('data', `new data row ${rows[k] + 1}: level '${label}' of '${term.group}' is not in the fit (allow new levels to predict it at the population value)`);
      }
      return j ?? -1;
    });
    return { q: term.q, Z, level, labels };
  });
  return { nTotal: frame.nTotal, rows, X, offset: frame.offset, terms };
}

/**
 * The predictions of a design at β and conditional modes b (per term, level-major): Xβ + offset
 * plus, for each term, Z times the row's level's b (nothing for a new level). NaN for rows with
 * a missing predictor.
 */
export function predictAt(design: PredictionDesign, beta: ArrayLike<number>, b: readonly ArrayLike<number>[] | null, out = new Float64Array(design.nTotal)): Float64Array {
  out.fill(NaN);
  const p = beta.length;
  const { rows, X, offset } = design;
  for (let k = 0; k < rows.length; k++) {
    let s = offset ? offset[k] : 0;
    for (let j = 0; j < p; j++) s += X[k * p + j] * beta[j];
    out[rows[k]] = s;
  }
  if (b === null) return out;
  design.terms.forEach(({ q, Z, level }, t) => {
    for (let k = 0; k < rows.length; k++) {
      const j = level[k];
      if (j < 0) continue;
      for (let r = 0; r < q; r++) out[rows[k]] += Z[k * q + r] * b[t][j * q + r];
    }
  });
  return out;
}

/**
 * Predictions for new data (lme4's `predict(fit, newdata)`): Xβ plus, for each random-effects
 * term, the conditional mode of the row's level; a level not seen in the fit contributes 0 (the
 * population prediction) unless `allowNewLevels` is false. Rows with a missing predictor give NaN.
 */
export function predict(fit: LmmFit, data: DataInput, options: PredictOptions = {}): Float64Array {
  const design = predictionDesign(fit, data, options);
  return predictAt(design, fit.beta, options.random === false ? null : fit.b);
}
