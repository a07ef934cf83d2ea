import { LmmError } from '../errors.js';
import type { TermsPart } from '../formula/types.js';
import type { FrameVariable } from './frame.js';

/** A dense model matrix, row-major (`values[i * names.length + j]`). */
export interface DesignMatrix {
  names: string[];
  values: Float64Array;
  /** Index of the formula term each column belongs to (-1 for the intercept). */
  termOfColumn: Int32Array;
  /**
   * Columns that add up to the constant 1: the intercept, or without one, a factor main effect
   * coded by indicators for all its levels; null when the structure gives no such set.
   */
  constantColumns: number[] | null;
}

/** How one variable of a term enters its columns. */
type Factorpart =
  | { label: string; kind: 'numeric'; values: Float64Array }
  | { label: string; kind: 'matrix'; columns: Float64Array[]; names: string[] }
  | { label: string; kind: 'factor'; codes: Int32Array; levels: number[]; names: string[] };

/**
 * R's `model.matrix` for a terms part with treatment contrasts.
 *
 * Coding of a factor inside a term follows R's rule (Chambers & Hastie, *Statistical Models in
 * S*, p. 38, as implemented in R's `TermCode`): a factor is coded by contrasts (its first level
 * dropped) when the term without that factor is the empty term or is contained in an earlier
 * term; otherwise by indicators for all levels. Without an intercept, the first factor of the
 * first term containing a factor is coded by indicators. Columns of an interaction vary fastest
 * in its first variable, and are named `a:b` from the variable labels plus level names.
 */
export function designMatrix(part: TermsPart, variables: Map<string, FrameVariable>, n: number): DesignMatrix {
  const columns: { name: string; term: number; parts: { kind: 'numeric'; values: Float64Array }[]; levels: { codes: Int32Array; level: number }[] }[] = [];
  if (part.intercept) columns.push({ name: '(Intercept)', term: -1, parts: [], levels: [] });

  let firstFactorFull = !part.intercept;
  let constantColumns: number[] | null = part.intercept ? [0] : null;
  part.terms.forEach((term, t) => {
    const pieces: Factorpart[] = term.variables.map((label) => {
      const v = variables.get(label);
      if (!v) throw new Error(`internal: variable '${label}' missing from the model frame`);
      if (v.kind === 'numeric') return { label, kind: 'numeric', values: v.values };
      // A numeric matrix (poly): one column per matrix column, named label + column name (R).
      if (v.kind === 'matrix') return { label, kind: 'matrix', columns: v.columns, names: v.suffixes.map((s) => label + s) };
      let full = false;
      if (firstFactorFull) {
        full = true;
        firstFactorFull = false;
        if (term.variables.length === 1) constantColumns = v.factor.levels.map((_, k) => columns.length + k);
      } else {
        full = !contrastsApply(term.variables, label, part.terms.slice(0, t).map((e) => e.variables));
      }
      const all = v.factor.levels.map((_, k) => k);
      const levels = full ? all : all.slice(1);
      if (!full && v.factor.levels.length < 2) {
        throw new LmmError('data', `factor '${label}' has only one level ('${v.factor.levels[0]}') in the rows used; contrasts need at least two`);
      }
      return { label, kind: 'factor', codes: v.factor.codes, levels, names: levels.map((k) => label + v.factor.levels[k]) };
    });
    // Cartesian product of the pieces' columns; earlier pieces vary fastest, as in R.
    let combos: { names: string[]; numeric: Float64Array[]; levels: { codes: Int32Array; level: number }[] }[] = [{ names: [], numeric: [], levels: [] }];
    for (const piece of pieces) {
      const next: typeof combos = [];
      if (piece.kind === 'numeric') {
        for (const c of combos) next.push({ names: [...c.names, piece.label], numeric: [...c.numeric, piece.values], levels: c.levels });
      } else if (piece.kind === 'matrix') {
        for (let k = 0; k < piece.columns.length; k++) {
          for (const c of combos) next.push({ names: [...c.names, piece.names[k]], numeric: [...c.numeric, piece.columns[k]], levels: c.levels });
        }
      } else {
        for (let k = 0; k < piece.levels.length; k++) {
          for (const c of combos) {
            next.push({ names: [...c.names, piece.names[k]], numeric: c.numeric, levels: [...c.levels, { codes: piece.codes, level: piece.levels[k] }] });
          }
        }
      }
      combos = next;
    }
    for (const c of combos) columns.push({ name: c.names.join(':'), term: t, parts: c.numeric.map((values) => ({ kind: 'numeric', values })), levels: c.levels });
  });

  const p = columns.length;
  const values = new Float64Array(n * p);
  columns.forEach((column, j) => {
    for (let i = 0; i < n; i++) {
      let v = 1;
      for (const part of column.parts) v *= part.values[i];
      for (const level of column.levels) if (level.codes[i] !== level.level) v = 0;
      values[i * p + j] = v;
    }
  });
  return { names: columns.map((c) => c.name), values, termOfColumn: Int32Array.from(columns, (c) => c.term), constantColumns };
}

/**
 * R's `TermCode`: factor `label` in a term is coded by contrasts when the term without it is
 * empty or is a subset of an earlier term.
 */
function contrastsApply(term: readonly string[], label: string, earlier: readonly (readonly string[])[]): boolean {
  const rest = term.filter((v) => v !== label);
  if (rest.length === 0) return true;
  return earlier.some((e) => rest.every((v) => e.includes(v)));
}
