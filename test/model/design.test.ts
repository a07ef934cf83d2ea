/**
 * The fixed-effects matrix against R 4.2.2's `model.matrix` (fixtures/model_matrix, copied from
 * shared/fixtures/model_matrix): column names exactly, sampled rows and column sums to 1e-9
 * relative (the fixtures print 15 significant digits), and rank.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { buildModel } from '../../src/model/model.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface MatrixFixture {
  id: string;
  dataset: string;
  formula: string;
  nobs: number;
  columns: string[];
  rows: number[];
  values: number[][];
  colSums: number[];
  rank: number;
}

/** A grouping factor of each dataset, to make the fixed-effects formula a mixed model. */
const grouping: Record<string, string> = { hsb: 'school', politeness: 'subject', sleepstudy: 'Subject' };

describe('fixed-effects model matrix (R model.matrix fixtures)', () => {
  const fixtures = jsonFixtures<MatrixFixture>('model_matrix');
  it('has the 7 fixtures', () => expect(fixtures.length).toBe(7));
  for (const fx of fixtures) {
    it(`${fx.id}: ${fx.formula}`, () => {
      const model = buildModel(dataset(fx.dataset), `${fx.formula} + (1 | ${grouping[fx.dataset]})`);
      // R keeps every column in model.matrix; lme4 (and we) drop the aliased ones, leaving `rank`.
      expect([...model.fixefNames, ...model.aliased].sort()).toEqual([...fx.columns].sort());
      expect(model.fixefNames).toEqual(fx.columns.filter((c) => !model.aliased.includes(c)));
      expect(model.n).toBe(fx.nobs);
      expect(model.p).toBe(fx.rank);
      const p = model.p;
      // Fixture rows are R's row names: 1-based rows of the data before missing rows are dropped.
      const modelRow = (row: number) => (model.rows ? Array.from(model.rows).indexOf(row - 1) : row - 1);
      model.fixefNames.forEach((name, j) => {
        const c = fx.columns.indexOf(name);
        fx.rows.forEach((row, r) => {
          expect(relClose(model.X[modelRow(row) * p + j], fx.values[r][c], 1e-9, 1e-12), `row ${row} column ${name}`).toBe(true);
        });
        let sum = 0;
        let sumAbs = 0;
        for (let i = 0; i < model.n; i++) {
          sum += model.X[i * p + j];
          sumAbs += Math.abs(model.X[i * p + j]);
        }
        // A sum that cancels to ~0 (a centred column) is compared against the rounding scale Σ|x|.
        expect(Math.abs(sum - fx.colSums[c]) <= 1e-9 * Math.max(Math.abs(fx.colSums[c]), sumAbs * 1e-3), `colSum ${name}: ${sum} vs ${fx.colSums[c]}`).toBe(true);
      });
    });
  }
});

describe('coefficient names of the lme4 fixtures', () => {
  for (const ref of jsonFixtures<{ id: string; dataset: string; formula: string; fixef: Record<string, number> }>('lme4')) {
    it(ref.id, () => {
      expect(buildModel(dataset(ref.dataset), ref.formula).fixefNames).toEqual(Object.keys(ref.fixef));
    });
  }
});

describe('contrasts and coding', () => {
  const t = aq.table({
    y: [1, 2, 3, 4, 5, 6, 7, 8.5, 9, 11, 10, 12],
    x: [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6],
    f: ['b', 'a', 'c', 'a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c'],
    g: ['u', 'u', 'v', 'v', 'w', 'w', 'u', 'v', 'w', 'u', 'v', 'w'],
  });
  it('x:f codes f by contrasts when x is in the model, by indicators when not (R TermCode rule)', () => {
    expect(buildModel(t, 'y ~ x + x:f + (1 | g)').fixefNames).toEqual(['(Intercept)', 'x', 'x:fb', 'x:fc']);
    expect(buildModel(t, 'y ~ x:f + (1 | g)').fixefNames).toEqual(['(Intercept)', 'x:fa', 'x:fb', 'x:fc']);
  });
  it('f:x with f present codes f by contrasts', () => {
    expect(buildModel(t, 'y ~ f + f:x + (1 | g)').fixefNames).toEqual(['(Intercept)', 'fb', 'fc', 'fa:x', 'fb:x', 'fc:x']);
  });
  it('no intercept: first factor fully coded', () => {
    expect(buildModel(t, 'y ~ 0 + f + x + (1 | g)').fixefNames).toEqual(['fa', 'fb', 'fc', 'x']);
  });
  it('random-effects term columns follow the same rules', () => {
    const model = buildModel(t, 'y ~ x + (0 + f | g)');
    expect(model.terms[0].names).toEqual(['fa', 'fb', 'fc']);
  });
});

describe('rank deficiency', () => {
  it('drops an aliased column as lme4 does and says so', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const t = aq.table({ y: [2.1, 3.9, 6.2, 8.1, 9.7, 12.2, 13.8, 16.1, 18.3, 19.9], x, x2: x.map((v) => 2 * v), z: [1, 0, 1, 1, 0, 0, 1, 0, 1, 0], g: ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd', 'e', 'e'] });
    const model = buildModel(t, 'y ~ x + x2 + z + (1 | g)');
    expect(model.fixefNames).toEqual(['(Intercept)', 'x', 'z']);
    expect(model.aliased).toEqual(['x2']);
    expect(model.notes.join('\n')).toMatch(/rank deficient.*x2/);
  });
});

describe('missing values', () => {
  it('drops rows with a missing value in a used column and counts them', () => {
    const t = aq.table({ y: [1, 2, NaN, 4, 5, 6, 7], x: [1, null, 3, 4, 5, 6, 7], unused: [null, null, null, null, null, null, null], g: ['a', 'a', 'b', 'b', null, 'c', 'c'] });
    const model = buildModel(t, 'y ~ x + (1 | g)');
    expect(model.n).toBe(4);
    expect(model.dropped).toBe(3);
    expect(Array.from(model.rows!)).toEqual([0, 3, 5, 6]);
    expect(model.notes[0]).toMatch(/dropped 3 of 7 rows/);
  });
  it('says which factor levels occur only in dropped rows', () => {
    const t = aq.table({ y: [1, 2, NaN, 4, 5, 6, 7], g: ['a', 'a', 'z', 'b', 'b', 'c', 'c'] });
    const model = buildModel(t, 'y ~ 1 + (1 | g)');
    expect(model.terms[0].levels).toEqual(['a', 'b', 'c']);
    expect(model.notes).toContain("factor 'g': level 'z' occurs only in dropped rows and is not in the model");
  });
});
