import { describe, it, expect } from 'vitest';
import { parseExpression } from '../../src/formula/parse.js';
import { deparse, deparseName, formatNumber } from '../../src/formula/deparse.js';
import { tokenize } from '../../src/formula/lexer.js';

const dp = (text: string): string => deparse(parseExpression(text));

describe('deparse', () => {
  it('spacing as R', () => {
    expect(dp('ses*meanses')).toBe('ses * meanses');
    expect(dp('ses-1')).toBe('ses - 1');
    expect(dp('(ses - 1) / 2')).toBe('(ses - 1)/2');
    expect(dp('meanses ^ 2')).toBe('meanses^2');
    expect(dp('a : b')).toBe('a:b');
    expect(dp('- x')).toBe('-x');
    expect(dp('b%in%a')).toBe('b %in% a');
    expect(dp('I( (ses-1)/2 )')).toBe('I((ses - 1)/2)');
    expect(dp('log(x,2)')).toBe('log(x, 2)');
    expect(dp('(1|g)')).toBe('(1 | g)');
    expect(dp('(x||g)')).toBe('(x || g)');
  });

  it('numbers as R prints them', () => {
    expect(formatNumber(2)).toBe('2');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(1e6)).toBe('1e+06');
    expect(formatNumber(1e5)).toBe('1e+05');
    expect(formatNumber(10000)).toBe('10000');
    expect(formatNumber(123456)).toBe('123456');
    expect(formatNumber(1e-4)).toBe('1e-04');
    expect(formatNumber(0.001)).toBe('0.001');
    expect(formatNumber(1.5e-8)).toBe('1.5e-08');
    expect(formatNumber(1e100)).toBe('1e+100');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(1 / 3)).toBe('0.333333333333333');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(dp('2.50')).toBe('2.5');
    expect(dp('1L')).toBe('1L');
  });

  it('names are backquoted when not syntactic', () => {
    expect(deparseName('x.1')).toBe('x.1');
    expect(deparseName('my col')).toBe('`my col`');
    expect(deparseName('2x')).toBe('`2x`');
    expect(deparseName('if')).toBe('`if`');
    expect(deparseName('.5a')).toBe('`.5a`');
    expect(dp('`x`')).toBe('x');
  });
});

describe('tokenize', () => {
  it('columns are 1-based', () => {
    const tokens = tokenize('y ~ `a b` + 1.5e3 || %in%');
    expect(tokens.map((t) => [t.kind, t.text, t.pos])).toEqual([
      ['name', 'y', 1],
      ['op', '~', 3],
      ['name', '`a b`', 5],
      ['op', '+', 11],
      ['number', '1.5e3', 13],
      ['op', '||', 19],
      ['op', '%in%', 22],
      ['eof', '', 26],
    ]);
  });
});
