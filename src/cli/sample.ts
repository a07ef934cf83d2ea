import '../node/install.js';
import { writeFileSync } from 'node:fs';
import { writeDrawsCsv } from '../diagnostics/drawsCsv.js';
import { LmmError } from '../errors.js';
import { formulaOption, modelInput } from './dataInput.js';
import { parseOptions, requireOption, toJson, type Command } from './io.js';
import { progressBar } from './progress.js';
import { samplerOptionSpec, samplerSettings } from './sampleOptions.js';

/** `lmm sample`: the Gibbs sampler (an entry point, so it may load samplers/). */
export const sample: Command = async (argv, io) => {
  const options = parseOptions('sample', argv, { ...samplerOptionSpec, ranef: { type: 'boolean', default: false } });
  const input = modelInput('sample', options);
  const formula = formulaOption('sample', options);
  const settings = samplerSettings('sample', options);
  const { sampleModel, runSettings } = await import('../../samplers/sample.js');
  const { formatSampleText } = await import('../../samplers/text.js');
  runSettings({ ...settings, seed: settings.seed ?? 1 });
  const residuals = settings.residuals;
  if (residuals !== undefined && !input.inMemory) throw new LmmError('option', `sample: --residuals needs the rows in memory; DuckDB and --crossprod give only the cross-products (use --engine memory with a CSV file)`);
  const table = residuals !== undefined ? input.table() : undefined;
  const model = await input.model(formula);
  for (const note of model.notes) io.stderr(`lmm sample: ${note}\n`);
  const bar = options.progress || io.stderrIsTTY ? progressBar(io, 'sampling') : undefined;
  const result = await sampleModel(model, { ...settings, onProgress: bar?.update }, table);
  bar?.finish();
  if (options.draws) {
    const names = result.params;
    writeFileSync(options.draws as string, writeDrawsCsv(names, names.map((_, j) => result.chainsOf(j))));
  }
  const json = result.toJSON();
  if (options.json) {
    io.stdout(toJson(json) + '\n');
  } else {
    io.stdout(formatSampleText(result, { ranef: Boolean(options.ranef) }));
  }
  // Convergence warnings after the table, on stderr; they do not change the exit status.
  for (const warning of result.warnings()) io.stderr(`lmm sample: warning: ${warning.message}\n`);
  return 0;
};
