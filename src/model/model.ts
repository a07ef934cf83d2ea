import type * as aq from 'arquero';
import { toTable, type DataInput } from '../data/input.js';
import { LmmError, closestName } from '../errors.js';
import { parseFormula } from '../formula/parse.js';
import type { ParsedFormula } from '../formula/types.js';
import { crossProducts, type CrossProducts } from './crossprod.js';
import { designMatrix } from './design.js';
import { modelFrame, rawColumn, type FrameVariable } from './frame.js';
import type { Transform } from './transforms.js';
import { aliasedColumns, dropColumns } from './rank.js';

/** One random-effects term `(effects | group)` over the model's rows. */
export interface ReTerm {
  /** Grouping factor label as lme4 prints it (`school`, `cask:batch`). */
  group: string;
  /** The bar term as written (`(cses | school)`). */
  text: string;
  /** Position of the term in the formula (after `||` and `/` expansion). */
  formulaIndex: number;
  /** Grouping levels in R's order. */
  levels: string[];
  nlevels: number;
  /** Level index of each row. */
  refs: Int32Array;
  /** Names of the term's columns (`(Intercept)`, `cses`). */
  names: string[];
  /** Number of columns (random effects per level). */
  q: number;
  /** The term's columns, row-major n×q. */
  Z: Float64Array;
}

/** A linear mixed model ready to fit: the shared representation both fitters consume. */
export interface MixedModel {
  formula: ParsedFormula;
  /** Rows used and rows dropped for missing values. */
  n: number;
  dropped: number;
  /** Table row of each model row (null: all rows, in order). */
  rows: Int32Array | null;
  response: string;
  y: Float64Array;
  /** Fixed-effects matrix (aliased columns removed), row-major n×p. */
  X: Float64Array;
  p: number;
  fixefNames: string[];
  /** Columns dropped because they are linear combinations of earlier ones (as lme4 does). */
  aliased: string[];
  /** Random-effects terms in lme4's order: by decreasing number of levels, then formula order. */
  terms: ReTerm[];
  /**
   * Blocks of [Z X y]'[Z X y] with y replaced by y − yShift. When the constant lies in the
   * column space of X (an intercept, or a fully coded factor), `yShiftDirection` is the γ with
   * Xγ = 1, so the fit of y − yShift gives β = β' + yShift·γ; otherwise yShift is 0.
   */
  crossprod: CrossProducts;
  yShift: number;
  yShiftDirection: Float64Array;
  /**
   * Means subtracted from the non-constant fixed-effects columns in the cross-products (zeros
   * where the constant is not in the span of X): a predictor far from zero (a year, a timestamp)
   * loses no precision. `X` itself is not centred. See `reparam.ts` for the way back to β.
   */
  xCenter: Float64Array;
  /** Levels of every factor variable (fixed and random-effects columns), for prediction. */
  factorLevels: Map<string, string[]>;
  /** Coefficients of the `poly()`/`scale()` variables on the fitting rows (R's predvars), for prediction. */
  transforms: Map<string, Transform>;
  /**
   * The fixed part's `offset()` terms summed per row (null: none). The cross-products hold
   * y − offset; fitted values and predictions add it back.
   */
  offset: Float64Array | null;
  /**
   * Prior weights per row (null: none): Var(y_i) = σ²/w_i, and the cross-products are
   * [Z X y]'W[Z X y] (lme4's `weights =`).
   */
  weights: Float64Array | null;
  /**
   * Σ log w_i (0 without weights). lme4's criterion is that of the weighted problem minus this
   * (`ldW` in lme4's `lmerResp::Laplace`), so that it is −2 log L of y itself.
   */
  logdetW: number;
  /** Notes for the user (rows dropped, columns dropped), printed on stderr by the CLI. */
  notes: string[];
  /** The fixed part's terms (R's term labels, intercept excluded) and their columns in X. */
  fixedTerms: FixedTerm[];
  /**
   * lmerTest's "rank-deficient" design (`get_rdX`): the intercept (if any), then each fixed term
   * coded on its own with indicators for every level of its factors; built on request.
   */
  fullDesign(): { names: string[]; values: Float64Array };
}

/** One term of the fixed part, for tests of terms (anova). */
export interface FixedTerm {
  label: string;
  /** Its variables, in R's order, and whether each is numeric (R's dataClasses "numeric"). */
  variables: string[];
  numeric: boolean[];
  /** Its columns in X (after aliased columns are dropped). */
  columns: number[];
}

/** Options of {@link buildModel}. */
export interface ModelOptions {
  /** Accept a formula without random-effects terms: a linear model (`terms` empty; see src/fit/linear.ts). */
  linear?: boolean;
  /**
   * Prior weights (lme4's `weights =`): a numeric column of the table, or one value per table
   * row. Rows with a missing weight are dropped like rows with any missing value; weights must
   * be positive.
   */
  weights?: string | ArrayLike<number>;
}

