/**
 * Public entry point: every export of the toolkit is listed here.
 */
export { LmmError, FormulaError } from './errors.js';
