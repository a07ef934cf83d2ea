import { LmmError } from '../errors.js';
import type { Command } from './io.js';

/** `lmm fit`: not implemented yet (see the project's open issues). */
export const fit: Command = async () => {
  throw new LmmError('option', 'fit is not implemented yet');
};
