import { LmmError } from '../errors.js';
import type { Command } from './io.js';

/** `lmm compare`: not implemented yet (see the project's open issues). */
export const compare: Command = async () => {
  throw new LmmError('option', 'compare is not implemented yet');
};
