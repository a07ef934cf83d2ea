/**
 * The columns of R's `model.matrix` for a terms part, described symbolically: each column is a
 * product of numeric variables (or columns of a matrix variable such as `poly(x, 2)`) times
 * indicators of factor levels. Both the in-memory pass (design.ts, which evaluates the columns
 * on arrays) and the SQL pass (src/duckdb/sql.ts, which writes them as SQL expressions) read
 * this one description, so the coding rules live in one place.
 */
import { LmmError } from '../errors.js';
import type { TermsPart } from '../formula/types.js';

/** What the coding needs to know of a variable: its kind, a matrix's column suffixes, a factor's levels. */
export type VariableShape =
  | { kind: 'numeric' }
  | { kind: 'matrix'; suffixes: string[] }
  | { kind: 'factor'; levels: readonly string[] };

/** One design column: Π numeric factors × Π [factor = level]. */
export interface DesignColumn {
  name: string;
  /** Index of the formula term the column belongs to (-1 for the intercept). */
  term: number;
  /** Numeric variables multiplied (`column`: which column of a matrix variable). */
  numeric: { label: string; column?: number }[];
  /** Factor-level indicators multiplied (level index into the factor's levels). */
  levels: { label: string; level: number }[];
}

/** The columns and the set of them that adds up to the constant (see {@link designColumns}). */
export interface DesignLayout {
  columns: DesignColumn[];
  /**
   * Columns that add up to the constant 1: the intercept, or without one, a factor main effect
   * coded by indicators for all its levels; null when the structure gives no such set.
   */
  constantColumns: number[] | null;
}

/**
 * R's `model.matrix` columns for a terms part with treatment contrasts.
 *
 * Coding of a factor inside a term follows R's rule (Chambers & Hastie, *Statistical Models in
 * S*, p. 38, as implemented in R's `TermCode`): a factor is coded by contrasts (its first level
 * dropped) when the term without that factor is the empty term or is contained in an earlier
 * term; otherwise by indicators for all levels. Without an intercept, the first factor of the
 * first term containing a factor is coded by indicators. Columns of an interaction vary fastest
 * in its first variable, and are named `a:b` from the variable labels plus level names.
 */
export function designColumns(part: TermsPart, shapes: ReadonlyMap<string, VariableShape>): DesignLayout {
  const columns: DesignColumn[] = [];
  if (part.intercept) columns.push({ name: '(Intercept)', term: -1, numeric: [], levels: [] });
  let firstFactorFull = !part.intercept;
  let constantColumns: number[] | null = part.intercept ? [0] : null;
  part.terms.forEach((term, t) => {
    type Combo = { names: string[]; numeric: DesignColumn['numeric']; levels: DesignColumn['levels'] };
    let combos: Combo[] = [{ names: [], numeric: [], levels: [] }];
    for (const label of term.variables) {
      const v = shapes.get(label);
      if (!v) throw new Error(`internal: variable '${label}' missing from the model frame`);
      const next: Combo[] = [];
      if (v.kind === 'numeric') {
        for (const c of combos) next.push({ names: [...c.names, label], numeric: [...c.numeric, { label }], levels: c.levels });
      } else if (v.kind === 'matrix') {
        // A numeric matrix (poly): one column per matrix column, named label + column name (R).
        v.suffixes.forEach((suffix, k) => {
          for (const c of combos) next.push({ names: [...c.names, label + suffix], numeric: [...c.numeric, { label, column: k }], levels: c.levels });
        });
      } else {
        let full = false;
        if (firstFactorFull) {
          full = true;
          firstFactorFull = false;
          if (term.variables.length === 1) constantColumns = v.levels.map((_, k) => columns.length + k);
        } else {
          full = !contrastsApply(term.variables, label, part.terms.slice(0, t).map((e) => e.variables));
        }
        if (!full && v.levels.length < 2) {
          throw new LmmError('data', `factor '${label}' has only one level ('${v.levels[0]}') in the rows used; contrasts need at least two`);
        }
        const all = v.levels.map((_, k) => k);
        // Cartesian product; earlier pieces vary fastest, as in R.
        for (const k of full ? all : all.slice(1)) {
          for (const c of combos) next.push({ names: [...c.names, label + v.levels[k]], numeric: c.numeric, levels: [...c.levels, { label, level: k }] });
        }
      }
      combos = next;
    }
    for (const c of combos) columns.push({ name: c.names.join(':'), term: t, numeric: c.numeric, levels: c.levels });
  });
  return { columns, constantColumns };
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
