import { describe, it, expect } from 'vitest';
import { parseFormula } from '../../src/formula/parse.js';
import { FormulaError, LmmError } from '../../src/errors.js';

/** The FormulaError thrown by parsing `text`. */
function errorOf(text: string): FormulaError {
  try {
    parseFormula(text);
  } catch (e) {
    expect(e).toBeInstanceOf(FormulaError);
    expect(e).toBeInstanceOf(LmmError);
    expect((e as LmmError).kind).toBe('formula');
    return e as FormulaError;
  }
  throw new Error(`no error for ${text}`);
}

/** Expect an error message (without the column suffix) and column. */
function expectError(text: string, message: string, column?: number): void {
  const e = errorOf(text);
  expect(e.column).toBe(column);
  expect(e.message).toBe(column === undefined ? message : `${message} at column ${column}`);
  expect(e.message).not.toContain('\n');
}

describe('formula errors', () => {
  it('empty formula', () => {
    expectError('', 'empty formula');
    expectError('   ', 'empty formula');
  });

  it("missing '~'", () => {
    expectError('y + x + (1 | g)', "missing '~' in formula");
    expectError('y x', "missing '~' in formula");
  });

  it('missing response', () => {
    expectError('~ x + (1 | g)', "missing response: nothing left of '~'", 1);
    expectError('  ~ x', "missing response: nothing left of '~'", 3);
  });

  it('response must be one variable', () => {
    expectError('y + z ~ x + (1 | g)', "the response must be a single variable, not 'y + z'", 1);
  });

  it('unclosed parenthesis reports the (', () => {
    expectError('y ~ x + (1 | g', 'unbalanced parenthesis', 9);
    expectError('y ~ I((x + 1) + (1 | g)', 'unbalanced parenthesis', 6);
  });

  it('stray ) is unbalanced', () => {
    expectError('y ~ x) + (1 | g)', 'unbalanced parenthesis', 6);
    expectError('y ~ x + (1 | g))', 'unbalanced parenthesis', 16);
  });

  it('unexpected tokens', () => {
    expectError('y ~ () + (1 | g)', "unexpected ')'", 6);
    expectError('y ~ x + * z + (1 | g)', "unexpected '*'", 9);
    expectError('y ~ x z + (1 | g)', "unexpected 'z'", 7);
    expectError('y ~ x + (1 | g) ~ z', "unexpected '~'", 17);
    expectError('y ~ log(x,) + (1 | g)', "unexpected ')'", 11);
  });

  it('unexpected characters', () => {
    expectError('y ~ x $ z', "unexpected character '$'", 7);
    expectError('y ~ x + (1 | g) & z', "unexpected character '&'", 17);
    expectError('y ~ x %o% z', "unsupported operator '%o%'", 7);
    expectError('y ~ `x + (1 | g)', 'unterminated backquoted name', 5);
  });

  it('formula ends after an operator', () => {
    expectError('y ~ x + (1 | g) +', "formula ends after '+'", 17);
    expectError('y ~ (1 | g) + x:', "formula ends after ':'", 16);
    expectError('y ~', "formula ends after '~'", 3);
  });

  it("empty term before '|'", () => {
    expectError('y ~ x + (| g)', "empty term before '|'", 10);
    expectError('y ~ x + ( || g)', "empty term before '||'", 11);
  });

  it("empty grouping factor after '|'", () => {
    expectError('y ~ x + (1 | )', "empty grouping factor after '|'", 12);
    expectError('y ~ x + (1 ||)', "empty grouping factor after '||'", 12);
  });

  it('bars must be parenthesised', () => {
    expectError('y ~ x | g', "random-effects term 'x | g' must be in parentheses", 7);
    expectError('y ~ 1 + x || g', "random-effects term '1 + x || g' must be in parentheses", 11);
  });

  it('bars must be top-level terms', () => {
    expectError('y ~ x:(1 | g)', "random-effects term '(1 | g)' must be a top-level term joined by '+'", 7);
    expectError('y ~ x - (1 | g)', "random-effects term '(1 | g)' must be a top-level term joined by '+'", 9);
    expectError('y ~ x + ((1 | g) + z):w', "random-effects term '(1 | g)' must be a top-level term joined by '+'", 10);
    expectError('y ~ I(1 | g)', "random-effects term '1 | g' must be in parentheses", 9);
    expectError('y ~ x + ((1 | g) | h)', "random-effects term '(1 | g)' must be a top-level term joined by '+'", 10);
  });

  it('no random-effects terms', () => {
    expectError('y ~ x + z', 'no random-effects terms: use a linear model');
  });

  it('grouping factors may only contain names, : and /', () => {
    expectError('y ~ (1 | g + h)', "grouping factor may only contain names, ':' and '/': found '+'", 12);
    expectError('y ~ (1 | log(g))', "grouping factor may only contain names, ':' and '/': found 'log(g)'", 10);
    expectError('y ~ (1 | a/(b))', "grouping factor may only contain names, ':' and '/': found '('", 12);
    expectError('y ~ (1 | 2)', "grouping factor may only contain names, ':' and '/': found '2'", 10);
  });

  it('random-effects term without effects', () => {
    expectError('y ~ x + (0 | g)', "random-effects term '(0 | g)' has no effects", 9);
  });

  it('unsupported functions and bad arguments', () => {
    expectError('y ~ spline(x, 2) + (1 | g)', "unsupported function 'spline' (supported: I, log, exp, sqrt, abs, poly, scale, factor, as.factor, offset)", 5);
    expectError('y ~ I(x, z) + (1 | g)', 'I() takes 1 argument, got 2', 5);
    expectError('y ~ log() + (1 | g)', 'log() takes 1 to 2 arguments, got 0', 5);
    expectError('y ~ I(a:b) + (1 | g)', "operator ':' is not allowed inside I()", 8);
    expectError('y ~ I(log(a %in% b)) + (1 | g)', "operator '%in%' is not allowed inside log()", 13);
    expectError('y ~ I(foo(x)) + (1 | g)', "unsupported function 'foo' (supported: I, log, exp, sqrt, abs, poly, scale, factor, as.factor, offset)", 7);
  });

  it('the data functions: arguments and where they may stand', () => {
    expectError('y ~ poly(x, 0) + (1 | g)', "poly(): the degree must be a whole number >= 1, not '0'", 13);
    expectError('y ~ poly(x, 2.5) + (1 | g)', "poly(): the degree must be a whole number >= 1, not '2.5'", 13);
    expectError('y ~ poly(x, 2, raw = 1) + (1 | g)', 'poly(): raw must be TRUE or FALSE', 22);
    expectError('y ~ poly(x, 2, rwa = TRUE) + (1 | g)', "poly() has no argument 'rwa' (arguments: x, degree, raw)", 22);
    expectError('y ~ I(poly(x, 2)) + (1 | g)', 'poly() must be a variable of its own, not inside I()', 7);
    expectError('y ~ log(scale(x)) + (1 | g)', 'scale() must be a variable of its own, not inside log()', 9);
    expectError('y ~ scale(x, center = z) + (1 | g)', 'scale(): center must be TRUE, FALSE or a number', 23);
    expectError('y ~ log(x, base = 2) + (1 | g)', "log() takes no named arguments ('base =')", 19);
    expectError('y ~ factor(x, y) + (1 | g)', 'factor() takes at most 1 argument', 15);
  });

  it('numbers and powers outside I()', () => {
    expectError('y ~ x + 2 + (1 | g)', "invalid term '2': only 0 and 1 may appear as numbers outside I()", 9);
    expectError('y ~ x^z + (1 | g)', "the exponent of '^' must be a positive whole number, not 'z' (use I() for arithmetic)", 7);
    expectError('y ~ (a + b)^0.5 + (1 | g)', "the exponent of '^' must be a positive whole number, not '0.5' (use I() for arithmetic)", 13);
  });

  it('the dot is not supported', () => {
    expectError('y ~ . + (1 | g)', "'.' (all other columns) is not supported in formulas", 5);
  });

  it('the response may not appear on the right', () => {
    expectError('y ~ x + y + (1 | g)', "the response 'y' also appears on the right-hand side", 9);
  });
});
