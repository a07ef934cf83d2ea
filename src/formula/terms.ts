/**
 * Expansion of a formula's right-hand side into model terms, as R's `terms.formula` does:
 * `a*b` is `a + b + a:b`, `a/b` is `a + a:b`, `(a + b)^2` adds all two-way interactions,
 * `-` removes terms, `0`/`-1` remove the intercept; terms are sorted by order and labelled by
 * their variables in order of first appearance.
 */
import { FormulaError } from '../errors.js';
import { deparse, deparseName } from './deparse.js';
import { DATA_FUNCTIONS, dataFunction } from './functions.js';
import type { Expr, Term, TermsPart, Variable } from './types.js';

/** Functions allowed in formulas, with their minimum and maximum number of arguments. */
export const SUPPORTED_FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  I: [1, 1],
  log: [1, 2],
  exp: [1, 1],
  sqrt: [1, 1],
  abs: [1, 1],
};

const SUPPORTED_LIST = [...Object.keys(SUPPORTED_FUNCTIONS), ...DATA_FUNCTIONS].join(', ');

/**
 * Check a call node: a supported function with the right number of arguments, whose
 * arguments are arithmetic expressions (`+ - * / ^`, unary minus, numbers, names, parentheses
 * and further supported calls).
 *
 * @throws FormulaError naming the offending function or operator, with its column.
 */
export function validateCall(expr: Extract<Expr, { kind: 'call' }>): void {
  const data = dataFunction(expr);
  if (data !== null) {
    if (data.kind === 'factor' && data.arg.kind === 'name') return;
    return validateArithmetic(data.arg, expr.fn);
  }
  const named = expr.argNames?.findIndex((a) => a !== null) ?? -1;
  if (named >= 0) throw new FormulaError(`${expr.fn}() takes no named arguments ('${expr.argNames?.[named]} =')`, expr.args[named].pos);
  const arity = Object.prototype.hasOwnProperty.call(SUPPORTED_FUNCTIONS, expr.fn) ? SUPPORTED_FUNCTIONS[expr.fn] : undefined;
  if (arity === undefined) {
    throw new FormulaError(`unsupported function '${expr.fn}' (supported: ${SUPPORTED_LIST})`, expr.pos);
  }
  const [min, max] = arity;
  if (expr.args.length < min || expr.args.length > max) {
    const expected = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
    throw new FormulaError(`${expr.fn}() takes ${expected}, got ${expr.args.length}`, expr.pos);
  }
  for (const arg of expr.args) validateArithmetic(arg, expr.fn);
}

function validateArithmetic(expr: Expr, fn: string): void {
  switch (expr.kind) {
    case 'name':
    case 'number':
      return;
    case 'paren':
      return validateArithmetic(expr.expr, fn);
    case 'unary':
      return validateArithmetic(expr.arg, fn);
    case 'call':
      if (DATA_FUNCTIONS.has(expr.fn)) throw new FormulaError(`${expr.fn}() must be a variable of its own, not inside ${fn}()`, expr.pos);
      return validateCall(expr);
    case 'binary':
      if (expr.op === ':' || expr.op === '%in%') {
        throw new FormulaError(`operator '${expr.op}' is not allowed inside ${fn}()`, expr.opPos ?? expr.pos);
      }
      validateArithmetic(expr.left, fn);
      validateArithmetic(expr.right, fn);
      return;
    case 'bar':
      throw new FormulaError(`'${expr.double ? '||' : '|'}' is not allowed inside ${fn}()`, expr.opPos ?? expr.pos);
  }
}

/** Data columns an expression reads, in order of first appearance (function names excluded). */
export function columnsOf(expr: Expr): string[] {
  const out: string[] = [];
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'name':
        if (!out.includes(e.name)) out.push(e.name);
        return;
      case 'number':
        return;
      case 'call': {
        // poly(x, 2, raw = TRUE) reads x only: its other arguments are constants.
        const data = DATA_FUNCTIONS.has(e.fn) ? dataFunction(e) : null;
        if (data !== null) return walk(data.arg);
        e.args.forEach(walk);
        return;
      }
      case 'unary':
        return walk(e.arg);
      case 'paren':
        return walk(e.expr);
      case 'binary':
      case 'bar':
        walk(e.left);
        walk(e.right);
        return;
    }
  };
  walk(expr);
  return out;
}

/**
 * A model variable from a name (`cses`) or a call (`I(meanses^2)`, `log(y)`), labelled as R
 * deparses it.
 *
 * @throws FormulaError for any other expression, an unsupported function or a formula operator
 *   inside a call.
 */
