import '../node/install.js';
import { LmmError } from '../errors.js';
import { loadTable } from '../node/files.js';
import { predictionIntervals } from '../fit/bootstrap/predictInterval.js';
import { fitLmm } from '../fit/lmm.js';
import { integerOption, parseOptions, requireOption, toJson, type Command } from './io.js';

/**
 * `lmm predict --data F --formula M --newdata N [--interval confidence|prediction] [--re-form NA]
 * [--allow-new-levels] [--n 1000] [--seed S] [--level 0.95] [--json]`: predictions for new data
 * (lme4's `predict`), with bootstrap intervals on request. Prints CSV (row, fit, lwr, upr).
 */
export const predict: Command = async (argv, io) => {
  const options = parseOptions('predict', argv, {
    data: { type: 'string' },
    delimiter: { type: 'string' },
    formula: { type: 'string' },
    weights: { type: 'string' },
    newdata: { type: 'string', description: 'the rows to predict (same column names)' },
    interval: { type: 'string', description: "'confidence' or 'prediction', from a parametric bootstrap" },
    're-form': { type: 'string', description: "'NA': population level, without the random effects (lme4's re.form = NA)" },
    'allow-new-levels': { type: 'boolean', default: false, description: 'predict levels not in the fit at the population value' },
    n: { type: 'string', defaultText: '1000', description: 'bootstrap replicates for --interval' },
    seed: { type: 'string', defaultText: '1' },
    level: { type: 'string', defaultText: '0.95' },
    ml: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  const data = requireOption('predict', options.data as string | undefined, 'data');
  const formula = requireOption('predict', options.formula as string | undefined, 'formula');
  const newdata = requireOption('predict', options.newdata as string | undefined, 'newdata');
  const interval = options.interval as string | undefined;
  if (interval !== undefined && interval !== 'confidence' && interval !== 'prediction') throw new LmmError('option', `predict: --interval must be 'confidence' or 'prediction', got '${interval}'`);
  const reForm = options['re-form'] as string | undefined;
  if (reForm !== undefined && reForm !== 'NA') throw new LmmError('option', `predict: --re-form takes 'NA' (population level), got '${reForm}'`);
  const level = options.level === undefined ? 0.95 : Number(options.level);
  if (!(level > 0 && level < 1)) throw new LmmError('option', `predict: --level must be a number between 0 and 1, got '${options.level}'`);
  const n = integerOption('predict', 'n', options.n as string | undefined, 1000);
  const seed = integerOption('predict', 'seed', options.seed as string | undefined, 1, 0);
  const delimiter = options.delimiter as string | undefined;
  const fit = fitLmm(loadTable(data, { delimiter }), formula, { reml: !options.ml, weights: options.weights as string | undefined });
  for (const note of fit.model.notes) io.stderr(`lmm predict: ${note}\n`);
  const rows = loadTable(newdata, { delimiter });
  const random = reForm !== 'NA';
  const allowNewLevels = options['allow-new-levels'] as boolean;
  let result: { fit: Float64Array; lower?: Float64Array; upper?: Float64Array; newLevelRows?: number };
  if (interval === undefined) {
    result = { fit: fit.predict(rows, { random, allowNewLevels: allowNewLevels || !random }) };
  } else {
    result = predictionIntervals(fit, rows, { interval, random, n, seed, level, allowNewLevels: allowNewLevels || !random });
  }
  if (random && allowNewLevels && interval !== undefined && result.newLevelRows) io.stderr(`lmm predict: ${result.newLevelRows} row(s) with a level not in the fit predicted at the population value\n`);
  const records = Array.from(result.fit, (v, i) => ({ row: i + 1, fit: v, ...(result.lower ? { lwr: result.lower[i], upr: result.upper![i] } : {}) }));
  if (options.json) {
    io.stdout(toJson({ formula: fit.formula, method: fit.method, reForm: random ? null : 'NA', interval: interval ?? null, ...(interval ? { n, seed, level } : {}), predictions: records }) + '\n');
  } else {
    const cols = Object.keys(records[0] ?? { row: 0, fit: 0 });
    io.stdout([cols.join(','), ...records.map((r) => cols.map((c) => String((r as Record<string, number>)[c])).join(','))].join('\n') + '\n');
  }
  return 0;
};
