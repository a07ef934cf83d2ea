import { toTable, type DataInput } from '../data/input.js';
import { designMatrix } from '../model/design.js';
import { formatLevel } from '../model/factor.js';
import { modelFrame, rawColumn } from '../model/frame.js';
import type { LmmFit } from './lmm.js';

/** Options of {@link predict}. */
export interface PredictOptions {
  /** Include the random effects (default); false gives the population-level prediction Xβ. */
  random?: boolean;
}

/**
 * Predictions for new data (lme4's `predict(fit, newdata)`): Xβ plus, for each random-effects
 * term, the conditional mode of the row's level; a level not seen in the fit contributes 0 (the
 * population prediction). Rows with a missing predictor give NaN.
 */
export function predict(fit: LmmFit, data: DataInput, options: PredictOptions = {}): Float64Array {
  const table = toTable(data, 'new data');
  const { model } = fit;
  // The fit's poly()/scale() coefficients, as R's predict uses the terms' predvars.
  const frame = modelFrame(table, model.formula, { response: false, levels: model.factorLevels, groups: false, transforms: model.transforms });
  const out = new Float64Array(frame.nTotal).fill(NaN);
  const rowOf = (k: number) => (frame.rows ? frame.rows[k] : k);

  const fixed = designMatrix(model.formula.fixed, frame.variables, frame.n);
  const columns = model.fixefNames.map((name) => fixed.names.indexOf(name));
  const pAll = fixed.names.length;
  for (let k = 0; k < frame.n; k++) {
    let s = frame.offset ? frame.offset[k] : 0;
    columns.forEach((c, j) => (s += fixed.values[k * pAll + c] * fit.beta[j]));
    out[rowOf(k)] = s;
  }
  if (options.random === false) return out;

  model.terms.forEach((term, t) => {
    const part = model.formula.random[term.formulaIndex];
    const Z = designMatrix(part.effects, frame.variables, frame.n).values;
    const levelIndex = new Map(term.levels.map((level, j) => [level, j]));
    const groupColumns = part.groupColumns.map((name) => rawColumn(table, name));
    for (let k = 0; k < frame.n; k++) {
      const row = rowOf(k);
      const label = groupColumns.map((c) => (c.kind === 'numeric' ? formatLevel(c.values[row]) : c.values[row])).join(':');
      const j = levelIndex.get(label);
      if (j === undefined) continue;
      for (let r = 0; r < term.q; r++) out[row] += Z[k * term.q + r] * fit.b[t][j * term.q + r];
    }
  });
  return out;
}