export function makeVariable(expr: Expr): Variable {
  if (expr.kind === 'name') {
    if (expr.name === '.') {
      throw new FormulaError("'.' (all other columns) is not supported in formulas", expr.pos);
    }
    return { label: deparseName(expr.name), expr, columns: [expr.name] };
  }
  if (expr.kind === 'call') {
    validateCall(expr);
    const fn = dataFunction(expr);
    const variable: Variable = { label: deparse(expr), expr, columns: columnsOf(expr) };
    if (fn !== null) variable.fn = fn;
    return variable;
  }
  throw new FormulaError(`'${deparse(expr)}' is not a variable`, expr.pos);
}

/** Options of {@link expandTerms}. */
export interface ExpandOptions {
  /** The response: it comes first in variable order and may not appear among the terms. */
  response?: Variable;
  /** Drop parenthesised bar terms `( lhs | g )` (lme4's `nobars`) instead of rejecting them. */
  skipBars?: boolean;
}

/** A term while expanding: sorted indices into the variable list. */
type Bits = number[];

function union(a: Bits, b: Bits): Bits {
  const out: Bits = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      out.push(a[i]);
      i++;
      j++;
    }
  }
  return out;
}

/** R's TrimRepeats: drop empty terms and later duplicates. */
function trimRepeats(terms: Bits[]): Bits[] {
  const seen = new Set<string>();
  const out: Bits[] = [];
  for (const t of terms) {
    if (t.length === 0) continue;
    const key = t.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

function allBits(terms: Bits[]): Bits {
  return terms.reduce<Bits>((acc, t) => union(acc, t), []);
}

function invalidNumber(expr: Expr): FormulaError {
  return new FormulaError(`invalid term '${deparse(expr)}': only 0 and 1 may appear as numbers outside I()`, expr.pos);
}

function isBarTerm(expr: Expr): boolean {
  return expr.kind === 'paren' && expr.expr.kind === 'bar';
}

class TermsBuilder {
  readonly variables: Variable[] = [];
  private readonly index = new Map<string, number>();
  intercept = true;
  /** Whether variable 0 is the response. */
  hasResponse = false;
  /** Column where the response first appears on the right-hand side, if it does. */
  responsePos: number | undefined;
  private parity = true;
  /** Indices of `offset()` variables, in order of appearance. */
  readonly offsets: number[] = [];

  constructor(private readonly skipBars: boolean) {}

  /**
   * Install variables in order of first appearance (R's ExtractVars). As in R, plain names
   * that only appear in removed terms (`- x`) are not installed here (`checkOnly`); they are
   * installed later, when the terms are encoded.
   */
  collect(expr: Expr, checkOnly = false): void {
    switch (expr.kind) {
      case 'name':
        if (checkOnly) {
          makeVariable(expr);
          return;
        }
        this.noteResponse(this.install(expr), expr.pos);
        return;
      case 'call':
        this.noteResponse(this.install(expr), expr.pos);
        return;
      case 'number':
        if (expr.value !== 0 && expr.value !== 1) throw invalidNumber(expr);
        return;
      case 'paren':
        if (this.skipBars && isBarTerm(expr)) return;
        return this.collect(expr.expr, checkOnly);
      case 'unary':
        return this.collect(expr.arg, checkOnly || expr.op === '-');
      case 'binary':
        this.collect(expr.left, checkOnly);
        if (expr.op !== '^') this.collect(expr.right, checkOnly || expr.op === '-');
        return;
      case 'bar':
        throw new FormulaError(`random-effects term '${deparse(expr)}' is not allowed here`, expr.opPos ?? expr.pos);
    }
  }

  private noteResponse(index: number, pos: number): void {
    if (this.hasResponse && index === 0 && this.responsePos === undefined) this.responsePos = pos;
  }

  install(expr: Expr): number {
    const variable = makeVariable(expr);
    const existing = this.index.get(variable.label);
    if (existing !== undefined) return existing;
    const i = this.variables.length;
    this.variables.push(variable);
    this.index.set(variable.label, i);
    return i;
  }

  indexOf(expr: Expr): number {
    const i = this.index.get(makeVariable(expr).label);
    return i ?? this.install(expr);
  }

  /** R's EncodeVars: the list of terms an expression contributes, in order. */
  encode(expr: Expr): Bits[] {
    switch (expr.kind) {
      case 'call':
        if (expr.fn === 'offset') {
          // R keeps offsets out of the terms (attr(terms, "offset")): not a column of X.
          const i = this.indexOf(expr);
          if (!this.offsets.includes(i)) this.offsets.push(i);
          return [];
        }
        return [[this.indexOf(expr)]];
      case 'name':
        return [[this.indexOf(expr)]];
      case 'number':
        if (expr.value === 1) this.intercept = this.parity;
        else if (expr.value === 0) this.intercept = !this.parity;
        else throw invalidNumber(expr);
        return [];
      case 'paren':
        if (this.skipBars && isBarTerm(expr)) return [];
        return this.encode(expr.expr);
      case 'unary':
        if (expr.op === '+') return this.encode(expr.arg);
        return this.remove([], expr.arg);
      case 'bar':
        throw new FormulaError(`random-effects term '${deparse(expr)}' is not allowed here`, expr.opPos ?? expr.pos);
      case 'binary':
        break;
    }
    if (expr.op === '-') return this.remove(this.encode(expr.left), expr.right);
    if (expr.op !== '+') {
      for (const operand of [expr.left, expr.right]) {
        let e = operand;
        while (e.kind === 'paren') e = e.expr;
        if (e.kind === 'call' && e.fn === 'offset') {
          throw new FormulaError(`offset() must be a term of its own (joined by '+'), not an operand of '${expr.op}'`, e.pos);
        }
      }
    }
    if (expr.op === '^') return this.power(expr);
    const left = this.encode(expr.left);
    const right = this.encode(expr.right);
    switch (expr.op) {
      case '+':
        return trimRepeats([...left, ...right]);
      case ':':
        return trimRepeats(left.flatMap((l) => right.map((r) => union(l, r))));
      case '*':
        return trimRepeats([...left, ...right, ...left.flatMap((l) => right.map((r) => union(l, r)))]);
      case '/': {
        const all = allBits(left);
        return trimRepeats([...left, ...right.map((r) => union(all, r))]);
      }
      case '%in%': {
        const all = allBits(right);
        return trimRepeats(left.map((l) => union(l, all)));
      }
    }
  }

  /** R's DeleteTerms: terms of `left` without those of `removed` (which flips intercept parity). */
  private remove(left: Bits[], removed: Expr): Bits[] {
    this.parity = !this.parity;
    const right = this.encode(removed);
    this.parity = !this.parity;
    const drop = new Set(right.map((t) => t.join(',')));
    return left.filter((t) => !drop.has(t.join(',')));
  }

  /** R's PowerTerms: `(a + b + c)^2` crosses the terms with themselves. */
  private power(expr: Extract<Expr, { kind: 'binary' }>): Bits[] {
    let exponentExpr = expr.right;
    while (exponentExpr.kind === 'paren') exponentExpr = exponentExpr.expr;
    const n = exponentExpr.kind === 'number' ? exponentExpr.value : NaN;
    if (!Number.isInteger(n) || n < 1) {
      throw new FormulaError(
        `the exponent of '^' must be a positive whole number, not '${deparse(expr.right)}' (use I() for arithmetic)`,
        expr.right.pos,
      );
    }
    const left = this.encode(expr.left);
    let right = left;
    for (let i = 1; i < n; i++) {
      right = trimRepeats(left.flatMap((l) => right.map((r) => union(l, r))));
    }
    return right;
  }
}

/**
 * Expand a right-hand side (without `~`) into terms as R's `terms()` does.
 *
 * Variables are ordered by first appearance (the response, if given, first); each term lists
 * its variables in that order and is labelled by joining them with `:`; terms are sorted by
 * order (number of variables), keeping formula order within an order; duplicates are removed.
 *
 * @throws FormulaError for malformed terms (numbers other than 0/1, bad exponents,
 *   unsupported functions, the response repeated on the right-hand side, bars where not allowed).
 */
export function expandTerms(rhs: Expr, options: ExpandOptions = {}): TermsPart {
  const builder = new TermsBuilder(options.skipBars ?? false);
  if (options.response) {
    builder.install(options.response.expr);
    builder.hasResponse = true;
  }
  builder.collect(rhs);
  const encoded = trimRepeats(builder.encode(rhs));
  if (options.response) {
    const hit = encoded.find((t) => t.includes(0));
    if (hit !== undefined) {
      throw new FormulaError(
        `the response '${options.response.label}' also appears on the right-hand side`,
        builder.responsePos,
      );
    }
  }
  // Stable sort by order (number of variables).
  const sorted = encoded
    .map((bits, i) => ({ bits, i }))
    .sort((a, b) => a.bits.length - b.bits.length || a.i - b.i)
    .map((x) => x.bits);
  const terms: Term[] = sorted.map((bits) => {
    const variables = bits.map((v) => builder.variables[v].label);
    return { label: variables.join(':'), variables };
  });
  const used = allBits(sorted);
  const part: TermsPart = {
    intercept: builder.intercept,
    terms,
    variables: used.map((v) => builder.variables[v]),
  };
  if (builder.offsets.length > 0) part.offsets = builder.offsets.map((v) => builder.variables[v]);
  return part;
}
