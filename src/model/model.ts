import { log } from '../../samplers/elementary.js';
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
import { summarizeColumn, type ColumnSummary } from './columnSummary.js';

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
  /** Level index of each row (null in a model built from cross-products alone). */
  refs: Int32Array | null;
  /** Names of the term's columns (`(Intercept)`, `cses`). */
  names: string[];
  /** Number of columns (random effects per level). */
  q: number;
  /** The term's columns, row-major n×q (null in a model built from cross-products alone). */
  Z: Float64Array | null;
  /** Number of rows at each level. */
  levelCounts: Int32Array;
  /** Unweighted moments of each of the term's columns over the model's rows. */
  zSummary: ColumnSummary[];
  /**
   * For a model without rows: per level, Σ z_r (nlevels×q) and Σ x_c² over the columns of X
   * (nlevels×p), unweighted, for what reads them besides the blocks (the pooling modifiers).
   */
  levelSums?: { z: Float64Array; xx: Float64Array };
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
  /** The response on the model's rows (null in a model built from cross-products alone: see `rowFree`). */
  y: Float64Array | null;
  /** Fixed-effects matrix (aliased columns removed), row-major n×p (null without rows). */
  X: Float64Array | null;
  /**
   * Where the blocks came from, when not from rows in this process (e.g. 'DuckDB'): then `y`,
   * `X`, `refs`, `Z`, `rows`, `offset` and `weights` are null, and what needs the rows (residuals,
   * Kenward–Roger) says so in one line. Undefined for a model built from rows.
   */
  rowFree?: string;
  /** Whether the model has prior weights (also when `weights` is null because there are no rows). */
  weighted: boolean;
  /** Unweighted moments of the response (before any offset) and of each column of X. */
  ySummary: ColumnSummary;
  xSummary: ColumnSummary[];
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
   * Unweighted cross-products of the fixed-effects matrix X (aliased columns removed) with itself
   * and with lmerTest's "rank-deficient" design X̃ (`get_rdX`: the intercept, if any, then each
   * fixed term coded on its own with indicators for every level of its factors), for the
   * contrasts of type III tests; computed on request.
   */
  fixedCross(): FixedCross;
}

/** X'X (p×p row-major) and X'X̃ (one length-p column per column of X̃), uncentred and unweighted. */
export interface FixedCross {
  XtX: Float64Array;
  fullNames: string[];
  XtFull: Float64Array[];
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
  const logdetW = weights ? weights.reduce((s, w) => s + log(w), 0) : 0;
  const { n } = frame;
  const notes = frameNotes(frame.dropped, frame.nTotal, frame.lostLevels);

  const response = frame.variables.get(parsed.response.label);
  if (!response || response.kind !== 'numeric') throw new LmmError('data', `response '${parsed.response.label}' is not numeric`);
  const y = response.values;
  checkResponse(y, parsed.response.label);
  const offset = frame.offset;
  // The cross-products see the response less the offset (lme4: the offset is part of the linear predictor).
  const yFit = offset ? Float64Array.from(y, (v, i) => v - offset[i]) : y;

  const fixed = designMatrix(parsed.fixed, frame.variables, n);
  const terms = sortTerms(parsed.random.map((part, formulaIndex): ReTerm => {
    const factor = frame.groups.get(part.group);
    if (!factor) throw new Error(`internal: grouping factor '${part.group}' missing from the model frame`);
    const design = designMatrix(part.effects, frame.variables, n);
    const q = design.names.length;
    checkTerm(part, factor.levels.length, q, n);
    const levelCounts = new Int32Array(factor.levels.length);
    for (let i = 0; i < n; i++) levelCounts[factor.codes[i]]++;
    const zSummary = design.names.map((_, r) => summarizeColumn(design.values, q, r, n));
    return { group: part.group, text: part.text, formulaIndex, levels: factor.levels, nlevels: factor.levels.length, refs: factor.codes, names: design.names, q, Z: design.values, levelCounts, zSummary };
  }));

