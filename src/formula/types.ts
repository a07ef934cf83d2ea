/**
 * The parsed form of an lme4 model formula.
 *
 * `parseFormula` (parse.ts) turns text into an {@link Expr} tree, then expands it into the
 * fixed-effects part and the random-effects terms, with labels exactly as R and lme4 print them.
 */
import type { DataFunction } from './functions.js';

/** An expression node of the formula, with the 1-based column where it starts. */
export type Expr =
  | { kind: 'name'; name: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | {
      kind: 'call';
      fn: string;
      args: Expr[];
      pos: number;
      /** Argument names as written (`poly(x, 2, raw = TRUE)` → [null, null, 'raw']); absent when none is named. */
      argNames?: (string | null)[];
    }
  | { kind: 'unary'; op: '+' | '-'; arg: Expr; pos: number }
  | {
      kind: 'binary';
      op: '+' | '-' | '*' | '/' | '^' | ':' | '%in%';
      left: Expr;
      right: Expr;
      pos: number;
      /** Column of the operator itself (for messages); `pos` is where the left operand starts. */
      opPos?: number;
    }
  | {
      kind: 'paren';
      expr: Expr;
      pos: number;
      /** Column of the closing parenthesis. */
      end?: number;
    }
  | {
      kind: 'bar';
      double: boolean;
      left: Expr;
      right: Expr;
      pos: number;
      /** Column of the `|` or `||` itself; `pos` is where the left side starts. */
      opPos?: number;
    };

/**
 * A variable of the model: a data column (`cses`) or an expression evaluated in the data
 * (`I(meanses^2)`, `log(x)`), labelled as R deparses it.
 */
export interface Variable {
  /** R's label: `cses`, `I(meanses^2)`, `I((ses - 1)/2)`, `I(ses * meanses)`. */
  label: string;
  /** The expression to evaluate; a plain column is `{ kind: 'name' }`. */
  expr: Expr;
  /** Data columns the expression reads, in order of first appearance. */
  columns: string[];
  /** For `poly()`, `scale()`, `factor()` and `offset()`: the function and its arguments. */
  fn?: DataFunction;
}

/** One model term: an interaction of variables (one variable for a main effect). */
export interface Term {
  /** R's term label: `cses`, `meanses:cses`, `cses:I(meanses^2)`. */
  label: string;
  /** Labels of the variables in the term, in R's variable order (order of first appearance). */
  variables: string[];
}

/** A right-hand side without bars, expanded as R's `terms()` expands it. */
export interface TermsPart {
  /** Whether the model matrix has an `(Intercept)` column. */
  intercept: boolean;
  /** Terms sorted as R sorts them: by order (number of variables), then formula order. */
  terms: Term[];
  /** Every variable the terms use, in order of first appearance. */
  variables: Variable[];
  /** `offset(...)` variables (R's `attr(terms, "offset")`), added to the linear predictor; absent when none. */
  offsets?: Variable[];
}

/** One random-effects term `(effects | group)`, after `||` and `/` expansion. */
export interface RandomPart {
  /** The left side of the bar, expanded as its own model formula `~ effects`. */
  effects: TermsPart;
  /** The grouping factor's data columns; several for an interaction (`cask:batch` → [cask, batch]). */
  groupColumns: string[];
  /** The grouping factor's label as lme4 prints it: `school`, `cask:batch`. */
  group: string;
  /** The bar term as written, for messages: `(cses | school)`. */
  text: string;
}

/** A fully expanded mixed-model formula. */
export interface ParsedFormula {
  /** The formula text as given. */
  text: string;
  /** The response (left of `~`). */
  response: Variable;
  /** The fixed-effects part: the right side with the bar terms removed. */
  fixed: TermsPart;
  /** Random-effects terms in formula order (`(x || g)` gives two, `(1 | a/b)` gives two). */
  random: RandomPart[];
}
