/**
 * Random-effects terms of a formula: finding the parenthesised bar terms `( lhs | g )` at the
 * top level of the right-hand side (lme4's `findbars`) and expanding `||` and nested grouping
 * `a/b` as lme4 does.
 */
import { FormulaError } from '../errors.js';
import { deparse, deparseName } from './deparse.js';
import { expandTerms } from './terms.js';
import type { Expr, RandomPart, TermsPart } from './types.js';

/** A parenthesised bar term: `( lhs | g )`. */
export type BarTerm = Extract<Expr, { kind: 'paren' }> & { expr: Extract<Expr, { kind: 'bar' }> };

function isBarTerm(expr: Expr): expr is BarTerm {
  return expr.kind === 'paren' && expr.expr.kind === 'bar';
}

function notInParentheses(bar: Extract<Expr, { kind: 'bar' }>): FormulaError {
  return new FormulaError(`random-effects term '${deparse(bar)}' must be in parentheses`, bar.opPos ?? bar.pos);
}

/** Reject any bar inside an expression where random-effects terms may not appear. */
function rejectBars(expr: Expr): void {
  switch (expr.kind) {
    case 'name':
    case 'number':
      return;
    case 'bar':
      throw notInParentheses(expr);
    case 'paren':
      if (isBarTerm(expr)) {
        throw new FormulaError(
          `random-effects term '${deparse(expr)}' must be a top-level term joined by '+'`,
          expr.pos,
        );
      }
      return rejectBars(expr.expr);
    case 'unary':
      return rejectBars(expr.arg);
    case 'call':
      expr.args.forEach(rejectBars);
      return;
    case 'binary':
      rejectBars(expr.left);
      rejectBars(expr.right);
      return;
  }
}

/**
 * The random-effects terms of a right-hand side, in formula order. Bar terms must be
 * parenthesised and joined to the rest of the formula by `+` (they may also be the left
 * operand of a `-`, as in `(1 | g) - 1`).
 *
 * @throws FormulaError for a bar that is not parenthesised or not at the top level.
 */
export function findBars(rhs: Expr): BarTerm[] {
  const found: BarTerm[] = [];
  const walk = (expr: Expr): void => {
    if (isBarTerm(expr)) {
      rejectBars(expr.expr.left);
      rejectBars(expr.expr.right);
      found.push(expr);
      return;
    }
    switch (expr.kind) {
      case 'bar':
        throw notInParentheses(expr);
      case 'paren':
        return walk(expr.expr);
      case 'unary':
        if (expr.op === '+') return walk(expr.arg);
        return rejectBars(expr.arg);
      case 'binary':
        if (expr.op === '+') {
          walk(expr.left);
          walk(expr.right);
          return;
        }
        if (expr.op === '-') {
          walk(expr.left);
          rejectBars(expr.right);
          return;
        }
        return rejectBars(expr);
      default:
        return rejectBars(expr);
    }
  };
  walk(rhs);
  return found;
}

/** One grouping factor: its data columns and lme4's label. */
export interface GroupingFactor {
  columns: string[];
  label: string;
}

function invalidGrouping(part: Expr): FormulaError {
  let found: string;
  let pos = part.pos;
  if (part.kind === 'binary') {
    found = part.op;
    pos = part.opPos ?? part.pos;
  } else if (part.kind === 'paren') {
    found = '(';
  } else if (part.kind === 'bar') {
    found = part.double ? '||' : '|';
    pos = part.opPos ?? part.pos;
  } else if (part.kind === 'unary') {
    found = part.op;
  } else {
    found = deparse(part);
  }
  return new FormulaError(`grouping factor may only contain names, ':' and '/': found '${found}'`, pos);
}

function interactionColumns(expr: Expr): string[] {
  if (expr.kind === 'name') return [expr.name];
  if (expr.kind === 'binary' && expr.op === ':') {
    return [...interactionColumns(expr.left), ...interactionColumns(expr.right)];
  }
  throw invalidGrouping(expr);
}

/**
 * The grouping factors of a bar's right side: `g` → [g]; `g1:g2` → one factor `g1:g2`;
 * `a/b/c` → `a`, `b:a`, `c:(b:a)` (lme4's `expandSlash` builds `c:(b:a)`, and lme4 prints
 * these names).
 *
 * @throws FormulaError when the grouping contains anything but names, `:` and `/`.
 */
export function expandGrouping(expr: Expr): GroupingFactor[] {
  if (expr.kind === 'binary' && expr.op === '/') {
    const outer = expandGrouping(expr.left);
    const last = outer[outer.length - 1];
    const inner = interactionColumns(expr.right);
    const innerLabel = inner.map(deparseName).join(':');
    const label = `${innerLabel}:${last.label.includes(':') ? `(${last.label})` : last.label}`;
    return [...outer, { columns: [...inner, ...last.columns], label }];
  }
  const columns = interactionColumns(expr);
  return [{ columns, label: columns.map(deparseName).join(':') }];
}

/**
 * Expand one bar term into lme4's random-effects terms: `(x | g)` gives one; `(x || g)` gives
 * `(1 | g)` (if the left side has an intercept) then `(0 + t | g)` for each term t; a nested
 * grouping `a/b` repeats each for `a` and `b:a`.
 *
 * @param term the parenthesised bar term
 * @param text the whole formula text, from which the term's text is taken
 * @throws FormulaError for an invalid grouping factor or a term without effects.
 */
export function expandRandom(term: BarTerm, text: string): RandomPart[] {
  const bar = term.expr;
  const termText = term.end !== undefined ? text.slice(term.pos - 1, term.end) : deparse(term);
  const effects = expandTerms(bar.left);
  if (effects.offsets) throw new FormulaError(`offset() belongs in the fixed part of the formula, not in the random-effects term '${deparse(bar)}'`, effects.offsets[0].expr.pos);
  if (!effects.intercept && effects.terms.length === 0) {
    throw new FormulaError(`random-effects term '${termText}' has no effects`, term.pos);
  }
  const groups = expandGrouping(bar.right);
  let parts: TermsPart[] = [effects];
  if (bar.double) {
    parts = effects.intercept ? [{ intercept: true, terms: [], variables: [] }] : [];
    for (const t of effects.terms) {
      parts.push({
        intercept: false,
        terms: [t],
        variables: effects.variables.filter((v) => t.variables.includes(v.label)),
      });
    }
  }
  return parts.flatMap((part) =>
    groups.map((g) => ({ effects: part, groupColumns: g.columns, group: g.label, text: termText })),
  );
}
