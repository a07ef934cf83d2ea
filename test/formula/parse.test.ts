import { describe, it, expect } from 'vitest';
import { parseFormula, parseExpression } from '../../src/formula/parse.js';
import type { ParsedFormula, RandomPart, TermsPart } from '../../src/formula/types.js';

const labels = (part: TermsPart): string[] => part.terms.map((t) => t.label);

/** A compact view of a random part: group, intercept, term labels. */
const summarize = (r: RandomPart) => ({
  group: r.group,
  groupColumns: r.groupColumns,
  intercept: r.effects.intercept,
  terms: labels(r.effects),
});

/** Parse a fixed-effects-only right-hand side by adding a dummy random term. */
const fixed = (text: string): TermsPart => parseFormula(`${text} + (1 | zz)`).fixed;

describe('R reference labels', () => {
  it('I() calls are deparsed as R does', () => {
    const f = fixed('mathach ~ ses + I(ses^2) + I(ses * meanses) + I((ses - 1) / 2)');
    expect(f.intercept).toBe(true);
    expect(labels(f)).toEqual(['ses', 'I(ses^2)', 'I(ses * meanses)', 'I((ses - 1)/2)']);
    expect(f.variables.map((v) => v.columns)).toEqual([['ses'], ['ses'], ['ses', 'meanses'], ['ses']]);
  });

  it('a * b expands and sorts by order', () => {
    expect(labels(fixed('mathach ~ sector * sex + minority'))).toEqual(['sector', 'sex', 'minority', 'sector:sex']);
  });

  it('0 + removes the intercept', () => {
    const f = fixed('mathach ~ 0 + sector + ses');
    expect(f.intercept).toBe(false);
    expect(labels(f)).toEqual(['sector', 'ses']);
  });

  it('- 1 removes the intercept', () => {
    const f = fixed('frequency ~ attitude + gender - 1');
    expect(f.intercept).toBe(false);
    expect(labels(f)).toEqual(['attitude', 'gender']);
  });

  it('attitude * gender', () => {
    expect(labels(fixed('frequency ~ attitude * gender'))).toEqual(['attitude', 'gender', 'attitude:gender']);
  });

  it('interaction labels follow variable order', () => {
    const p = parseFormula(
      'mathach ~ meanses + sector + cses + meanses:cses + I(meanses^2):cses + sector:cses + (1 | school)',
    );
    expect(p.fixed.intercept).toBe(true);
    expect(labels(p.fixed)).toEqual(['meanses', 'sector', 'cses', 'meanses:cses', 'cses:I(meanses^2)', 'sector:cses']);
    const t = p.fixed.terms[4];
    expect(t.variables).toEqual(['cses', 'I(meanses^2)']);
    expect(p.fixed.variables.map((v) => v.label)).toEqual(['meanses', 'sector', 'cses', 'I(meanses^2)']);
    expect(p.random.map(summarize)).toEqual([{ group: 'school', groupColumns: ['school'], intercept: true, terms: [] }]);
    expect(p.random[0].text).toBe('(1 | school)');
  });

  it('(Days || Subject) splits into uncorrelated terms', () => {
    const p = parseFormula('Reaction ~ Days + (Days || Subject)');
    expect(labels(p.fixed)).toEqual(['Days']);
    expect(p.random.map(summarize)).toEqual([
      { group: 'Subject', groupColumns: ['Subject'], intercept: true, terms: [] },
      { group: 'Subject', groupColumns: ['Subject'], intercept: false, terms: ['Days'] },
    ]);
    expect(p.random[1].effects.variables.map((v) => v.label)).toEqual(['Days']);
    expect(p.random.every((r) => r.text === '(Days || Subject)')).toBe(true);
  });

  it('(1 | batch/cask) nests', () => {
    const p = parseFormula('strength ~ 1 + (1 | batch/cask)');
    expect(p.fixed).toEqual({ intercept: true, terms: [], variables: [] });
    expect(p.random.map(summarize)).toEqual([
      { group: 'batch', groupColumns: ['batch'], intercept: true, terms: [] },
      { group: 'cask:batch', groupColumns: ['cask', 'batch'], intercept: true, terms: [] },
    ]);
  });

  it('crossed random slopes', () => {
    const p = parseFormula('frequency ~ attitude + gender + (1 + attitude | subject) + (1 + attitude | scenario)');
    expect(p.response.label).toBe('frequency');
    expect(labels(p.fixed)).toEqual(['attitude', 'gender']);
    expect(p.random.map(summarize)).toEqual([
      { group: 'subject', groupColumns: ['subject'], intercept: true, terms: ['attitude'] },
      { group: 'scenario', groupColumns: ['scenario'], intercept: true, terms: ['attitude'] },
    ]);
    expect(p.random.map((r) => r.text)).toEqual(['(1 + attitude | subject)', '(1 + attitude | scenario)']);
  });

  it('crossed random intercepts', () => {
    const p = parseFormula('diameter ~ 1 + (1 | plate) + (1 | sample)');
    expect(p.fixed.intercept).toBe(true);
    expect(p.fixed.terms).toEqual([]);
    expect(p.random.map((r) => r.group)).toEqual(['plate', 'sample']);
  });
});

