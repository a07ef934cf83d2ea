/**
 * `lmm summarize --draws FILE [--json]`: posterior summaries and convergence diagnostics of
 * draws from any sampler, as R's `posterior::summarise_draws` reports them.
 */
import '../node/install.js';
import { readDrawsCsv } from '../node/files.js';
import { formatSummaryTable } from '../diagnostics/format.js';
import { summarizeParametersAsync } from '../diagnostics/parallel.js';
import { summaryRows } from '../diagnostics/summarize.js';
import { parseOptions, requireOption, toJson, type Command } from './io.js';

/** `lmm summarize`: reads a draws CSV and prints one summary row per parameter. */
export const summarize: Command = async (argv, io) => {
  const options = parseOptions('summarize', argv, {
    draws: { type: 'string', description: 'draws CSV to summarise: columns chain, iteration, then one per parameter' },
    json: { type: 'boolean' },
  });
  const file = requireOption('summarize', options.draws as string | undefined, 'draws');
  const draws = readDrawsCsv(file);
  const table = await summarizeParametersAsync(draws.params.map((param, p) => ({ param, chains: draws.chains[p] })));
  const rows = summaryRows(table);
  if (options.json === true) {
    io.stdout(`${toJson({ summary: rows })}\n`);
  } else {
    const nChains = draws.chains[0].length;
    const n = draws.chains[0][0].length;
    io.stdout(`${draws.params.length} parameters, ${nChains} chain${nChains === 1 ? '' : 's'} of ${n} draws\n\n`);
    io.stdout(formatSummaryTable(rows));
  }
  return 0;
};
