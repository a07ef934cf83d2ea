/**
 * Text rendering of posterior summaries, laid out like posterior's printed
 * `summarise_draws` tibble: variable, mean, median, sd, mad, q5, q95, rhat, ess_bulk, ess_tail.
 */
import type { ParamSummaryRow } from './summarize.js';

/**
 * A number with 3 significant digits (whole numbers from 1000 up to 10^15, then exponent
 * notation, as below 10^−4), "NA" for null.
 */
export function formatSignificant(v: number | null, digits = 3): string {
  if (v === null || !Number.isFinite(v)) return 'NA';
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e15) return v.toExponential(digits - 1);
  if (Math.abs(v) >= 10 ** digits) return v.toFixed(0);
  const text = v.toPrecision(digits);
  if (!text.includes('e')) return text;
  const small = Math.abs(v) < 1e-4;
  return small ? v.toExponential(digits - 1) : text;
}

/** R-hat with 3 decimals (e.g. 1.002), "NA" for null. */
export function formatRhat(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'NA' : v.toFixed(3);
}

/** An effective sample size rounded to a whole number, "NA" for null. */
export function formatEss(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'NA' : v.toFixed(0);
}

/**
 * Aligned text table of summary rows (names left-aligned, numbers right-aligned), newline-terminated;
 * `mcse` adds the MCSE of the mean as a column after the mean.
 */
export function formatSummaryTable(rows: readonly ParamSummaryRow[], { mcse = false }: { mcse?: boolean } = {}): string {
  const header = ['variable', 'mean', ...(mcse ? ['mcse'] : []), 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail'];
  const body = rows.map((r) => [
    r.param,
    formatSignificant(r.mean),
    ...(mcse ? [formatSignificant(r.mcse_mean, 2)] : []),
    formatSignificant(r.median),
    formatSignificant(r.sd),
    formatSignificant(r.mad),
    formatSignificant(r.q5),
    formatSignificant(r.q95),
    formatRhat(r.rhat),
    formatEss(r.ess_bulk),
    formatEss(r.ess_tail),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((cells) => cells[j].length)));
  const line = (cells: string[]): string =>
    cells.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}
