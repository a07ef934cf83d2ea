/**
 * Recursive-descent parser for lme4 model formulas, and the main entry point
 * {@link parseFormula}, which expands a formula into its fixed and random parts.
 *
 * Operator precedence follows R, lowest first: `~`; `|` and `||` (random-effects bars, only
 * allowed as parenthesised top-level terms); binary `+ -`; `* /`; `%in%`; `:`; unary `- +`;
 * `^` (right associative); calls `f(args)`, parentheses, names and numbers.
 */
import { FormulaError } from '../errors.js';
import { deparse } from './deparse.js';
import { tokenize, type OperatorText, type Token } from './lexer.js';
import { expandRandom, findBars } from './random.js';
import { expandTerms, makeVariable } from './terms.js';
import type { Expr, ParsedFormula } from './types.js';

type BinaryOp = Extract<Expr, { kind: 'binary' }>['op'];

/** Report tokens as the user wrote them: `')'`, `'+'`, `'x'`. */
function describe(token: Token): string {
  return `'${token.text}'`;
}

/** Check that parentheses balance, reporting a stray `)` or the innermost unclosed `(`. */
function checkParentheses(tokens: readonly Token[]): void {
  const open: number[] = [];
  for (const token of tokens) {
    if (token.kind !== 'op') continue;
    if (token.op === '(') open.push(token.pos);
    else if (token.op === ')') {
      if (open.length === 0) throw new FormulaError('unbalanced parenthesis', token.pos);
      open.pop();
    }
  }
  if (open.length > 0) throw new FormulaError('unbalanced parenthesis', open[open.length - 1]);
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  peek(): Token {
    return this.tokens[this.index];
  }

  isOp(op: OperatorText): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.op === op;
  }

  next(): Token {
    const t = this.tokens[this.index];
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  /** Error for a token that cannot appear here (or the end of the formula). */
  unexpected(token: Token = this.peek()): FormulaError {
    if (token.kind === 'eof') {
      const previous = this.index > 0 ? this.tokens[this.index - 1] : undefined;
      if (previous === undefined) return new FormulaError('empty formula');
      return new FormulaError(`formula ends after ${describe(previous)}`, previous.pos);
    }
    return new FormulaError(`unexpected ${describe(token)}`, token.pos);
  }

  expectOp(op: OperatorText): Token {
    if (!this.isOp(op)) throw this.unexpected();
    return this.next();
  }

  expectEnd(): void {
    if (this.peek().kind !== 'eof') throw this.unexpected();
  }

  /** Lowest level inside parentheses and at the top: an optional bar `lhs | rhs`. */
  parseExpr(): Expr {
    const first = this.peek();
    if (first.kind === 'op' && (first.op === '|' || first.op === '||')) {
      throw new FormulaError(`empty term before '${first.op}'`, first.pos);
    }
    const left = this.parseSum();
    const t = this.peek();
    if (t.kind === 'op' && (t.op === '|' || t.op === '||')) {
      this.next();
      const after = this.peek();
      if (after.kind === 'eof' || (after.kind === 'op' && (after.op === ')' || after.op === ','))) {
        throw new FormulaError(`empty grouping factor after '${t.op}'`, t.pos);
      }
      const right = this.parseSum();
      return { kind: 'bar', double: t.op === '||', left, right, pos: left.pos, opPos: t.pos };
    }
    return left;
  }

  private parseBinaryLevel(ops: readonly BinaryOp[], operand: () => Expr): Expr {
    let left = operand();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !(ops as readonly string[]).includes(t.op)) return left;
      this.next();
      const right = operand();
      left = { kind: 'binary', op: t.op as BinaryOp, left, right, pos: left.pos, opPos: t.pos };
    }
  }

  parseSum(): Expr {
    return this.parseBinaryLevel(['+', '-'], () => this.parseProduct());
  }

  parseProduct(): Expr {
    return this.parseBinaryLevel(['*', '/'], () => this.parseIn());
  }

  parseIn(): Expr {
    return this.parseBinaryLevel(['%in%'], () => this.parseColon());
  }

  parseColon(): Expr {
    return this.parseBinaryLevel([':'], () => this.parseUnary());
  }

  parseUnary(): Expr {
    const t = this.peek();
    if (t.kind === 'op' && (t.op === '+' || t.op === '-')) {
      this.next();
      const arg = this.parseUnary();
      return { kind: 'unary', op: t.op, arg, pos: t.pos };
    }
    return this.parsePower();
  }

  parsePower(): Expr {
    const base = this.parsePrimary();
    const t = this.peek();
    if (t.kind === 'op' && t.op === '^') {
      this.next();
      const exponent = this.parseUnary(); // right associative; R allows `x^-1`
      return { kind: 'binary', op: '^', left: base, right: exponent, pos: base.pos, opPos: t.pos };
    }
    return base;
  }

  parsePrimary(): Expr {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return { kind: 'number', value: t.value, text: t.text, pos: t.pos };
    }
    if (t.kind === 'name') {
      this.next();
      if (this.isOp('(')) return this.parseCall(t.name, t.pos);
      return { kind: 'name', name: t.name, pos: t.pos };
    }
    if (t.kind === 'op' && t.op === '(') {
      this.next();
      if (this.isOp(')')) throw this.unexpected();
      const inner = this.parseExpr();
      const close = this.expectOp(')');
      return { kind: 'paren', expr: inner, pos: t.pos, end: close.pos };
    }
    throw this.unexpected(t);
  }

  private parseCall(fn: string, pos: number): Expr {
    this.expectOp('(');
    const args: Expr[] = [];
    const argNames: (string | null)[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        // A named argument `name = value` (R's tag): a name directly followed by `=`.
        const t = this.peek();
        const after = this.tokens[this.index + 1];
        if (t.kind === 'name' && after?.kind === 'op' && after.op === '=') {
          this.next();
          this.next();
          argNames.push(t.name);
        } else {
          argNames.push(null);
        }
        args.push(this.parseExpr());
        if (this.isOp(',')) {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectOp(')');
    return argNames.some((a) => a !== null) ? { kind: 'call', fn, args, pos, argNames } : { kind: 'call', fn, args, pos };
  }
}

/**
 * Parse an expression without `~` (e.g. `I(ses^2)` or `x + (1 | g)`) into an {@link Expr}.
 *
 * @throws FormulaError with the column of the problem.
 */
export function parseExpression(text: string): Expr {
  if (text.trim() === '') throw new FormulaError('empty expression');
  const tokens = tokenize(text);
  checkParentheses(tokens);
  const parser = new Parser(tokens);
  const expr = parser.parseExpr();
  parser.expectEnd();
  return expr;
}

/** The two sides of a formula as expression trees, before any expansion. */
export interface FormulaSides {
  /** Left of `~`. */
  lhs: Expr;
  /** Right of `~`. */
  rhs: Expr;
  /** Column of the `~`. */
  tildePos: number;
}

/**
 * Parse the text of a two-sided formula `lhs ~ rhs` into expression trees, checking syntax only.
 *
 * @throws FormulaError for an empty formula, a missing `~` or response, unbalanced
 *   parentheses, an unexpected token, or a formula ending after an operator.
 */
export function parseFormulaSides(text: string): FormulaSides {
  if (text.trim() === '') throw new FormulaError('empty formula');
  const tokens = tokenize(text);
  checkParentheses(tokens);
  const tilde = tokens.find((t) => t.kind === 'op' && t.op === '~');
  if (tilde === undefined) throw new FormulaError("missing '~' in formula");
  const first = tokens[0];
  if (first.kind === 'op' && first.op === '~') {
    throw new FormulaError("missing response: nothing left of '~'", first.pos);
  }
  const parser = new Parser(tokens);
  const lhs = parser.parseExpr();
  if (parser.peek().kind === 'eof' || !parser.isOp('~')) throw parser.unexpected();
  const tildeToken = parser.next();
  const rhs = parser.parseExpr();
  parser.expectEnd();
  return { lhs, rhs, tildePos: tildeToken.pos };
}

/**
 * Parse an lme4 model formula such as `mathach ~ ses + I(ses^2) + (ses | school)` into its
 * response, fixed-effects terms (as R's `terms(nobars(formula))`) and random-effects terms
 * (after lme4's `||` and `/` expansion), with labels exactly as R prints them.
 *
 * @param options.linear accept a formula without random-effects terms (a linear model, as the
 *   null model of a likelihood-ratio test)
 * @throws FormulaError (with the column of the problem) for any malformed formula, and
 *   `no random-effects terms: use a linear model` when the formula has no `( ... | g )` term
 *   (unless `linear`).
 */
export function parseFormula(text: string, options: { linear?: boolean } = {}): ParsedFormula {
  const { lhs, rhs } = parseFormulaSides(text);
  if (lhs.kind !== 'name' && lhs.kind !== 'call') {
    throw new FormulaError(`the response must be a single variable, not '${deparse(lhs)}'`, lhs.pos);
  }
  const response = makeVariable(lhs);
  const bars = findBars(rhs);
  const fixed = expandTerms(rhs, { response, skipBars: true });
  const random = bars.flatMap((bar) => expandRandom(bar, text));
  if (random.length === 0 && !options.linear) {
    throw new FormulaError('no random-effects terms: use a linear model');
  }
  return { text, response, fixed, random };
}
