import { LmmError } from '../errors.js';
import type { Command } from './io.js';

/** `lmm sample`: not implemented yet (see the project's open issues). */
export const sample: Command = async () => {
  throw new LmmError('option', 'sample is not implemented yet');
};
