import '../node/install.js';
import { loadTable } from '../node/files.js';
import { anova as compareModels } from '../fit/anova.js';
import { table } from '../fit/format.js';
import { integerOption, parseOptions, requireOption, toJson, type Command } from './io.js';

/** `lmm anova --data FILE --formula F0 --formula F1 [--weights COLUMN] [--no-refit] [--json]`: likelihood-ratio tests. */
export const anova: Command = async (argv, io) => {
  const options = parseOptions('anova', argv, {
    data: { type: 'string' },
    delimiter: { type: 'string' },
    formula: { type: 'string', multiple: true },
    weights: { type: 'string' },
    'no-refit': { type: 'boolean', default: false },
    bootstrap: { type: 'string', description: 'also a parametric-bootstrap p-value from this many replicates' },
    seed: { type: 'string', defaultText: '1', description: 'seed of the bootstrap' },
    json: { type: 'boolean', default: false },
  });
  const data = requireOption('anova', options.data as string | undefined, 'data');
  const formulas = (options.formula as string[] | undefined) ?? [];
  const bootstrap = options.bootstrap === undefined ? undefined : { n: integerOption('anova', 'bootstrap', options.bootstrap as string, 1000), seed: integerOption('anova', 'seed', options.seed as string | undefined, 1, 0) };
  const result = compareModels(loadTable(data, { delimiter: options.delimiter as string | undefined }), formulas, { refit: !options['no-refit'], weights: options.weights as string | undefined, bootstrap });
  for (const note of new Set(result.fits.flatMap((f) => f.model.notes))) io.stderr(`lmm anova: ${note}\n`);
  if (result.refitML) io.stderr('lmm anova: refitting model(s) with ML (instead of REML)\n');
  if (options.json) {
    io.stdout(toJson({ refitML: result.refitML, models: result.models, ...(bootstrap ? { bootstrap } : {}) }) + '\n');
    return 0;
  }
  const rows = result.models;
  const cols = {
    npar: rows.map((r) => String(r.npar)),
    AIC: rows.map((r) => r.AIC.toFixed(2)),
    BIC: rows.map((r) => r.BIC.toFixed(2)),
    logLik: rows.map((r) => r.logLik.toFixed(2)),
    deviance: rows.map((r) => r.deviance.toFixed(2)),
    Chisq: rows.map((r) => (r.Chisq === null ? '' : r.Chisq.toFixed(4))),
    Df: rows.map((r) => (r.Df === null ? '' : String(r.Df))),
    p: rows.map((r) => (r.p === null ? '' : r.p.toPrecision(4))),
    pBoundary: rows.map((r) => (r.pBoundary === null ? '' : r.pBoundary.toPrecision(4))),
    pBootstrap: rows.map((r) => (r.pBootstrap === null ? '' : r.pBootstrap.toPrecision(4))),
  };
  io.stdout(`Models (${result.refitML ? 'ML' : 'REML'}):\n`);
  rows.forEach((r, i) => io.stdout(`m${i}: ${r.formula}\n`));
  const header = ['', 'npar', 'AIC', 'BIC', 'logLik', 'deviance', 'Chisq', 'Df', 'Pr(>Chisq)', 'p (boundary)', ...(bootstrap ? ['p (bootstrap)'] : [])];
  const body = rows.map((_, i) => [`m${i}`, cols.npar[i], cols.AIC[i], cols.BIC[i], cols.logLik[i], cols.deviance[i], cols.Chisq[i], cols.Df[i], cols.p[i], cols.pBoundary[i], ...(bootstrap ? [cols.pBootstrap[i]] : [])]);
  io.stdout(table([header, ...body], 1) + '\n');
  if (bootstrap) io.stdout(`p (bootstrap): ${bootstrap.n} parametric-bootstrap replicates from the smaller model of each pair, seed ${bootstrap.seed}\n`);
  return 0;
};
