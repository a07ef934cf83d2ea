/**
 * R's `deparse()` of formula expressions, used for variable and term labels
 * (`I(meanses^2)`, `I((ses - 1)/2)`, `log(x)`).
 */
import type { Expr } from './types.js';

const RESERVED: ReadonlySet<string> = new Set([
  'if', 'else', 'repeat', 'while', 'function', 'for', 'next', 'break', 'TRUE', 'FALSE', 'NULL',
  'Inf', 'NaN', 'NA', 'NA_integer_', 'NA_real_', 'NA_character_', 'NA_complex_', 'in',
]);

const SYNTACTIC_NAME = /^(?:(?:[A-Za-z\u0080-\uffff]|\.(?![0-9]))[A-Za-z0-9._\u0080-\uffff]*|\.)$/;

/** Whether `name` is a syntactic R name (deparsed without backquotes). */
export function isSyntacticName(name: string): boolean {
  return SYNTACTIC_NAME.test(name) && !RESERVED.has(name) && !/^\.\.(?:\.|[0-9]+)$/.test(name);
}

/** A name as R deparses it: `cses`, or backquoted when not syntactic: `` `my col` ``. */
export function deparseName(name: string): string {
  return isSyntacticName(name) ? name : '`' + name + '`';
}

/**
 * A number as R prints it with 15 significant digits: `2`, `0.5`, `1e+06`, `1e-04`, `123456`.
 * Fixed notation is used unless scientific notation is shorter.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Inf' : '-Inf';
  if (value === 0) return '0';
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  // Fewest significant digits (at most 15) that reproduce the value rounded to 15 digits.
  const target = Number(abs.toPrecision(15));
  let digits = 1;
  while (digits < 15 && Number(abs.toPrecision(digits)) !== target) digits++;
  const mantissaExp = target.toExponential(digits - 1); // e.g. "1.5e+6"
  const [mantissa, expPart] = mantissaExp.split('e');
  const exponent = Number(expPart);
  const expDigits = String(Math.abs(exponent)).padStart(2, '0');
  const sci = `${mantissa}e${exponent < 0 ? '-' : '+'}${expDigits}`;
  const decimals = Math.max(0, digits - 1 - exponent);
  const fixed = decimals > 100 ? sci : target.toFixed(decimals);
  return sign + (fixed.length > sci.length ? sci : fixed);
}

/** Deparse a number node: R's printed value, with an `L` suffix kept for integer literals. */
function deparseNumber(expr: { value: number; text: string }): string {
  const formatted = formatNumber(expr.value);
  return expr.text.endsWith('L') ? formatted + 'L' : formatted;
}

/**
 * Deparse an expression as R does: `+ - * %in% | ||` with spaces around them, `/ ^ :` without,
 * unary operators attached (`-x`), parentheses kept as written, calls as `f(a, b)`.
 */
export function deparse(expr: Expr): string {
  switch (expr.kind) {
    case 'name':
      // Logical constants (`raw = TRUE`) deparse bare.
      return expr.name === 'TRUE' || expr.name === 'FALSE' ? expr.name : deparseName(expr.name);
    case 'number':
      return deparseNumber(expr);
    case 'call':
      return `${deparseName(expr.fn)}(${expr.args.map((a, i) => (expr.argNames?.[i] ? `${deparseName(expr.argNames[i] as string)} = ` : '') + deparse(a)).join(', ')})`;
    case 'unary':
      return expr.op + deparse(expr.arg);
    case 'paren':
      return `(${deparse(expr.expr)})`;
    case 'binary': {
      const spaced = expr.op === '+' || expr.op === '-' || expr.op === '*' || expr.op === '%in%';
      const op = spaced ? ` ${expr.op} ` : expr.op;
      return deparse(expr.left) + op + deparse(expr.right);
    }
    case 'bar':
      return `${deparse(expr.left)} ${expr.double ? '||' : '|'} ${deparse(expr.right)}`;
  }
}
