/**
 * Tokenizer for lme4 model formulas.
 *
 * Produces names (R identifiers and backquoted names), numbers, operators and punctuation,
 * each with the 1-based column where it starts in the formula text.
 */
import { FormulaError } from '../errors.js';

/** Operator and punctuation tokens of the formula language. */
export type OperatorText = '~' | '+' | '-' | '*' | '/' | '^' | ':' | '%in%' | '|' | '||' | '(' | ')' | ',' | '=';

/** One token of a formula, with the 1-based column where it starts. */
export type Token =
  | { kind: 'name'; name: string; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'op'; op: OperatorText; text: string; pos: number }
  | { kind: 'eof'; text: string; pos: number };

const SINGLE_OPS: ReadonlySet<string> = new Set(['~', '+', '-', '*', '/', '^', ':', '(', ')', ',', '=']);

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c.charCodeAt(0) > 127;
}

function isNameChar(c: string): boolean {
  return isLetter(c) || isDigit(c) || c === '.' || c === '_';
}

/**
 * Split formula text into tokens. The last token is always `eof` (its column is one past the
 * end of the text).
 *
 * @throws FormulaError on a character that cannot start a token, an unterminated backquoted
 *   name or an unknown `%op%` operator.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    const pos = i + 1;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    // Numbers: 12, 1.5, .5, 1e6, 2.5E-3, 1L
    if (isDigit(c) || (c === '.' && i + 1 < n && isDigit(text[i + 1]))) {
      let j = i;
      while (j < n && isDigit(text[j])) j++;
      if (j < n && text[j] === '.') {
        j++;
        while (j < n && isDigit(text[j])) j++;
      }
      if (j < n && (text[j] === 'e' || text[j] === 'E')) {
        let k = j + 1;
        if (k < n && (text[k] === '+' || text[k] === '-')) k++;
        if (k < n && isDigit(text[k])) {
          while (k < n && isDigit(text[k])) k++;
          j = k;
        } else {
          throw new FormulaError(`malformed number '${text.slice(i, k)}'`, pos);
        }
      }
      const numText = text.slice(i, j);
      if (j < n && text[j] === 'L') j++; // R integer suffix
      if (j < n && (isLetter(text[j]) || text[j] === '_' || text[j] === '.')) {
        throw new FormulaError(`unexpected character '${text[j]}'`, j + 1);
      }
      tokens.push({ kind: 'number', value: Number(numText), text: text.slice(i, j), pos });
      i = j;
      continue;
    }
    // R identifiers: start with a letter or '.', then letters, digits, '.', '_'
    if (isLetter(c) || c === '.') {
      let j = i + 1;
      while (j < n && isNameChar(text[j])) j++;
      const name = text.slice(i, j);
      tokens.push({ kind: 'name', name, text: name, pos });
      i = j;
      continue;
    }
    if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) throw new FormulaError('unterminated backquoted name', pos);
      const name = text.slice(i + 1, end);
      if (name.length === 0) throw new FormulaError('empty backquoted name', pos);
      tokens.push({ kind: 'name', name, text: text.slice(i, end + 1), pos });
      i = end + 1;
      continue;
    }
    if (c === '%') {
      const end = text.indexOf('%', i + 1);
      const opText = end < 0 ? text.slice(i) : text.slice(i, end + 1);
      if (opText !== '%in%') {
        throw new FormulaError(`unsupported operator '${opText}'`, pos);
      }
      tokens.push({ kind: 'op', op: '%in%', text: opText, pos });
      i = end + 1;
      continue;
    }
    if (c === '|') {
      if (text[i + 1] === '|') {
        tokens.push({ kind: 'op', op: '||', text: '||', pos });
        i += 2;
      } else {
        tokens.push({ kind: 'op', op: '|', text: '|', pos });
        i++;
      }
      continue;
    }
    if (SINGLE_OPS.has(c)) {
      tokens.push({ kind: 'op', op: c as OperatorText, text: c, pos });
      i++;
      continue;
    }
    throw new FormulaError(`unexpected character '${c}'`, pos);
  }
  tokens.push({ kind: 'eof', text: '', pos: n + 1 });
  return tokens;
}