  // Where the constant is in the span of X, shift the response by its mean and centre the other
  // fixed-effects columns (an exact reparametrisation, reparam.ts): no precision is lost to
  // large offsets in the cross-products.
  const p0 = fixed.names.length;
  const { yShift, center } = centring(fixed.constantColumns, p0, () => columnMean(yFit, 1, 0, n), (j) => columnMean(fixed.values, p0, j, n));
  const Xc = center.some((v) => v !== 0) ? centred(fixed.values, p0, n, center) : fixed.values;
  const crossprod = crossProducts({ n, y: yFit, yShift, X: Xc, p: p0, terms: terms as { refs: Int32Array; Z: Float64Array; q: number; nlevels: number }[], weights });
  return assembleModel({
    parsed,
    n,
    dropped: frame.dropped,
    notes,
    rows: { rows: frame.rows, y, X: fixed.values, offset, weights },
    weighted: weights !== null,
    logdetW,
    fixedNames: fixed.names,
    termOfColumn: fixed.termOfColumn,
    constantColumns: fixed.constantColumns,
    yShift,
    center,
    crossprod,
    terms,
    factorLevels: new Map([...frame.variables].flatMap(([label, v]) => (v.kind === 'factor' ? [[label, v.factor.levels] as [string, string[]]] : []))),
    transforms: frame.transforms,
    numeric: (label) => frame.variables.get(label)?.kind === 'numeric',
    ySummary: summarizeColumn(y, 1, 0, n),
    xSummary: fixed.names.map((_, j) => summarizeColumn(fixed.values, p0, j, n)),
    fixedCross: () => fixedCrossFromRows(parsed.fixed, frame.variables, n, fixed.values, p0),
  });
}

/** The notes of the model frame: rows dropped for missing values, factor levels lost with them. */
export function frameNotes(dropped: number, nTotal: number, lostLevels: ReadonlyMap<string, readonly string[]>): string[] {
  const notes: string[] = [];
  if (dropped > 0) notes.push(`dropped ${dropped} of ${nTotal} rows with missing values in the model's columns`);
  for (const [name, levels] of lostLevels) {
    const shown = levels.slice(0, 5).map((l) => `'${l}'`).join(', ') + (levels.length > 5 ? `, … (${levels.length} in all)` : '');
    notes.push(`factor '${name}': level${levels.length > 1 ? 's' : ''} ${shown} occur${levels.length > 1 ? '' : 's'} only in dropped rows and ${levels.length > 1 ? 'are' : 'is'} not in the model`);
  }
  return notes;
}

/** lme4's checks of one random-effects term with `nlevels` levels and q columns over n rows. */
export function checkTerm(part: ParsedFormula['random'][number], nlevels: number, q: number, n: number): void {
  if (q === 0) throw new LmmError('formula', `random-effects term ${part.text} has no columns`);
  if (nlevels < 2) {
    throw new LmmError('data', `grouping factor '${part.group}' has ${nlevels} level${nlevels === 1 ? '' : 's'} in the rows used; a random effect needs at least 2`);
  }
  if (nlevels >= n) {
    throw new LmmError('model', `grouping factor '${part.group}' has ${nlevels} levels for ${n} observations; it must have fewer levels than observations`);
  }
  if (nlevels * q >= n) {
    throw new LmmError('model', `number of observations (${n}) <= number of random effects (${nlevels * q}) for term ${part.text}; the random-effects parameters and the residual variance are not identifiable`);
  }
}

/** lme4 orders terms by decreasing number of levels; the sort is stable for ties. */
export function sortTerms(terms: ReTerm[]): ReTerm[] {
  return terms.sort((a, b) => b.nlevels - a.nlevels || a.formulaIndex - b.formulaIndex);
}

/**
 * The shift of the response and the centres of the fixed-effects columns (see `MixedModel`):
 * where the constant is in the span of X (`constantColumns` not null), the response's mean and
 * the means of the columns outside the constant set; zeros otherwise.
 */
