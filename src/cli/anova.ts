import { LmmError } from '../errors.js';
import type { Command } from './io.js';

/** `lmm anova`: not implemented yet (see the project's open issues). */
export const anova: Command = async () => {
  throw new LmmError('option', 'anova is not implemented yet');
};
