import { LmmError } from '../errors.js';
import type { Command } from './io.js';

/** `lmm summarize`: not implemented yet (see the project's open issues). */
export const summarize: Command = async () => {
  throw new LmmError('option', 'summarize is not implemented yet');
};