describe('fixed-effects expansion', () => {
  it('a/b is a + a:b', () => {
    expect(labels(fixed('y ~ a/b'))).toEqual(['a', 'a:b']);
    expect(labels(fixed('y ~ (a + b)/c'))).toEqual(['a', 'b', 'a:b:c']);
    expect(labels(fixed('y ~ a/(b + c)'))).toEqual(['a', 'a:b', 'a:c']);
  });

  it('%in% nests the left in the right', () => {
    expect(labels(fixed('y ~ a + b %in% a'))).toEqual(['a', 'a:b']);
    expect(labels(fixed('y ~ b %in% a'))).toEqual(['b:a']);
  });

  it('powers give all interactions up to that order', () => {
    expect(labels(fixed('y ~ (a + b + c)^2'))).toEqual(['a', 'b', 'c', 'a:b', 'a:c', 'b:c']);
    expect(labels(fixed('y ~ (a + b + c)^3'))).toEqual(['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c']);
    expect(labels(fixed('y ~ (a + b + c)^2 - a:b'))).toEqual(['a', 'b', 'c', 'a:c', 'b:c']);
  });

  it('a*b*c', () => {
    expect(labels(fixed('y ~ a*b*c'))).toEqual(['a', 'b', 'c', 'a:b', 'a:c', 'b:c', 'a:b:c']);
  });

  it('removes terms and duplicates', () => {
    expect(labels(fixed('y ~ a*b - a:b'))).toEqual(['a', 'b']);
    expect(labels(fixed('y ~ a + b + a'))).toEqual(['a', 'b']);
    expect(labels(fixed('y ~ a:b + b:a'))).toEqual(['a:b']);
    expect(labels(fixed('y ~ x:x'))).toEqual(['x']);
    expect(labels(fixed('y ~ a + b - a'))).toEqual(['b']);
  });

  it('variables are ordered by first appearance', () => {
    expect(labels(fixed('y ~ b:a + a + b'))).toEqual(['a', 'b', 'b:a']);
    expect(fixed('y ~ b:a + a').terms[1].variables).toEqual(['b', 'a']);
  });

  it('intercept handling', () => {
    expect(fixed('y ~ x').intercept).toBe(true);
    expect(fixed('y ~ 1 + x').intercept).toBe(true);
    expect(fixed('y ~ x + 0').intercept).toBe(false);
    expect(fixed('y ~ -1 + x').intercept).toBe(false);
    expect(fixed('y ~ 0 + x + 1').intercept).toBe(true);
    expect(fixed('y ~ x - 0').intercept).toBe(true);
    expect(labels(fixed('y ~ -1 + x'))).toEqual(['x']);
  });

  it('only bars: the fixed part is the intercept', () => {
    const p = parseFormula('y ~ (1 | g)');
    expect(p.fixed).toEqual({ intercept: true, terms: [], variables: [] });
    expect(parseFormula('y ~ 0 + (1 | g)').fixed.intercept).toBe(false);
    expect(parseFormula('y ~ (1 | g) - 1').fixed.intercept).toBe(false);
  });

  it('bars are removed wherever they sit in the + chain', () => {
    const p = parseFormula('y ~ (1 | g) + x + (0 + x | h) + z');
    expect(labels(p.fixed)).toEqual(['x', 'z']);
    expect(p.random.map((r) => r.group)).toEqual(['g', 'h']);
    expect(parseFormula('y ~ x + ((1 | g))').random.map((r) => r.text)).toEqual(['(1 | g)']);
  });

  it('functions are single variables labelled by deparse', () => {
    const f = fixed('y ~ log(x) + exp(x) + sqrt(abs(x)) + log(x, 2) + I(-x) + I(x^-1)');
    expect(labels(f)).toEqual(['log(x)', 'exp(x)', 'sqrt(abs(x))', 'log(x, 2)', 'I(-x)', 'I(x^-1)']);
    expect(labels(fixed('y ~ log( x ) + log(x)'))).toEqual(['log(x)']);
  });

  it('numbers inside I() print as R prints them', () => {
    const f = fixed('y ~ I(1e6 * x) + I(x / 0.50) + I(x + 0.0001) + I(x * 100000) + I(x * 123456) + I(x + 0.001)');
    expect(labels(f)).toEqual([
      'I(1e+06 * x)',
      'I(x/0.5)',
      'I(x + 1e-04)',
      'I(x * 1e+05)',
      'I(x * 123456)',
      'I(x + 0.001)',
    ]);
    expect(labels(fixed('y ~ I(x * 0.1234567890123456789)'))).toEqual(['I(x * 0.123456789012346)']);
  });

  it('backquoted names', () => {
    const p = parseFormula('`my y` ~ `my col` + `x` + `a b`:x + (1 | `my group`)');
    expect(p.response.label).toBe('`my y`');
    expect(p.response.columns).toEqual(['my y']);
    expect(labels(p.fixed)).toEqual(['`my col`', 'x', 'x:`a b`']);
    expect(p.fixed.variables.map((v) => v.columns)).toEqual([['my col'], ['x'], ['a b']]);
    expect(p.random[0].groupColumns).toEqual(['my group']);
    expect(p.random[0].group).toBe('`my group`');
  });

  it('R identifiers with dots and underscores', () => {
    expect(labels(fixed('y ~ x.1 + x_2 + .hidden'))).toEqual(['x.1', 'x_2', '.hidden']);
  });

  it('a call as the response', () => {
    const p = parseFormula('log(Reaction) ~ Days + (1 | Subject)');
    expect(p.response.label).toBe('log(Reaction)');
    expect(p.response.columns).toEqual(['Reaction']);
    expect(p.response.expr.kind).toBe('call');
    expect(p.text).toBe('log(Reaction) ~ Days + (1 | Subject)');
  });

  it('whitespace is irrelevant', () => {
    const a = parseFormula('y~x*z+(x|g)');
    const b = parseFormula('  y ~ x * z\n + ( x | g ) ');
    const strip = (p: ParsedFormula) => ({
      fixed: labels(p.fixed),
      random: p.random.map(summarize),
    });
    expect(strip(a)).toEqual(strip(b));
  });
});