export function centring(constantColumns: number[] | null, p: number, yMean: () => number, xMean: (j: number) => number): { yShift: number; center: Float64Array } {
  const center = new Float64Array(p);
  if (!constantColumns) return { yShift: 0, center };
  const constant = new Set(constantColumns);
  for (let j = 0; j < p; j++) if (!constant.has(j)) center[j] = xMean(j);
  return { yShift: yMean(), center };
}

/** What a pass over the data (rows here, SQL in src/duckdb) hands to {@link assembleModel}. */
export interface ModelParts {
  parsed: ParsedFormula;
  n: number;
  dropped: number;
  notes: string[];
  /** The model's rows (X with every design column, before aliased ones are dropped); null for a row-free model. */
  rows: { rows: Int32Array | null; y: Float64Array; X: Float64Array; offset: Float64Array | null; weights: Float64Array | null } | null;
  /** Where the blocks came from when there are no rows (`MixedModel.rowFree`). */
  rowFree?: string;
  weighted: boolean;
  logdetW: number;
  fixedNames: string[];
  termOfColumn: Int32Array;
  constantColumns: number[] | null;
  yShift: number;
  center: Float64Array;
  /** Blocks over every design column (aliased ones included). */
  crossprod: CrossProducts;
  /** Terms in lme4's order. */
  terms: ReTerm[];
  factorLevels: Map<string, string[]>;
  transforms: Map<string, Transform>;
  /** Whether a frame variable is numeric (R's dataClasses "numeric"). */
  numeric: (label: string) => boolean;
  ySummary: ColumnSummary;
  /** Per design column (aliased ones included). */
  xSummary: ColumnSummary[];
  /** {@link FixedCross} over every design column (aliased ones included). */
  fixedCross: () => FixedCross;
}

/** The common end of both passes: drop aliased columns (rank check on X'X) and assemble the model. */
export function assembleModel(parts: ModelParts): MixedModel {
  const { parsed, n } = parts;
  const notes = [...parts.notes];
  let crossprod = parts.crossprod;
  let X = parts.rows?.X ?? null;
  const allNames = parts.fixedNames;
  const p0 = allNames.length;
  const gamma = new Float64Array(p0);
  for (const j of parts.constantColumns ?? []) gamma[j] = 1;
  const aliased = aliasedColumns(crossprod.XytXy, p0);
  const keep = allNames.map((_, j) => j).filter((j) => !aliased.includes(j));
  if (aliased.length > 0) {
    const dropped = aliased.map((j) => allNames[j]);
    notes.push(`fixed-effect model matrix is rank deficient so dropping ${aliased.length} column${aliased.length > 1 ? 's' : ''}: ${dropped.join(', ')}`);
    ({ X, crossprod } = dropColumns(X, crossprod, aliased));
  }
  const names = keep.map((j) => allNames[j]);
  if (aliased.length > 0) {
    for (const t of parts.terms) {
      if (!t.levelSums) continue;
      const xx = new Float64Array(t.nlevels * keep.length);
      for (let j = 0; j < t.nlevels; j++) keep.forEach((c, k) => (xx[j * keep.length + k] = (t.levelSums as { xx: Float64Array }).xx[j * p0 + c]));
      t.levelSums = { z: t.levelSums.z, xx };
    }
  }
  const termOfColumn = keep.map((j) => parts.termOfColumn[j]);
  let fixedCross: FixedCross | undefined;
  return {
    formula: parsed,
    n,
    dropped: parts.dropped,
    rows: parts.rows?.rows ?? null,
    response: parsed.response.label,
    y: parts.rows?.y ?? null,
    X,
    ...(parts.rowFree === undefined ? {} : { rowFree: parts.rowFree }),
    weighted: parts.weighted,
    ySummary: parts.ySummary,
    xSummary: keep.map((j) => parts.xSummary[j]),
    p: names.length,
    fixefNames: names,
    aliased: aliased.map((j) => allNames[j]),
    terms: parts.terms,
    crossprod,
    yShift: parts.yShift,
    yShiftDirection: Float64Array.from(keep, (j) => gamma[j]),
    xCenter: Float64Array.from(keep, (j) => parts.center[j]),
    factorLevels: parts.factorLevels,
    transforms: parts.transforms,
    offset: parts.rows?.offset ?? null,
    weights: parts.rows?.weights ?? null,
    logdetW: parts.logdetW,
    notes,
    fixedTerms: parsed.fixed.terms.map((term, t) => ({
      label: term.label,
      variables: term.variables,
      numeric: term.variables.map((v) => parts.numeric(v)),
      columns: termOfColumn.flatMap((owner, j) => (owner === t ? [j] : [])),
    })),
    fixedCross: () => (fixedCross ??= selectFixedCross(parts.fixedCross(), keep, p0)),
  };
}

