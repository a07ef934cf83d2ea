import '../node/install.js';
import { LmmError } from '../errors.js';
import { formulaOption, modelInput } from './dataInput.js';
import { parseOptions, requireOption, toJson, type Command } from './io.js';
import { progressBar } from './progress.js';
import { samplerOptionSpec, samplerSettings } from './sampleOptions.js';

/**
 * `lmm compare`: the exact fit and the Gibbs sampler side by side, per level and term (an entry
 * point, so it may load samplers/). `--report FILE.html` also writes the self-contained HTML report.
 */
export const compare: Command = async (argv, io) => {
  const options = parseOptions('compare', argv, { ...samplerOptionSpec, ml: { type: 'boolean', default: false }, report: { type: 'string' } });
  const input = modelInput('compare', options);
  const formula = formulaOption('compare', options);
  const report = options.report === undefined ? undefined : requireOption('compare', options.report as string, 'report');
  const settings = samplerSettings('compare', options);
  const { runSettings } = await import('../../samplers/sample.js');
  const { compareModel, formatComparison } = await import('../../samplers/compare/index.js');
  runSettings({ ...settings, seed: settings.seed ?? 1 });
  const residuals = settings.residuals;
  if (residuals !== undefined && !input.inMemory) throw new LmmError('option', `compare: --residuals needs the rows in memory; DuckDB and --crossprod give only the cross-products (use --engine memory with a CSV file)`);
  const table = residuals !== undefined ? input.table() : undefined;
  const model = await input.model(formula);
  for (const note of model.notes) io.stderr(`lmm compare: ${note}\n`);
  const bar = options.progress || io.stderrIsTTY ? progressBar(io, 'sampling') : undefined;
  const comparison = await compareModel(model, { ...settings, reml: !options.ml, onProgress: bar?.update }, table);
  bar?.finish();
  for (const note of comparison.notes) io.stderr(`lmm compare: ${note}\n`);
  if (!comparison.fit.converged) io.stderr(`lmm compare: warning: optimizer did not converge (${comparison.fit.optimization.message})\n`);
  if (options.draws) {
    const { writeDrawsCsv } = await import('../diagnostics/drawsCsv.js');
    const { writeFileSync } = await import('node:fs');
    const names = comparison.sample.params;
    writeFileSync(options.draws as string, writeDrawsCsv(names, names.map((_, j) => comparison.sample.chainsOf(j))));
  }
  if (report !== undefined) {
    const { writeReport } = await import('../node/files.js');
    await writeReport(comparison, report);
    io.stderr(`lmm compare: wrote ${report}\n`);
  }
  io.stdout(options.json ? toJson(comparison.toJSON()) + '\n' : formatComparison(comparison));
  // The sampler's convergence warnings after the output, on stderr, as `lmm sample` gives them.
  for (const warning of comparison.sample.warnings()) io.stderr(`lmm compare: warning: ${warning.message}\n`);
  return 0;
};
