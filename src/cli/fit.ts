import '../node/install.js';
import { LmmError } from '../errors.js';
import { fitModel, fitWithTable, type DdfMethod } from '../fit/lmm.js';
import { dataOptionSpec, formulaOption, modelInput } from './dataInput.js';
import { satterthwaiteSeconds } from '../fit/satterthwaite.js';
import { formatSummary, type SummaryInference } from '../fit/summary.js';
import { integerOption, parseOptions, requireOption, toJson, type Command } from './io.js';
import { fitKernels } from './kernels.js';

/** Above this estimated time (seconds) the default skips Satterthwaite's df (say so on stderr). */
const defaultSecondsLimit = 10;

/**
 * `lmm fit --data FILE --formula F [--weights COLUMN] [--ml] [--ddf satterthwaite|kenward-roger|none]
 * [--confint profile|wald] [--level 0.95] [--json]`: the exact REML/ML fit, with lmerTest's
 * Satterthwaite (or Kenward–Roger) df, p-values and type III F tests (unless `--ddf none`) and lme4's intervals.
 */
export const fit: Command = async (argv, io) => {
  const kernels = fitKernels();
  const options = parseOptions('fit', argv, {
    ...dataOptionSpec,
    formula: { type: 'string' },
    weights: { type: 'string' },
    residuals: { type: 'string', description: "residual structure: 'ar1(time | group)', 'var(stratum)' or both joined by + (nlme's corAR1, varIdent)" },
    ml: { type: 'boolean', default: false },
    ddf: { type: 'string', defaultText: 'satterthwaite, skipped with a note where it would take over ~10 s', description: 'denominator df for t and F tests: satterthwaite, kenward-roger (REML fits up to 3000 rows) or none' },
    confint: { type: 'string', description: 'confidence intervals: profile (SDs, correlations, sigma, fixed effects), wald (fixed effects) or boot (parametric bootstrap percentiles)' },
    level: { type: 'string', default: '0.95', description: 'coverage of --confint' },
    nsim: { type: 'string', defaultText: '500', description: 'bootstrap replicates of --confint boot' },
    seed: { type: 'string', defaultText: '1', description: 'seed of --confint boot' },
    json: { type: 'boolean', default: false },
  });
  const formula = formulaOption('fit', options);
  const ddfGiven = options.ddf !== undefined;
  let ddf = String(options.ddf ?? 'satterthwaite').toLowerCase();
  if (ddf !== 'satterthwaite' && ddf !== 'kenward-roger' && ddf !== 'none') {
    throw new LmmError('option', `fit: --ddf must be satterthwaite, kenward-roger or none, got '${options.ddf}'`);
  }
  if (ddf === 'kenward-roger' && options.ml) throw new LmmError('option', "fit: --ddf kenward-roger needs a REML fit (drop --ml), as lmerTest");
  const confintMethod = options.confint === undefined ? undefined : String(options.confint).toLowerCase();
  if (confintMethod !== undefined && confintMethod !== 'profile' && confintMethod !== 'wald' && confintMethod !== 'boot') {
    throw new LmmError('option', `fit: --confint must be profile, wald or boot, got '${options.confint}'`);
  }
  const nsim = integerOption('fit', 'nsim', options.nsim as string | undefined, 500);
  const seed = integerOption('fit', 'seed', options.seed as string | undefined, 1, 0);
  const level = Number(options.level);
  if (!/^\s*[0-9.eE+-]+\s*$/.test(String(options.level)) || !(level > 0 && level < 1)) {
    throw new LmmError('option', `fit: --level must be a number between 0 and 1, got '${options.level}'`);
  }
  const input = modelInput('fit', options);
  const residuals = options.residuals as string | undefined;
  if (residuals !== undefined && !input.inMemory) throw new LmmError('option', 'fit: --residuals needs the rows in memory; DuckDB gives only the cross-products (use --engine memory with a CSV file)');
  if (ddf === 'kenward-roger' && !input.inMemory) throw new LmmError('option', "fit: --ddf kenward-roger needs the rows in memory (n×n matrices); DuckDB gives only the cross-products");
  // fitMillis starts once the rows are read (as lme4's `system.time(lmer(...))` after loading the
  // data): it covers building the model (the frame, the design, the one pass) and the fit.
  if (input.inMemory) input.table();
  // The kernels compiled while the rows were read (as lme4's code is loaded before its timing).
  await kernels;
  const start = performance.now();
  const model = await input.model(formula, { weights: options.weights as string | undefined });
  const result = residuals !== undefined ? fitWithTable(input.table(), model, residuals, !options.ml) : fitModel(model, { reml: !options.ml });
  result.fitMillis = performance.now() - start;
  if (!ddfGiven && satterthwaiteSeconds(result) > defaultSecondsLimit) {
    ddf = 'none';
    io.stderr(`lmm fit: Satterthwaite df skipped by default: they would take about ${Math.round(satterthwaiteSeconds(result))} s for this model (${result.theta.length + 1} variance parameters); ask with --ddf satterthwaite\n`);
  }
  const method = ddf === 'none' ? undefined : (ddf as DdfMethod);
  for (const note of result.model.notes) io.stderr(`lmm fit: ${note}\n`);
  if (!result.converged) io.stderr(`lmm fit: warning: optimizer did not converge (${result.optimization.message})\n`);
  const confint = confintMethod ? { method: confintMethod as 'profile' | 'wald' | 'boot', level, nsim, seed } : undefined;
  if (ddf === 'satterthwaite') {
    const bad = result.satterthwaite.nonPositive;
    if (bad.length > 0) {
      io.stderr(`lmm fit: warning: the Hessian of the criterion in (theta, sigma) has ${bad.length} eigenvalue(s) not above 1e-8 (${bad.map((v) => v.toExponential(1)).join(' ')}); Satterthwaite's df use its generalised inverse\n`);
    }
  }
  if (confint?.method === 'profile' && result.method === 'REML') io.stderr('lmm fit: profile intervals from the ML fit (refitted), as lme4\n');
  if (options.json) {
    const json = { ...result.toJSON(), ...(method ? result.inferenceJSON({ confint, ddf: method }) : {}) };
    if (ddf === 'none' && confint) {
      json.confint = { ...confint, rows: result.confint(confint).map((r) => ({ name: r.name, lower: r.lower, upper: r.upper })) };
    }
    io.stdout(toJson(json) + '\n');
    return 0;
  }
  const inference: SummaryInference = {};
  if (method) {
    inference.ddf = method;
    inference.coefficients = result.coefficients({ ddf: method });
    inference.anova = result.anova({ ddf: method });
  }
  if (confint) inference.confint = { ...confint, rows: result.confint(confint) };
  io.stdout(formatSummary(result, input.dataName, inference));
  return 0;
};
