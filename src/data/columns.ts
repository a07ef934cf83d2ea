/**
 * Typing of raw text columns: a column whose every non-missing cell parses as a number is
 * numeric (Float64Array, NaN where missing); any other column holds strings (null where missing).
 */

/** Cells read as missing, as R's `read.csv` defaults (`NA`) plus the empty cell. */
export function isMissingText(cell: string): boolean {
  const t = cell.trim();
  return t === '' || t === 'NA' || t === 'NaN';
}

const numberPattern = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf)$/;

/** Parse a cell as a number in R's `type.convert` spirit; `undefined` when it is not one. */
export function parseNumber(cell: string): number | undefined {
  const t = cell.trim();
  if (!numberPattern.test(t)) return undefined;
  if (t.endsWith('Inf')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** A typed column: numbers (NaN = missing) or strings (null = missing). */
export type TypedColumn = Float64Array | (string | null)[];

/** Type one column of text cells. */
export function typeColumn(cells: readonly string[]): TypedColumn {
  const numbers = new Float64Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (isMissingText(cell)) {
      numbers[i] = NaN;
      continue;
    }
    const value = parseNumber(cell);
    if (value === undefined) return cells.map((c) => (isMissingText(c) ? null : c));
    numbers[i] = value;
  }
  return numbers;
}
