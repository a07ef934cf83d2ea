import type { TermsPart } from '../formula/types.js';
import { designColumns, type VariableShape } from './designColumns.js';
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

/** The shape (kind, matrix suffixes, factor levels) of each frame variable, for {@link designColumns}. */
export function variableShapes(variables: ReadonlyMap<string, FrameVariable>): Map<string, VariableShape> {
  const shapes = new Map<string, VariableShape>();
  for (const [label, v] of variables) {
    shapes.set(label, v.kind === 'numeric' ? { kind: 'numeric' } : v.kind === 'matrix' ? { kind: 'matrix', suffixes: v.suffixes } : { kind: 'factor', levels: v.factor.levels });
  }
  return shapes;
}

/**
 * R's `model.matrix` for a terms part with treatment contrasts: the columns of
 * {@link designColumns} evaluated on the frame's rows.
 */
export function designMatrix(part: TermsPart, variables: Map<string, FrameVariable>, n: number): DesignMatrix {
  const { columns, constantColumns } = designColumns(part, variableShapes(variables));
  const p = columns.length;
  const values = new Float64Array(n * p);
  // Column by column through one contiguous scratch column, in flat loops: a fresh process runs
  // this once per column over every row, before V8 has optimised it. Each entry is the product of
  // its numeric factors in order (1·x₁·x₂…), zeroed where a factor's level is not the column's.
  const col = new Float64Array(n);
  columns.forEach((column, j) => {
    const numeric = column.numeric.map(({ label, column: k }) => {
      const v = variables.get(label) as FrameVariable;
      return v.kind === 'matrix' ? v.columns[k as number] : (v as { values: Float64Array }).values;
    });
    if (numeric.length === 0) col.fill(1);
    else col.set(numeric[0].subarray(0, n));
    for (let a = 1; a < numeric.length; a++) {
      const x = numeric[a];
      for (let i = 0; i < n; i++) col[i] *= x[i];
    }
    for (const { label, level } of column.levels) {
      const codes = (variables.get(label) as Extract<FrameVariable, { kind: 'factor' }>).factor.codes;
      for (let i = 0; i < n; i++) if (codes[i] !== level) col[i] = 0;
    }
    for (let i = 0, k = j; i < n; i++, k += p) values[k] = col[i];
  });
  return { names: columns.map((c) => c.name), values, termOfColumn: Int32Array.from(columns, (c) => c.term), constantColumns };
}
