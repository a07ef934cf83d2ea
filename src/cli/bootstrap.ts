import '../node/install.js';
import { writeFileSync } from 'node:fs';
import { LmmError } from '../errors.js';
import { parametricBootstrapAsync } from '../fit/bootstrap/bootstrap.js';
import { formatBootstrap } from '../fit/bootstrap/format.js';
import { fitModel } from '../fit/lmm.js';
import { dataOptionSpec, formulaOption, modelInput } from './dataInput.js';
import { integerOption, parseOptions, requireOption, toJson, type Command } from './io.js';

/**
 * `lmm bootstrap --data F --formula M [--n 1000] [--seed S] [--level 0.95] [--replicates FILE] [--json]`:
 * a parametric bootstrap of the exact fit (lme4's `bootMer`), its percentile intervals and the
 * share of singular replicates.
 */
export const bootstrap: Command = async (argv, io) => {
  const options = parseOptions('bootstrap', argv, {
    ...dataOptionSpec,
    formula: { type: 'string' },
    weights: { type: 'string' },
    ml: { type: 'boolean', default: false },
    n: { type: 'string', defaultText: '1000', description: 'replicates' },
    seed: { type: 'string', defaultText: '1' },
    level: { type: 'string', defaultText: '0.95', description: 'coverage of the percentile intervals' },
    replicates: { type: 'string', description: 'write the replicate table to this CSV file' },
    json: { type: 'boolean', default: false },
  });
  const input = modelInput('bootstrap', options);
  const formula = formulaOption('bootstrap', options);
  const n = integerOption('bootstrap', 'n', options.n as string | undefined, 1000);
  const seed = integerOption('bootstrap', 'seed', options.seed as string | undefined, 1, 0);
  const level = options.level === undefined ? 0.95 : Number(options.level);
  if (!(level > 0 && level < 1)) throw new LmmError('option', `bootstrap: --level must be a number between 0 and 1, got '${options.level}'`);
  const fit = fitModel(await input.model(formula, { weights: options.weights as string | undefined }), { reml: !options.ml });
  for (const note of fit.model.notes) io.stderr(`lmm bootstrap: ${note}\n`);
  if (!fit.converged) io.stderr(`lmm bootstrap: warning: optimizer did not converge (${fit.optimization.message})\n`);
  const result = await parametricBootstrapAsync(fit, { n, seed });
  const records = result.records();
  if (options.replicates !== undefined) {
    const columns = Object.keys(records[0]);
    const csv = [columns.map((c) => JSON.stringify(c)).join(','), ...records.map((r) => columns.map((c) => String(r[c])).join(','))].join('\n') + '\n';
    try {
      writeFileSync(options.replicates as string, csv);
    } catch {
      throw new LmmError('file', `bootstrap: cannot write replicate table '${options.replicates}'`);
    }
  }
  if (options.json) {
    io.stdout(
      toJson({
        formula: fit.formula,
        method: fit.method,
        n: result.n,
        seed,
        level,
        bootstrapMillis: result.millis,
        singularShare: result.singularShare,
        intervals: result.intervals(level),
        replicates: records,
      }) + '\n',
    );
  } else io.stdout(formatBootstrap(result, level));
  return 0;
};
