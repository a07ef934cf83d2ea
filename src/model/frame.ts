import type * as aq from 'arquero';
import { LmmError, closestName } from '../errors.js';
import { evaluateNumeric } from '../formula/evaluate.js';
import type { Expr, ParsedFormula, Variable } from '../formula/types.js';
import { factorOfNumbers, factorOfStrings, formatLevel, interactionFactor, type Factor } from './factor.js';
import { polyBasis, polyPredict, rawPolynomials, scaleColumn, scaleWith, type Transform } from './transforms.js';

/**
 * A model variable over the kept rows: numbers, a factor, or a numeric matrix (`poly(x, 2)`,
 * whose columns are named by the variable's label followed by `suffixes`).
 */
export type FrameVariable =
  | { kind: 'numeric'; values: Float64Array }
  | { kind: 'factor'; factor: Factor }
  | { kind: 'matrix'; columns: Float64Array[]; suffixes: string[] };

/**
 * The model frame: the variables a formula uses, evaluated on the rows that have no missing
 * value in any of them (lme4's default `na.omit`).
 */
export interface ModelFrame {
  /** Rows kept. */
  n: number;
  /** Rows in the table. */
  nTotal: number;
  /** Rows dropped for a missing value in a used column. */
  dropped: number;
  /** Table row of each kept row (null when every row is kept). */
  rows: Int32Array | null;
  /** Variables by label (response, fixed and random-effects variables). */
  variables: Map<string, FrameVariable>;
  /** Grouping factors by lme4 label (`school`, `cask:batch`), unused levels dropped. */
  groups: Map<string, Factor>;
  /** Per factor column, the levels that occur only in dropped rows (so are not in the model). */
  lostLevels: Map<string, string[]>;
  /** Coefficients of `poly()`/`scale()` variables by label (R's predvars), for new data. */
  transforms: Map<string, Transform>;
  /** The sum of the fixed part's `offset()` terms on the kept rows; null without offsets. */
  offset: Float64Array | null;
  /** Prior weights on the kept rows; null without weights. */
  weights: Float64Array | null;
}

/** A variable evaluated on every row of the table, before rows are dropped. */
type Evaluated = RawColumn | { kind: 'numericFactor'; values: Float64Array } | { kind: 'matrix'; columns: Float64Array[]; suffixes: string[] };

type RawColumn = { kind: 'numeric'; values: Float64Array } | { kind: 'string'; values: (string | null)[] };

/** Read a table column as numbers (NaN = missing) or strings (null = missing). */
export function rawColumn(table: aq.ColumnTable, name: string): RawColumn {
  const values = table.array(name) as ArrayLike<unknown>;
  if (values instanceof Float64Array) return { kind: 'numeric', values };
  const n = values.length;
  let numeric = true;
  let complete = true;
  for (let i = 0; i < n && numeric; i++) {
    const v = values[i];
    if (typeof v !== 'number') {
      if (v === null || v === undefined) complete = false;
      else numeric = false;
    }
  }
  // Numbers only: the typed-array constructor's own conversion (the same values, one builtin pass).
  if (numeric && complete) return { kind: 'numeric', values: Float64Array.from(values as ArrayLike<number>) };
  if (numeric) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = typeof v === 'number' ? v : NaN;
    }
    return { kind: 'numeric', values: out };
  }
  const out: (string | null)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
  }
  return { kind: 'string', values: out };
}

/** Options of {@link modelFrame}. */
export interface FrameOptions {
  /** Whether the response is part of the frame (false for prediction on new data). */
  response?: boolean;
  /** Factor levels to use instead of the data's own (prediction: the levels of the fitted model). */
  levels?: ReadonlyMap<string, readonly string[]>;
  /** Whether to build the grouping factors (false for prediction, which maps levels itself). */
  groups?: boolean;
  /** `poly()`/`scale()` coefficients to use instead of computing them (prediction: the fit's). */
  transforms?: ReadonlyMap<string, Transform>;
  /** Prior weights, one per table row (NaN = missing: the row is dropped), and their label for messages. */
  weights?: { label: string; values: Float64Array };
}

