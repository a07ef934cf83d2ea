/**
 * Small text-layout helpers for lme4-style printed summaries.
 */

/** A number with `digits` significant digits, without exponent for ordinary magnitudes. */
export function signif(x: number | null | undefined, digits = 4): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(x)));
  if (magnitude >= 15 || magnitude < -5) return x.toExponential(digits - 1);
  const decimals = Math.max(0, digits - 1 - magnitude);
  return x.toFixed(Math.min(decimals, 15));
}

/**
 * Format a column of numbers with a common number of decimals (as R's `format` of a vector):
 * enough decimals for `digits` significant digits in the smallest non-zero magnitude, capped.
 */
export function formatColumn(values: readonly (number | null)[], digits = 4, maxDecimals = 6): string[] {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v) && v !== 0);
  const minMagnitude = finite.length ? Math.min(...finite.map((v) => Math.floor(Math.log10(Math.abs(v))))) : 0;
  const decimals = Math.min(maxDecimals, Math.max(0, digits - 1 - minMagnitude));
  return values.map((v) => (v === null || Number.isNaN(v) ? 'NA' : !Number.isFinite(v) ? (v > 0 ? 'Inf' : '-Inf') : v.toFixed(decimals)));
}

/** Lay out rows of cells as a table: first column left-aligned, the others right-aligned. */
export function table(rows: readonly (readonly string[])[], leftAligned = 1, indent = ''): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, j) => (widths[j] = Math.max(widths[j] ?? 0, cell.length)));
  return rows
    .map((row) => indent + row.map((cell, j) => (j < leftAligned ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join(' ').trimEnd())
    .join('\n');
}