describe('random-effects terms', () => {
  it('(x | g) has an intercept and a slope', () => {
    const [r] = parseFormula('y ~ x + (x | g)').random;
    expect(summarize(r)).toEqual({ group: 'g', groupColumns: ['g'], intercept: true, terms: ['x'] });
    expect(r.text).toBe('(x | g)');
  });

  it('(0 + x | g) and (-1 + x | g) have no intercept', () => {
    expect(summarize(parseFormula('y ~ (0 + x | g)').random[0])).toMatchObject({ intercept: false, terms: ['x'] });
    expect(summarize(parseFormula('y ~ (-1 + x | g)').random[0])).toMatchObject({ intercept: false, terms: ['x'] });
    expect(summarize(parseFormula('y ~ (x - 1 | g)').random[0])).toMatchObject({ intercept: false, terms: ['x'] });
  });

  it('(1 | g) is intercept-only', () => {
    expect(summarize(parseFormula('y ~ (1 | g)').random[0])).toEqual({
      group: 'g',
      groupColumns: ['g'],
      intercept: true,
      terms: [],
    });
  });

  it('random effects may use interactions and functions', () => {
    const [r] = parseFormula('y ~ (a*b + I(x^2) | g)').random;
    expect(labels(r.effects)).toEqual(['a', 'b', 'I(x^2)', 'a:b']);
  });

  it('(x + z || g) gives an intercept and one term per effect', () => {
    const p = parseFormula('y ~ (x + z || g)');
    expect(p.random.map(summarize)).toEqual([
      { group: 'g', groupColumns: ['g'], intercept: true, terms: [] },
      { group: 'g', groupColumns: ['g'], intercept: false, terms: ['x'] },
      { group: 'g', groupColumns: ['g'], intercept: false, terms: ['z'] },
    ]);
  });

  it('(0 + x || g) has no intercept term', () => {
    expect(parseFormula('y ~ (0 + x || g)').random.map(summarize)).toEqual([
      { group: 'g', groupColumns: ['g'], intercept: false, terms: ['x'] },
    ]);
  });

  it('g1:g2 is one grouping factor', () => {
    expect(parseFormula('y ~ (1 | g1:g2)').random.map(summarize)).toEqual([
      { group: 'g1:g2', groupColumns: ['g1', 'g2'], intercept: true, terms: [] },
    ]);
  });

  it('a/b/c nests three levels, named as lme4 1.1-31 prints them (c:(b:a))', () => {
    expect(parseFormula('y ~ (1 | a/b/c)').random.map((r) => [r.group, r.groupColumns])).toEqual([
      ['a', ['a']],
      ['b:a', ['b', 'a']],
      ['c:(b:a)', ['c', 'b', 'a']],
    ]);
  });

  it('|| with nesting expands both', () => {
    expect(parseFormula('y ~ (x || a/b)').random.map((r) => [r.group, r.effects.intercept, labels(r.effects)])).toEqual([
      ['a', true, []],
      ['b:a', true, []],
      ['a', false, ['x']],
      ['b:a', false, ['x']],
    ]);
  });
});

