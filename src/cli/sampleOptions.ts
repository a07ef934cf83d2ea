import { readFileSync } from 'node:fs';
import { LmmError } from '../errors.js';
import { integerOption } from './io.js';
import { dataOptionSpec } from './dataInput.js';

/** The sampler options shared by `lmm sample` and `lmm compare`, for node's argument parser. */
export const samplerOptionSpec = {
  ...dataOptionSpec,
  formula: { type: 'string' },
  chains: { type: 'string', defaultText: '4' },
  iter: { type: 'string', defaultText: '2000' },
  warmup: { type: 'string', defaultText: 'iter / 2' },
  thin: { type: 'string', defaultText: '1' },
  seed: { type: 'string', defaultText: 'drawn at random, and reported' },
  priors: { type: 'string' },
  residuals: { type: 'string', description: "residual structure: 'ar1(time | group)', 'var(stratum)' or both joined by + (rho and the stratum variances are sampled)" },
  draws: { type: 'string' },
  progress: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
} as const;

/** Parsed sampler settings, each checked and named in errors. */
export function samplerSettings(command: string, values: Record<string, unknown>) {
  const iter = integerOption(command, 'iter', values.iter as string | undefined, 2000);
  const warmup = integerOption(command, 'warmup', values.warmup as string | undefined, Math.floor(iter / 2), 0);
  return {
    chains: integerOption(command, 'chains', values.chains as string | undefined, 4),
    iter,
    warmup,
    thin: integerOption(command, 'thin', values.thin as string | undefined, 1),
    seed: values.seed === undefined ? undefined : integerOption(command, 'seed', values.seed as string, 0, 0),
    priors: values.priors === undefined ? undefined : readPriors(command, values.priors as string),
    residuals: values.residuals as string | undefined,
  };
}

function readPriors(command: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LmmError('file', `${command}: cannot read priors file '${path}'`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new LmmError('option', `${command}: --priors file '${path}' is not valid JSON: ${(error as Error).message}`);
  }
}
