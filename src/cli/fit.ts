import '../node/install.js';
import { basename } from 'node:path';
import { loadTable } from '../node/files.js';
import { fitLmm } from '../fit/lmm.js';
import { formatSummary } from '../fit/summary.js';
import { parseOptions, requireOption, toJson, type Command } from './io.js';

/** `lmm fit --data FILE --formula F [--weights COLUMN] [--ml] [--json]`: the exact REML/ML fit. */
export const fit: Command = async (argv, io) => {
  const options = parseOptions('fit', argv, {
    data: { type: 'string' },
    delimiter: { type: 'string' },
    formula: { type: 'string' },
    weights: { type: 'string' },
    residuals: { type: 'string', description: "residual structure: 'ar1(time | group)', 'var(stratum)' or both joined by + (nlme's corAR1, varIdent)" },
    ml: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const data = requireOption('fit', options.data as string | undefined, 'data');
  const formula = requireOption('fit', options.formula as string | undefined, 'formula');
  const table = loadTable(data, { delimiter: options.delimiter as string | undefined });
  const result = fitLmm(table, formula, { reml: !options.ml, weights: options.weights as string | undefined, residuals: options.residuals as string | undefined });
  for (const note of result.model.notes) io.stderr(`lmm fit: ${note}\n`);
  if (!result.converged) io.stderr(`lmm fit: warning: optimizer did not converge (${result.optimization.message})\n`);
  io.stdout(options.json ? toJson(result.toJSON()) + '\n' : formatSummary(result, basename(data).replace(/\.[^.]+$/, '')));
  return 0;
};