/** The weights option as a column over the table's rows, with a label for messages. */
function weightsColumn(table: aq.ColumnTable, weights: string | ArrayLike<number>): { label: string; values: Float64Array } {
  const nTotal = table.numRows();
  if (typeof weights === 'string') {
    if (!table.columnNames().includes(weights)) {
      const hint = closestName(weights, table.columnNames());
      throw new LmmError('data', `unknown weights column '${weights}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    const c = rawColumn(table, weights);
    if (c.kind !== 'numeric') throw new LmmError('data', `weights column '${weights}' is not numeric (it holds text such as '${c.values.find((v) => v !== null)}')`);
    return { label: `weights column '${weights}'`, values: c.values };
  }
  if (weights.length !== nTotal) throw new LmmError('data', `weights: ${weights.length} values given for ${nTotal} rows`);
  return { label: 'weights', values: Float64Array.from(weights, (v) => (v === null || v === undefined ? NaN : Number(v))) };
}

/** Weights must be positive: lme4 refuses negative ones and gives an infinite deviance at a zero one. */
function checkWeights(w: Float64Array, label: string, rows: Int32Array | null): void {
  for (let i = 0; i < w.length; i++) {
    if (w[i] > 0) continue;
    const row = (rows ? rows[i] : i) + 1;
    throw new LmmError('data', w[i] === 0
      ? `${label} is 0 in row ${row}: prior weights must be positive (lme4's deviance is infinite with a zero weight); drop such rows`
      : `${label} is negative (${w[i]}) in row ${row}: prior weights must be positive`);
  }
}

/**
 * Build the model for `formula` from `table`: model frame, fixed-effects matrix, random-effects
 * terms, and the cross-product blocks, in one pass over the rows.
 */
export function buildModel(data: DataInput, formula: string | ParsedFormula, options: ModelOptions = {}): MixedModel {
  const table = toTable(data);
  const parsed = typeof formula === 'string' ? parseFormula(formula, { linear: options.linear }) : formula;
  const weightsInput = options.weights === undefined ? undefined : weightsColumn(table, options.weights);
  const frame = modelFrame(table, parsed, { weights: weightsInput });
  const weights = frame.weights;
  if (weights && weightsInput) checkWeights(weights, weightsInput.label, frame.rows);
  const logdetW = weights ? weights.reduce((s, w) => s + Math.log(w), 0) : 0;
  const { n } = frame;
  const notes: string[] = [];
  if (frame.dropped > 0) notes.push(`dropped ${frame.dropped} of ${frame.nTotal} rows with missing values in the model's columns`);
  for (const [name, levels] of frame.lostLevels) {
    const shown = levels.slice(0, 5).map((l) => `'${l}'`).join(', ') + (levels.length > 5 ? `, … (${levels.length} in all)` : '');
    notes.push(`factor '${name}': level${levels.length > 1 ? 's' : ''} ${shown} occur${levels.length > 1 ? '' : 's'} only in dropped rows and ${levels.length > 1 ? 'are' : 'is'} not in the model`);
  }

  const response = frame.variables.get(parsed.response.label);
  if (!response || response.kind !== 'numeric') throw new LmmError('data', `response '${parsed.response.label}' is not numeric`);
  const y = response.values;
  checkResponse(y, parsed.response.label);
  const offset = frame.offset;
  // The cross-products see the response less the offset (lme4: the offset is part of the linear predictor).
  const yFit = offset ? Float64Array.from(y, (v, i) => v - offset[i]) : y;

  const fixed = designMatrix(parsed.fixed, frame.variables, n);
  const terms = randomTerms(parsed, frame, n);

  // Where the constant is in the span of X, shift the response by its mean and centre the other
  // fixed-effects columns (an exact reparametrisation, reparam.ts): no precision is lost to
  // large offsets in the cross-products.
  const p0 = fixed.names.length;
  const gamma = new Float64Array(p0);
  for (const j of fixed.constantColumns ?? []) gamma[j] = 1;
  const yShift = fixed.constantColumns ? columnMean(yFit, 1, 0, n) : 0;
  const center = new Float64Array(p0);
  if (fixed.constantColumns) {
    for (let j = 0; j < p0; j++) if (gamma[j] === 0) center[j] = columnMean(fixed.values, p0, j, n);
  }
  const Xc = center.some((v) => v !== 0) ? centred(fixed.values, p0, n, center) : fixed.values;

  let crossprod = crossProducts({ n, y: yFit, yShift, X: Xc, p: p0, terms, weights });
  let X = fixed.values;
  let names = fixed.names;
  const aliased = aliasedColumns(crossprod.XytXy, names.length);
  let direction = gamma;
  let xCenter = center;
  let termOfColumn = Array.from(fixed.termOfColumn);
  if (aliased.length > 0) {
    const dropped = aliased.map((j) => names[j]);
    notes.push(`fixed-effect model matrix is rank deficient so dropping ${aliased.length} column${aliased.length > 1 ? 's' : ''}: ${dropped.join(', ')}`);
    ({ X, crossprod } = dropColumns(X, crossprod, aliased));
    const keep = names.map((_, j) => j).filter((j) => !aliased.includes(j));
    names = keep.map((j) => names[j]);
    direction = Float64Array.from(keep, (j) => direction[j]);
    termOfColumn = keep.map((j) => termOfColumn[j]);
    xCenter = Float64Array.from(keep, (j) => center[j]);
  }
  return {
    formula: parsed,
    n,
    dropped: frame.dropped,
    rows: frame.rows,
    response: parsed.response.label,
    y,
    X,
    p: names.length,
    fixefNames: names,
    aliased: aliased.map((j) => fixed.names[j]),
    terms,
    crossprod,
    yShift,
    yShiftDirection: direction,
    xCenter,
    factorLevels: new Map([...frame.variables].flatMap(([label, v]) => (v.kind === 'factor' ? [[label, v.factor.levels] as [string, string[]]] : []))),
    transforms: frame.transforms,
    offset,
    weights,
    logdetW,
    notes,
    fixedTerms: parsed.fixed.terms.map((term, t) => ({
      label: term.label,
      variables: term.variables,
      numeric: term.variables.map((v) => frame.variables.get(v)?.kind === 'numeric'),
      columns: termOfColumn.flatMap((owner, j) => (owner === t ? [j] : [])),
    })),
    fullDesign: () => fullDesign(parsed.fixed, frame.variables, n),
  };
}

/** lmerTest's `get_rdX`: [1, per term its own `model.matrix(~ 0 + term)`]. */
function fullDesign(part: ParsedFormula['fixed'], variables: Map<string, FrameVariable>, n: number): { names: string[]; values: Float64Array } {
  const blocks = part.terms.map((term) => designMatrix({ ...part, intercept: false, terms: [term] }, variables, n));
  const names = [...(part.intercept ? ['(Intercept)'] : []), ...blocks.flatMap((b) => b.names)];
  const m = names.length;
  const values = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    let c = 0;
    if (part.intercept) values[i * m + c++] = 1;
    for (const b of blocks) {
      const k = b.names.length;
      for (let j = 0; j < k; j++) values[i * m + c++] = b.values[i * k + j];
    }
  }
  return { names, values };
}

function randomTerms(parsed: ParsedFormula, frame: ReturnType<typeof modelFrame>, n: number): ReTerm[] {
  const terms = parsed.random.map((part, formulaIndex): ReTerm => {
    const factor = frame.groups.get(part.group);
    if (!factor) throw new Error(`internal: grouping factor '${part.group}' missing from the model frame`);
    const design = designMatrix(part.effects, frame.variables, n);
    if (design.names.length === 0) throw new LmmError('formula', `random-effects term ${part.text} has no columns`);
    const nlevels = factor.levels.length;
    if (nlevels < 2) {
      throw new LmmError('data', `grouping factor '${part.group}' has ${nlevels} level${nlevels === 1 ? '' : 's'} in the rows used; a random effect needs at least 2`);
    }
    if (nlevels >= n) {
      throw new LmmError('model', `grouping factor '${part.group}' has ${nlevels} levels for ${n} observations; it must have fewer levels than observations`);
    }
    const q = design.names.length;
    if (nlevels * q >= n) {
      throw new LmmError('model', `number of observations (${n}) <= number of random effects (${nlevels * q}) for term ${part.text}; the random-effects parameters and the residual variance are not identifiable`);
    }
    return { group: part.group, text: part.text, formulaIndex, levels: factor.levels, nlevels, refs: factor.codes, names: design.names, q, Z: design.values };
  });
  // lme4 orders terms by decreasing number of levels; the sort is stable for ties.
  return terms.sort((a, b) => b.nlevels - a.nlevels || a.formulaIndex - b.formulaIndex);
}

/** Mean of column j of a row-major n×p matrix (a vector when p = 1). */
function columnMean(X: Float64Array, p: number, j: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += X[i * p + j];
  return s / n;
}

/** A copy of X with `center[j]` subtracted from column j. */
function centred(X: Float64Array, p: number, n: number, center: Float64Array): Float64Array {
  const out = new Float64Array(X.length);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = X[i * p + j] - center[j];
  return out;
}

function checkResponse(y: Float64Array, label: string): void {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return;
  throw new LmmError('data', `response '${label}' has no variance: every value is ${y[0]}`);
}
