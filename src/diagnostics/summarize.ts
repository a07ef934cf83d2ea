/**
 * Posterior summaries of many parameters as a table (see summarizer.ts for the statistics and
 * how they are computed).
 */
import * as aq from 'arquero';
import { DrawsSummarizer, type SummaryRow } from './summarizer.js';

export { DrawsSummarizer, type SummaryRow } from './summarizer.js';

/** A {@link SummaryRow} with its parameter name, as in `lmm summarize --json`. */
export interface ParamSummaryRow extends SummaryRow {
  param: string;
}

/** Column order of summary tables and JSON rows. */
export const SUMMARY_COLUMNS = [
  'param', 'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean',
] as const;

const STAT_COLUMNS = SUMMARY_COLUMNS.slice(1) as readonly (keyof SummaryRow)[];

/**
 * Summary of one parameter: `chains` holds one array of draws per chain, all of the same
 * length. Matches `posterior::summarise_draws` (1.4.0); undefined statistics are null.
 */
export function summarizeDraws(chains: readonly ArrayLike<number>[]): SummaryRow {
  shared ??= new DrawsSummarizer();
  return shared.summarize(chains);
}

/** Buffers kept between calls of {@link summarizeDraws} (it runs synchronously, so sharing is safe). */
let shared: DrawsSummarizer | undefined;

/**
 * Summaries of several parameters as an arquero table with columns param, mean, median, sd,
 * mad, q5, q95, rhat, ess_bulk, ess_tail, mcse_mean (null where undefined), one row per
 * parameter in the order given.
 */
export function summarizeParameters(params: readonly { param: string; chains: readonly ArrayLike<number>[] }[]): aq.ColumnTable {
  const summarizer = new DrawsSummarizer();
  return summaryTable(params.map((p) => p.param), params.map((p) => summarizer.summarize(p.chains)));
}

/** The summary table of {@link summarizeParameters} from its parameter names and rows. */
export function summaryTable(names: readonly string[], rows: readonly SummaryRow[]): aq.ColumnTable {
  const columns: Record<string, (string | number | null)[]> = { param: [...names] };
  for (const name of STAT_COLUMNS) columns[name] = rows.map((row) => row[name]);
  return aq.table(columns, [...SUMMARY_COLUMNS]);
}

/** The rows of a summary table as plain objects (for JSON), columns in the standard order. */
export function summaryRows(table: aq.ColumnTable): ParamSummaryRow[] {
  return table.objects({ columns: [...SUMMARY_COLUMNS] }) as ParamSummaryRow[];
}
