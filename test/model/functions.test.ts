/**
 * poly(), scale(), factor() and offset() in the fixed part against R 4.2.2's model.matrix
 * (fixtures/model_matrix_functions, made by fixtures/scripts/formula_functions.R through lme4's
 * lFormula): column names exactly, sampled rows and column sums to 1e-9 relative (the fixtures
 * print 15 significant digits; a sum that cancels to ~0 against 1e-12 of Σ|x|), rank, and the
 * offset's values. Plus what R does off the fitted path: poly() of a shifted and rescaled column,
 * scale() with rows dropped for other columns, new data through the fit's coefficients.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { buildModel } from '../../src/model/model.js';
import { polyBasis, polyPredict, scaleColumn } from '../../src/model/transforms.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface MatrixFixture {
  id: string;
  dataset: string;
  group: string;
  formula: string;
  nobs: number;
  columns: string[];
  rows: number[];
  values: number[][];
  colSums: number[];
  rank: number;
  offset: { rows: number[]; values: number[]; sum: number } | null;
}

describe('formula functions: R model.matrix fixtures', () => {
  const fixtures = jsonFixtures<MatrixFixture>('model_matrix_functions');
  it('has the 13 fixtures', () => expect(fixtures.length).toBe(13));
  for (const fx of fixtures) {
    it(`${fx.id}: ${fx.formula}`, () => {
      const model = buildModel(dataset(fx.dataset), `${fx.formula} + (1 | ${fx.group})`);
      expect([...model.fixefNames, ...model.aliased].sort()).toEqual([...fx.columns].sort());
      expect(model.fixefNames).toEqual(fx.columns.filter((c) => !model.aliased.includes(c)));
      expect(model.n).toBe(fx.nobs);
      expect(model.p).toBe(fx.rank);
      const p = model.p;
      const modelRow = (row: number) => (model.rows ? Array.from(model.rows).indexOf(row - 1) : row - 1);
      model.fixefNames.forEach((name, j) => {
        const c = fx.columns.indexOf(name);
        fx.rows.forEach((row, r) => {
          const ours = model.X[modelRow(row) * p + j];
          expect(relClose(ours, fx.values[r][c], 1e-9, 1e-12), `row ${row} column ${name}: ${ours} vs ${fx.values[r][c]}`).toBe(true);
        });
        let sum = 0;
        let sumAbs = 0;
        for (let i = 0; i < model.n; i++) {
          sum += model.X[i * p + j];
          sumAbs += Math.abs(model.X[i * p + j]);
        }
        expect(Math.abs(sum - fx.colSums[c]) <= 1e-9 * Math.max(Math.abs(fx.colSums[c]), sumAbs * 1e-3), `colSum ${name}: ${sum} vs ${fx.colSums[c]}`).toBe(true);
      });
      if (fx.offset) {
        expect(model.offset).not.toBeNull();
        fx.offset.rows.forEach((row, r) => expect(model.offset![modelRow(row)]).toBeCloseTo(fx.offset!.values[r], 12));
      } else {
        expect(model.offset).toBeNull();
      }
    });
  }
});

describe('poly()', () => {
  it('is the same basis for a shifted and rescaled column (R: orthogonal polynomials are affine invariant)', () => {
    const t = dataset('hsb');
    const a = buildModel(t, 'mathach ~ poly(ses, 3) + (1 | school)');
    const b = buildModel(t, 'mathach ~ poly(I(ses * 1e5 - 3e7), 3) + (1 | school)');
    for (let i = 0; i < a.X.length; i++) expect(Math.abs(a.X[i] - b.X[i])).toBeLessThan(1e-10);
  });
  it('columns are orthonormal and orthogonal to the constant', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => Math.exp(i / 10) + 1000);
    const { columns } = polyBasis(x, 4, 'poly(x, 4)');
    for (let j = 0; j < 4; j++) {
      expect(columns[j].reduce((s, v) => s + v, 0)).toBeCloseTo(0, 10);
      for (let k = 0; k <= j; k++) {
        const dot = columns[j].reduce((s, v, i) => s + v * columns[k][i], 0);
        expect(dot).toBeCloseTo(j === k ? 1 : 0, 10);
      }
    }
  });
  it('the recurrence with the fit coefficients reproduces the basis at the fitting points', () => {
    const x = Float64Array.from({ length: 25 }, (_, i) => (i % 7) * 3.5 - 2 + i / 50);
    const { columns, transform } = polyBasis(x, 3, 'poly(x, 3)');
    const again = polyPredict(x, transform as Extract<typeof transform, { kind: 'poly' }>);
    for (let j = 0; j < 3; j++) for (let i = 0; i < x.length; i++) expect(Math.abs(again[j][i] - columns[j][i])).toBeLessThan(1e-12);
  });
  it('refuses missing values in its column, as R does, naming the term', () => {
    expect(() => buildModel(dataset('sleep_na'), 'Reaction ~ poly(Days, 2) + (1 | Subject)')).toThrow(/poly\(Days, 2\): missing values are not allowed in 'poly'/);
  });
  it('of a text column is one error naming the term and the column', () => {
    const t = aq.table({ y: [1, 2, 3, 4, 5, 6], x: [1, 2, 1, 2, 1, 2], g: ['a', 'a', 'b', 'b', 'c', 'c'] });
    expect(() => buildModel(t, 'y ~ poly(g, 2) + (1 | g)')).toThrow("poly(g, 2) needs numeric columns: 'g' is a factor");
    expect(() => buildModel(t, 'y ~ scale(g) + (1 | g)')).toThrow("scale(g) needs numeric columns: 'g' is a factor");
  });
  it('refuses a degree not below the number of distinct values', () => {
    const t = aq.table({ y: [1, 2, 3, 4, 5, 6], x: [1, 2, 1, 2, 1, 2], g: ['a', 'a', 'b', 'b', 'c', 'c'] });
    expect(() => buildModel(t, 'y ~ poly(x, 2) + (1 | g)')).toThrow(/degree \(2\) must be less than the number of distinct values \(2\)/);
  });
});

describe('scale()', () => {
  it('centres and scales on every row with a value in its own column (R evaluates before dropping rows)', () => {
    // sleep_na: Days missing in rows 2 and 5, Reaction in row 7: the centre includes row 7's Days.
    const model = buildModel(dataset('sleep_na'), 'Reaction ~ scale(Days) + (1 | Subject)');
    const t = model.transforms.get('scale(Days)');
    expect(t).toEqual({ kind: 'scale', center: expect.any(Number), scale: expect.any(Number) });
    // R 4.2.2: attr(scale(d3$Days), "scaled:center") = 4.522472, "scaled:scale" = 2.884216
    expect((t as { center: number }).center).toBeCloseTo(4.522472, 6);
    expect((t as { scale: number }).scale).toBeCloseTo(2.884216, 6);
  });
  it('center = FALSE divides by the root mean square', () => {
    const { values, transform } = scaleColumn(Float64Array.from([1, 2, NaN, 3]), false, true);
    expect(transform).toEqual({ kind: 'scale', center: null, scale: Math.sqrt(14 / 2) });
    expect(Number.isNaN(values[2])).toBe(true);
  });
});

describe('factor() and offset()', () => {
  const t = aq.table({ y: [1, 2, 3, 4.5, 5, 6, 7.5, 8, 9, 10], x: [3, 1, 2, 3, 1, 2, 10, 1, 2, 3], z: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5], g: ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'] });
  it('factor() of a number orders levels numerically and names columns as R', () => {
    expect(buildModel(t, 'y ~ factor(x) + (1 | g)').fixefNames).toEqual(['(Intercept)', 'factor(x)2', 'factor(x)3', 'factor(x)10']);
    expect(buildModel(t, 'y ~ factor(x):z + (1 | g)').fixefNames).toEqual(['(Intercept)', 'factor(x)1:z', 'factor(x)2:z', 'factor(x)3:z', 'factor(x)10:z']);
  });
  it('offsets add up and leave the terms alone', () => {
    const model = buildModel(t, 'y ~ z + offset(x) + offset(2 * z) + (1 | g)');
    expect(model.fixefNames).toEqual(['(Intercept)', 'z']);
    expect(Array.from(model.offset!)).toEqual([4, 3, 5, 7, 6, 8, 17, 9, 11, 13]);
  });
  it('refuses offset() in an interaction or a random-effects term, naming it', () => {
    expect(() => buildModel(t, 'y ~ offset(x):z + (1 | g)')).toThrow(/offset\(\) must be a term of its own/);
    expect(() => buildModel(t, 'y ~ z + (offset(x) | g)')).toThrow(/offset\(\) belongs in the fixed part/);
  });
});

describe('prior weights', () => {
  const t = aq.table({ y: [1, 2, 3, 4.5, 5, 6, 7.5, 8, 9, 10], z: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5], w: [1, 2, 1, 2, null, 2, 1, 2, 1, 2], bad: [1, 0, 1, 1, 1, 1, 1, 1, 1, 1], neg: [1, 1, -1, 1, 1, 1, 1, 1, 1, 1], g: ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'] });
  it('a missing weight drops its row; the cross-products are X\'WX', () => {
    const model = buildModel(t, 'y ~ z + (1 | g)', { weights: 'w' });
    expect(model.n).toBe(9);
    expect(model.crossprod.XytXy[0]).toBe(1 + 2 + 1 + 2 + 2 + 1 + 2 + 1 + 2);
    expect(model.logdetW).toBeCloseTo(5 * Math.log(2), 14);
  });
  it('integer weights are the same as repeated rows in X\'WX', () => {
    const w = [1, 2, 1, 3, 1, 2, 1, 1, 2, 1];
    const weighted = buildModel(t, 'y ~ z + (1 | g)', { weights: w });
    const rows = w.flatMap((k, i) => Array(k).fill(i));
    const repeated = buildModel(aq.table({ y: rows.map((i) => t.get('y', i)), z: rows.map((i) => t.get('z', i)), g: rows.map((i) => t.get('g', i)) }), 'y ~ z + (1 | g)');
    const a = weighted.crossprod;
    const b = repeated.crossprod;
    // The shift of y and the centring of z differ (weighted by rows), so compare the raw sums of x'x through the constant column.
    expect(a.XytXy[0]).toBe(b.XytXy[0]);
    expect(a.terms[0].ZtZ).toEqual(b.terms[0].ZtZ);
  });
  it('zero and negative weights are refused in one line naming the column and row', () => {
    expect(() => buildModel(t, 'y ~ z + (1 | g)', { weights: 'bad' })).toThrow("weights column 'bad' is 0 in row 2: prior weights must be positive (lme4's deviance is infinite with a zero weight); drop such rows");
    expect(() => buildModel(t, 'y ~ z + (1 | g)', { weights: 'neg' })).toThrow("weights column 'neg' is negative (-1) in row 3: prior weights must be positive");
    expect(() => buildModel(t, 'y ~ z + (1 | g)', { weights: 'wt' })).toThrow("unknown weights column 'wt' (did you mean 'w'?)");
    expect(() => buildModel(t, 'y ~ z + (1 | g)', { weights: 'g' })).toThrow(/weights column 'g' is not numeric/);
    expect(() => buildModel(t, 'y ~ z + (1 | g)', { weights: [1, 2] })).toThrow('weights: 2 values given for 10 rows');
  });
});