/** {@link FixedCross} restricted to the kept columns of X. */
function selectFixedCross(all: FixedCross, keep: number[], p0: number): FixedCross {
  const p = keep.length;
  const XtX = new Float64Array(p * p);
  keep.forEach((a, r) => keep.forEach((b, c) => (XtX[r * p + c] = all.XtX[a * p0 + b])));
  return { XtX, fullNames: all.fullNames, XtFull: all.XtFull.map((col) => Float64Array.from(keep, (a) => col[a])) };
}

/**
 * X'X and X'X̃ from the rows, X̃ being lmerTest's `get_rdX`: [1, per term its own
 * `model.matrix(~ 0 + term)`].
 */
function fixedCrossFromRows(part: ParsedFormula['fixed'], variables: Map<string, FrameVariable>, n: number, X: Float64Array, p: number): FixedCross {
  const XtX = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = X[i * p + a];
      if (xa === 0) continue;
      for (let b = 0; b <= a; b++) XtX[a * p + b] += xa * X[i * p + b];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) XtX[b * p + a] = XtX[a * p + b];
  const blocks = part.terms.map((term) => designMatrix({ ...part, intercept: false, terms: [term] }, variables, n));
  const fullNames = [...(part.intercept ? ['(Intercept)'] : []), ...blocks.flatMap((b) => b.names)];
  const XtFull: Float64Array[] = [];
  const add = (value: (i: number) => number) => {
    const col = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const r = value(i);
      if (r === 0) continue;
      for (let a = 0; a < p; a++) col[a] += X[i * p + a] * r;
    }
    XtFull.push(col);
  };
  if (part.intercept) add(() => 1);
  for (const b of blocks) {
    const k = b.names.length;
    for (let j = 0; j < k; j++) add((i) => b.values[i * k + j]);
  }
  return { XtX, fullNames, XtFull };
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
  for (let j = 0; j < p; j++) {
    const c = center[j];
    for (let i = 0, k = j; i < n; i++, k += p) out[k] = X[k] - c;
  }
  return out;
}

function checkResponse(y: Float64Array, label: string): void {
  for (let i = 1; i < y.length; i++) if (y[i] !== y[0]) return;
  throw new LmmError('data', `response '${label}' has no variance: every value is ${y[0]}`);
}

/**
 * The rows of a model, or an error naming `what` needs them when the model was built from
 * cross-products alone (`rowFree`).
 */
export function modelRows(model: MixedModel, what: string): { y: Float64Array; X: Float64Array; terms: (ReTerm & { refs: Int32Array; Z: Float64Array })[] } {
  if (model.y === null || model.X === null || model.terms.some((t) => !t.refs || !t.Z)) {
    throw new LmmError('model', `${what} need${what.endsWith('s') ? '' : 's'} the data's rows, and this model was built from cross-products (${model.rowFree ?? 'no rows'}); use an in-memory data file (CSV, JSON, Arrow) for it`);
  }
  return { y: model.y, X: model.X, terms: model.terms as (ReTerm & { refs: Int32Array; Z: Float64Array })[] };
}
