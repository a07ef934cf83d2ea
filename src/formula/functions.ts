/**
 * The data-dependent functions of R formulas that lme4 users write: `poly(x, k)`,
 * `poly(x, k, raw = TRUE)`, `scale(x)`, `factor(x)` (and `as.factor(x)`), and `offset(x)`.
 *
 * Unlike `I()` or `log()`, their value in a row depends on the whole column (poly and scale) or
 * they are not numeric (factor), or they are not a model term at all (offset). They may only
 * stand as a variable of their own, never inside arithmetic: `I(poly(x, 2))` is refused.
 */
import { FormulaError } from '../errors.js';
import { deparse } from './deparse.js';
import type { Expr } from './types.js';

/** A variable made by one of the data-dependent functions. */
export type DataFunction =
  /** Orthogonal (or raw) polynomials of degree 1..`degree`: a matrix of `degree` columns. */
  | { kind: 'poly'; arg: Expr; degree: number; raw: boolean }
  /**
   * Centred and/or scaled: `center`/`scale` true means the column's own mean / standard
   * deviation, a number means that value (R's `scale(x, center = 4.5, scale = 2.9)`).
   */
  | { kind: 'scale'; arg: Expr; center: boolean | number; scale: boolean | number }
  /** A factor of the argument's values. */
  | { kind: 'factor'; arg: Expr }
  /** A known component of the linear predictor with coefficient 1 (not a model term). */
  | { kind: 'offset'; arg: Expr };

/** Names of the data-dependent functions. */
export const DATA_FUNCTIONS: ReadonlySet<string> = new Set(['poly', 'scale', 'factor', 'as.factor', 'offset']);

type Call = Extract<Expr, { kind: 'call' }>;

/** A logical constant `TRUE`/`FALSE`/`T`/`F`, or undefined. */
function logical(expr: Expr): boolean | undefined {
  if (expr.kind !== 'name') return undefined;
  if (expr.name === 'TRUE' || expr.name === 'T') return true;
  if (expr.name === 'FALSE' || expr.name === 'F') return false;
  return undefined;
}

/** A numeric constant, possibly negated (`2`, `-1.5`), or undefined. */
function constant(expr: Expr): number | undefined {
  if (expr.kind === 'number') return expr.value;
  if (expr.kind === 'paren') return constant(expr.expr);
  if (expr.kind === 'unary') {
    const v = constant(expr.arg);
    return v === undefined ? undefined : expr.op === '-' ? -v : v;
  }
  return undefined;
}

/**
 * Match a call's arguments to a signature as R does for the forms used in formulas: positional
 * arguments fill the formal names in order, named ones (exact names) go to their formal.
 */
function matchArgs(call: Call, formals: readonly string[]): Map<string, Expr> {
  const out = new Map<string, Expr>();
  const names = call.argNames ?? call.args.map(() => null);
  names.forEach((name, i) => {
    if (name === null) return;
    if (!formals.includes(name)) {
      throw new FormulaError(`${call.fn}() has no argument '${name}' (arguments: ${formals.join(', ')})`, call.args[i].pos);
    }
    if (out.has(name)) throw new FormulaError(`${call.fn}(): argument '${name}' given twice`, call.args[i].pos);
    out.set(name, call.args[i]);
  });
  let next = 0;
  call.args.forEach((arg, i) => {
    if (names[i] !== null) return;
    while (next < formals.length && out.has(formals[next])) next++;
    if (next >= formals.length) throw new FormulaError(`${call.fn}() takes at most ${formals.length} argument${formals.length === 1 ? '' : 's'}`, arg.pos);
    out.set(formals[next++], arg);
  });
  if (!out.has(formals[0])) throw new FormulaError(`${call.fn}() needs a variable as its first argument`, call.pos);
  return out;
}

/**
 * The data function a call stands for, with its arguments checked; null for other calls.
 *
 * @throws FormulaError naming the function and argument for a bad degree, a non-logical `raw`,
 *   or an unknown argument.
 */
export function dataFunction(call: Call): DataFunction | null {
  if (!DATA_FUNCTIONS.has(call.fn)) return null;
  switch (call.fn) {
    case 'poly': {
      // R's poly(x, ..., degree = 1, raw = FALSE): a single unnamed number after x is the degree.
      const args = matchArgs(call, ['x', 'degree', 'raw']);
      const degreeExpr = args.get('degree');
      const degree = degreeExpr === undefined ? 1 : constant(degreeExpr);
      if (degree === undefined || !Number.isInteger(degree) || degree < 1) {
        throw new FormulaError(`poly(): the degree must be a whole number >= 1, not '${degreeExpr ? deparse(degreeExpr) : ''}'`, degreeExpr?.pos ?? call.pos);
      }
      const rawExpr = args.get('raw');
      const raw = rawExpr === undefined ? false : logical(rawExpr);
      if (raw === undefined) throw new FormulaError('poly(): raw must be TRUE or FALSE', rawExpr?.pos ?? call.pos);
      return { kind: 'poly', arg: args.get('x') as Expr, degree, raw };
    }
    case 'scale': {
      const args = matchArgs(call, ['x', 'center', 'scale']);
      const option = (name: 'center' | 'scale'): boolean | number => {
        const e = args.get(name);
        if (e === undefined) return true;
        const value = logical(e) ?? constant(e);
        if (value === undefined) throw new FormulaError(`scale(): ${name} must be TRUE, FALSE or a number`, e.pos);
        return value;
      };
      return { kind: 'scale', arg: args.get('x') as Expr, center: option('center'), scale: option('scale') };
    }
    case 'factor':
    case 'as.factor':
      return { kind: 'factor', arg: matchArgs(call, ['x']).get('x') as Expr };
    case 'offset':
      return { kind: 'offset', arg: matchArgs(call, ['object']).get('object') as Expr };
  }
  return null;
}