/** Evaluate the formula's variables in `table` and drop rows with a missing value. */
export function modelFrame(table: aq.ColumnTable, formula: ParsedFormula, options: FrameOptions = {}): ModelFrame {
  const withResponse = options.response ?? true;
  const names = table.columnNames();
  const known = new Set(names);
  const variables = new Map<string, Variable>();
  const offsets = formula.fixed.offsets ?? [];
  for (const v of [...(withResponse ? [formula.response] : []), ...formula.fixed.variables, ...offsets, ...formula.random.flatMap((r) => r.effects.variables)]) {
    if (!variables.has(v.label)) variables.set(v.label, v);
  }
  const groupColumns = [...new Set(formula.random.flatMap((r) => r.groupColumns))];
  for (const column of [...[...variables.values()].flatMap((v) => v.columns), ...groupColumns]) {
    if (!known.has(column)) {
      const hint = closestName(column, names);
      throw new LmmError('data', `unknown column '${column}' in formula${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }

  const nTotal = table.numRows();
  const raw = new Map<string, RawColumn>();
  const column = (name: string): RawColumn => {
    let c = raw.get(name);
    if (!c) raw.set(name, (c = rawColumn(table, name)));
    return c;
  };

  // Evaluate every variable on all rows, as R's model.frame does before dropping incomplete
  // rows (so poly() and scale() see every row of their own column); a plain name is the column.
  const numeric = (expr: Expr, label?: string): Float64Array =>
    evaluateNumeric(expr, (name) => {
      const c = column(name);
      return c.kind === 'numeric' ? c.values : null;
    }, nTotal, label);
  const transforms = new Map<string, Transform>();
  const evaluate = (label: string, v: Variable): Evaluated => {
    if (v.expr.kind === 'name') return column(v.expr.name);
    const fn = v.fn;
    if (fn === undefined) return { kind: 'numeric', values: numeric(v.expr) };
    switch (fn.kind) {
      case 'offset':
        return { kind: 'numeric', values: numeric(fn.arg, label) };
      case 'factor': {
        if (fn.arg.kind === 'name') {
          const c = column(fn.arg.name);
          return c.kind === 'string' ? c : { kind: 'numericFactor', values: c.values };
        }
        return { kind: 'numericFactor', values: numeric(fn.arg) };
      }
      case 'scale': {
        const given = options.transforms?.get(label);
        const x = numeric(fn.arg, label);
        if (given?.kind === 'scale') return { kind: 'numeric', values: scaleWith(x, given) };
        const { values, transform } = scaleColumn(x, fn.center, fn.scale);
        transforms.set(label, transform);
        return { kind: 'numeric', values };
      }
      case 'poly': {
        const x = numeric(fn.arg, label);
        const suffixes = Array.from({ length: fn.degree }, (_, j) => String(j + 1));
        if (fn.raw) return { kind: 'matrix', columns: rawPolynomials(x, fn.degree), suffixes };
        const given = options.transforms?.get(label);
        if (given?.kind === 'poly') return { kind: 'matrix', columns: polyPredict(x, given), suffixes };
        const { columns, transform } = polyBasis(x, fn.degree, label);
        transforms.set(label, transform);
        return { kind: 'matrix', columns, suffixes };
      }
    }
  };
  const evaluated = new Map<string, Evaluated>();
  for (const [label, v] of variables) evaluated.set(label, evaluate(label, v));
  const response = evaluated.get(formula.response.label);
  if (response && response.kind !== 'numeric' && response.kind !== 'string') {
    throw new LmmError('data', `the response '${formula.response.label}' must be a numeric column or expression`);
  }
  if (response && response.kind === 'string') {
    const example = response.values.find((v) => v !== null);
    throw new LmmError('data', `response '${formula.response.label}' is not numeric (it holds text such as '${example}')`);
  }

  // Complete cases over every used variable and grouping column.
  const keep = new Uint8Array(nTotal).fill(1);
  const missingIn = new Set<string>();
  const markMissing = (label: string, c: Evaluated) => {
    const drop = (i: number) => {
      keep[i] = 0;
      missingIn.add(label);
    };
    // One loop per kind of column (a fresh process runs these once over every row).
    if (c.kind === 'matrix') {
      for (let i = 0; i < nTotal; i++) if (c.columns.some((col) => Number.isNaN(col[i]))) drop(i);
    } else if (c.kind === 'string') {
      const values = c.values;
      for (let i = 0; i < nTotal; i++) if (values[i] === null) drop(i);
    } else {
      const values = c.values;
      for (let i = 0; i < nTotal; i++) if (values[i] !== values[i]) drop(i);
    }
  };
  for (const [label, c] of evaluated) markMissing(label, c);
  for (const name of groupColumns) markMissing(name, column(name));
  if (options.weights) markMissing(options.weights.label, { kind: 'numeric', values: options.weights.values });
  // As lme4 ("NA/NaN/Inf in 'y'"): an infinite value in a kept row is not missing, and no fit can use it.
  const infinite = (label: string, values: Float64Array) => {
    for (let i = 0; i < nTotal; i++) {
      if (keep[i] && (values[i] === Infinity || values[i] === -Infinity)) {
        throw new LmmError('data', `'${label}' is infinite in row ${i + 1}; remove or recode infinite values`);
      }
    }
  };
  for (const [label, c] of evaluated) {
    if (c.kind === 'numeric') infinite(label, c.values);
    else if (c.kind === 'matrix') c.columns.forEach((col) => infinite(label, col));
  }
  if (options.weights) infinite(options.weights.label, options.weights.values);
  let n = 0;
  for (let i = 0; i < nTotal; i++) n += keep[i];
  if (n === 0) throw new LmmError('data', `no rows left after dropping rows with missing values in ${[...missingIn].map((m) => `'${m}'`).join(', ')}`);
  let rows: Int32Array | null = null;
  if (n < nTotal) {
    rows = new Int32Array(n);
    for (let i = 0, k = 0; i < nTotal; i++) if (keep[i]) rows[k++] = i;
  }

  const frameVariables = new Map<string, FrameVariable>();
  for (const [label, c] of evaluated) frameVariables.set(label, toFrameVariable(c, rows, label, options.levels?.get(label)));
  const groups = new Map<string, Factor>();
  for (const r of options.groups === false ? [] : formula.random) {
    if (groups.has(r.group)) continue;
    const factors = r.groupColumns.map((name) => {
      const c = column(name);
      return c.kind === 'numeric' ? factorOfNumbers(subsetNumbers(c.values, rows)) : factorOfStrings(subsetStrings(c.values, rows));
    });
    groups.set(r.group, interactionFactor(factors));
  }
  const lostLevels = new Map<string, string[]>();
  if (rows !== null) {
    const factorColumns = new Set([...variables.values()].filter((v) => v.expr.kind === 'name' && evaluated.get(v.label)?.kind === 'string').map((v) => v.label));
    for (const name of groupColumns) factorColumns.add(name);
    for (const name of factorColumns) {
      const lost = levelsOnlyIn(column(name), keep);
      if (lost.length > 0) lostLevels.set(name, lost);
    }
  }
  let offset: Float64Array | null = null;
  for (const v of offsets) {
    const values = (frameVariables.get(v.label) as { values: Float64Array }).values;
    offset ??= new Float64Array(n);
    for (let i = 0; i < n; i++) offset[i] += values[i];
  }
  const weights = options.weights ? subsetNumbers(options.weights.values, rows) : null;
  return { n, nTotal, dropped: nTotal - n, rows, variables: frameVariables, groups, lostLevels, transforms, offset, weights };
}

/** Distinct non-missing values of a column that occur only in rows not kept. */
function levelsOnlyIn(c: RawColumn, keep: Uint8Array): string[] {
  const kept = new Set<string | number>();
  const dropped = new Set<string | number>();
  for (let i = 0; i < keep.length; i++) {
    const v = c.values[i];
    if (v === null || (typeof v === 'number' && Number.isNaN(v))) continue;
    (keep[i] ? kept : dropped).add(v);
  }
  return [...dropped].filter((v) => !kept.has(v)).map((v) => (typeof v === 'number' ? formatLevel(v) : v));
}

function toFrameVariable(c: Evaluated, rows: Int32Array | null, label: string, levels: readonly string[] | undefined): FrameVariable {
  if (c.kind === 'numeric') return { kind: 'numeric', values: subsetNumbers(c.values, rows) };
  if (c.kind === 'matrix') return { kind: 'matrix', columns: c.columns.map((col) => subsetNumbers(col, rows)), suffixes: c.suffixes };
  if (c.kind === 'numericFactor') {
    const x = subsetNumbers(c.values, rows);
    return { kind: 'factor', factor: levels ? factorWithLevels(Array.from(x, formatLevel), levels, label) : factorOfNumbers(x) };
  }
  const values = subsetStrings(c.values, rows);
  return { kind: 'factor', factor: levels ? factorWithLevels(values, levels, label) : factorOfStrings(values) };
}

/** Codes of `values` in given levels; a value outside them is an error naming the factor. */
function factorWithLevels(values: readonly string[], levels: readonly string[], label: string): Factor {
  const index = new Map(levels.map((level, k) => [level, k]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]);
    if (k === undefined) throw new LmmError('data', `factor '${label}' has level '${values[i]}', which is not in the data the model was fitted to`);
    codes[i] = k;
  }
  return { levels: [...levels], codes };
}

function subsetNumbers(values: Float64Array, rows: Int32Array | null): Float64Array {
  if (rows === null) return values;
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = values[rows[k]];
  return out;
}

function subsetStrings(values: (string | null)[], rows: Int32Array | null): string[] {
  if (rows === null) return values as string[];
  return Array.from(rows, (i) => values[i] as string);
}
