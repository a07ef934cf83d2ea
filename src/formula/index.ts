/**
 * The formula module: parsing lme4 model formulas and evaluating numeric formula expressions.
 */
export { parseFormula, parseExpression, parseFormulaSides, type FormulaSides } from './parse.js';
export { deparse, deparseName, formatNumber, isSyntacticName } from './deparse.js';
export { expandTerms, makeVariable, columnsOf, SUPPORTED_FUNCTIONS, type ExpandOptions } from './terms.js';
export { findBars, expandGrouping, expandRandom, type BarTerm, type GroupingFactor } from './random.js';
export { evaluateNumeric, type ColumnLookup } from './evaluate.js';
export { tokenize, type Token } from './lexer.js';
export type { Expr, Variable, Term, TermsPart, RandomPart, ParsedFormula } from './types.js';