describe('parseExpression', () => {
  it('parses with R precedence', () => {
    const e = parseExpression('-a:b');
    expect(e).toMatchObject({ kind: 'binary', op: ':', left: { kind: 'unary', op: '-' } });
    expect(parseExpression('-x^2')).toMatchObject({ kind: 'unary', arg: { kind: 'binary', op: '^' } });
    expect(parseExpression('a^b^c')).toMatchObject({ kind: 'binary', op: '^', right: { kind: 'binary', op: '^' } });
    expect(parseExpression('a + b * c')).toMatchObject({ kind: 'binary', op: '+', right: { kind: 'binary', op: '*' } });
    expect(parseExpression('a - b - c')).toMatchObject({ kind: 'binary', op: '-', left: { kind: 'binary', op: '-' } });
    expect(parseExpression('a * b %in% c')).toMatchObject({ kind: 'binary', op: '*', right: { op: '%in%' } });
    expect(parseExpression('a %in% b:c')).toMatchObject({ kind: 'binary', op: '%in%', right: { op: ':' } });
    expect(parseExpression('a / b * c')).toMatchObject({ kind: 'binary', op: '*', left: { op: '/' } });
  });

  it('records 1-based columns', () => {
    const e = parseExpression('ab + log(cd)');
    expect(e).toMatchObject({ kind: 'binary', pos: 1, opPos: 4, left: { pos: 1 }, right: { kind: 'call', pos: 6 } });
    expect(parseExpression(' (x | g)')).toMatchObject({ kind: 'paren', pos: 2, end: 8, expr: { kind: 'bar', opPos: 5 } });
  });
});

describe('data functions in formulas', () => {
  it('labels poly(), scale(), factor() and offset() as R deparses them', () => {
    const p = parseFormula('y ~ poly(x, 2, raw = TRUE) + poly(x, degree = 3) + scale(z, center = FALSE) + scale(I(z * 1e6)) + factor(k):z + offset(log(n)) + (1 | g)');
    expect(p.fixed.terms.map((t) => t.label)).toEqual(['poly(x, 2, raw = TRUE)', 'poly(x, degree = 3)', 'scale(z, center = FALSE)', 'scale(I(z * 1e+06))', 'factor(k):z']);
    expect(p.fixed.offsets?.map((v) => v.label)).toEqual(['offset(log(n))']);
    expect(p.fixed.offsets?.[0].columns).toEqual(['n']);
    expect(p.fixed.variables.find((v) => v.label === 'poly(x, 2, raw = TRUE)')?.fn).toMatchObject({ kind: 'poly', degree: 2, raw: true });
    expect(p.fixed.variables.find((v) => v.label === 'poly(x, 2, raw = TRUE)')?.columns).toEqual(['x']);
  });
  it('an offset with the intercept removed', () => {
    const p = parseFormula('y ~ offset(w) - 1 + x + (1 | g)');
    expect(p.fixed.intercept).toBe(false);
    expect(p.fixed.terms.map((t) => t.label)).toEqual(['x']);
    expect(p.fixed.offsets?.map((v) => v.label)).toEqual(['offset(w)']);
  });
});
