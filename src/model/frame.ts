import type * as aq from 'arquero';
import { LmmError, closestName } from '../errors.js';
import { evaluateNumeric } from '../formula/evaluate.js';
import type { ParsedFormula, Variable } from '../formula/types.js';
import { factorOfNumbers, factorOfStrings, formatLevel, interactionFactor, type Factor } from './factor.js';

/** A model variable over the kept rows: numbers, or a factor. */
export type FrameVariable = { kind: 'numeric'; values: Float64Array } | { kind: 'factor'; factor: Factor };

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
}

type RawColumn = { kind: 'numeric'; values: Float64Array } | { kind: 'string'; values: (string | null)[] };

/** Read a table column as numbers (NaN = missing) or strings (null = missing). */
export function rawColumn(table: aq.ColumnTable, name: string): RawColumn {
  const values = table.array(name) as ArrayLike<unknown>;
  if (values instanceof Float64Array) return { kind: 'numeric', values };
  const n = values.length;
  let numeric = true;
  for (let i = 0; i < n && numeric; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && typeof v !== 'number') numeric = false;
  }
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
}

/** Evaluate the formula's variables in `table` and drop rows with a missing value. */
export function modelFrame(table: aq.ColumnTable, formula: ParsedFormula, options: FrameOptions = {}): ModelFrame {
  const withResponse = options.response ?? true;
  const names = table.columnNames();
  const known = new Set(names);
  const variables = new Map<string, Variable>();
  for (const v of [...(withResponse ? [formula.response] : []), ...formula.fixed.variables, ...formula.random.flatMap((r) => r.effects.variables)]) {
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

  // Evaluate every variable on all rows; a plain name is the column itself.
  const evaluated = new Map<string, RawColumn>();
  for (const [label, v] of variables) {
    if (v.expr.kind === 'name') {
      evaluated.set(label, column(v.expr.name));
    } else {
      const values = evaluateNumeric(v.expr, (name) => {
        const c = column(name);
        return c.kind === 'numeric' ? c.values : null;
      }, nTotal);
      evaluated.set(label, { kind: 'numeric', values });
    }
  }
  const response = evaluated.get(formula.response.label);
  if (response && response.kind !== 'numeric') {
    const example = response.values.find((v) => v !== null);
    throw new LmmError('data', `response '${formula.response.label}' is not numeric (it holds text such as '${example}')`);
  }

  // Complete cases over every used variable and grouping column.
  const keep = new Uint8Array(nTotal).fill(1);
  const missingIn = new Set<string>();
  const markMissing = (label: string, c: RawColumn) => {
    for (let i = 0; i < nTotal; i++) {
      const missing = c.kind === 'numeric' ? Number.isNaN(c.values[i]) : c.values[i] === null;
      if (missing) {
        keep[i] = 0;
        missingIn.add(label);
      }
    }
  };
  for (const [label, c] of evaluated) markMissing(label, c);
  for (const name of groupColumns) markMissing(name, column(name));
  // As lme4 ("NA/NaN/Inf in 'y'"): an infinite value in a kept row is not missing, and no fit can use it.
  for (const [label, c] of evaluated) {
    if (c.kind !== 'numeric') continue;
    for (let i = 0; i < nTotal; i++) {
      if (keep[i] && (c.values[i] === Infinity || c.values[i] === -Infinity)) {
        throw new LmmError('data', `'${label}' is infinite in row ${i + 1}; remove or recode infinite values`);
      }
    }
  }
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
  return { n, nTotal, dropped: nTotal - n, rows, variables: frameVariables, groups, lostLevels };
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

function toFrameVariable(c: RawColumn, rows: Int32Array | null, label: string, levels: readonly string[] | undefined): FrameVariable {
  if (c.kind === 'numeric') return { kind: 'numeric', values: subsetNumbers(c.values, rows) };
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
