/**
 * The blocked factor's two routes to the criterion: the supernodal one the optimiser takes for
 * a large sparse rest (crossed factors) must give the criterion of the dense factor (to 1e-11
 * relative: rounding only), and the fit it leads to must be the one the dense route finds.
 */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { BlockedCholesky } from '../../src/fit/blocked.js';
import { fitModel } from '../../src/fit/lmm.js';
import { randomEffectsInverseBlocks } from '../../src/fit/solution.js';
import { buildModel } from '../../src/model/model.js';
import { createRng } from '../../samplers/rng.js';

/**
 * Students crossed with 432 items in 36 courses (items of a course share a department; 12
 * departments): each student rates 4 items of one course and, one time in ten, one item of
 * another course, so the items' block of the rest is sparse but not block diagonal.
 */
function crossedRatings(seed = 5): aq.ColumnTable {
  const rng = createRng(seed);
  const courses = 36;
  const perCourse = 12;
  const students = 1500;
  const aItem = Float64Array.from({ length: courses * perCourse }, () => 0.5 * rng.normal());
  const aStudent = Float64Array.from({ length: students }, () => 0.8 * rng.normal());
  const aDept = Float64Array.from({ length: 12 }, () => 0.3 * rng.normal());
  const cols: Record<'y' | 'x' | 's' | 'item' | 'dept', number[]> = { y: [], x: [], s: [], item: [], dept: [] };
  const rate = (student: number, item: number) => {
    const x = rng.normal();
    const dept = Math.floor(item / perCourse) % 12;
    cols.y.push(3 + 0.4 * x + aStudent[student] + aItem[item] + aDept[dept] + rng.normal());
    cols.x.push(x);
    cols.s.push(student + 1);
    cols.item.push(item + 1);
    cols.dept.push(dept + 1);
  };
  for (let s = 0; s < students; s++) {
    const course = Math.floor(rng.uniform() * courses);
    for (let r = 0; r < 4; r++) rate(s, course * perCourse + Math.floor(rng.uniform() * perCourse));
    if (rng.uniform() < 0.1) rate(s, Math.floor(rng.uniform() * courses * perCourse));
  }
  return aq.table({ y: Float64Array.from(cols.y), x: Float64Array.from(cols.x), s: Float64Array.from(cols.s), item: Float64Array.from(cols.item), dept: Float64Array.from(cols.dept) });
}

describe('blocked factor of a sparse crossed rest', () => {
  const model = buildModel(crossedRatings(), 'y ~ x + (1 | s) + (1 | item) + (1 | dept)');

  /** Both routes' criteria at each θ (and criterion), to 1e-11 relative; returns the sparse factor. */
  function expectDenseCriterion(m: typeof model, thetas: number[][], remls: boolean[]): BlockedCholesky {
    const sparse = new BlockedCholesky(m.crossprod, m.terms, { sparse: true });
    const dense = new BlockedCholesky(m.crossprod, m.terms);
    expect(sparse.supernodal).toBe(true);
    expect(dense.supernodal).toBe(false);
    for (const theta of thetas) {
      for (const reml of remls) {
        const a = sparse.evaluate(theta, reml);
        dense.update(theta);
        const b = dense.objective(reml);
        expect(Math.abs(a - b)).toBeLessThan(1e-11 * Math.abs(b));
      }
    }
    return sparse;
  }

  it('takes the supernodal route and gives the dense criterion', () => {
    const sparse = expectDenseCriterion(model, [[1, 1, 1], [0.3, 0.7, 0.2], [2, 0.05, 0], [0, 0.5, 1.5]], [true, false]);
    expect(sparse.M).toBeGreaterThanOrEqual(400);
  });

  it('gives the dense criterion with correlated slopes in the rest (q = 2 blocks)', () => {
    const slopes = buildModel(crossedRatings(), 'y ~ x + (1 | s) + (x | item) + (1 | dept)');
    expectDenseCriterion(slopes, [[1, 1, 0, 1, 1], [0.4, 0.6, -0.2, 0.3, 0.2], [0.8, 0.5, 0.3, 0, 0.4]], [true]);
  });

  it('gives the dense criterion with a first term of intercepts and slopes (q0 = 2)', () => {
    const slopes = buildModel(crossedRatings(), 'y ~ x + (x | s) + (1 | item) + (1 | dept)');
    expect(slopes.terms[0].q).toBe(2);
    expectDenseCriterion(slopes, [[1, 0, 1, 1, 1], [0.7, 0.2, 0.3, 0.5, 0.1], [0.5, -0.3, 0, 0.8, 0]], [false]);
  });

  it('fits as the dense route does', () => {
    const fit = fitModel(model);
    // The fit's own criterion is recomputed with the dense factor at the final θ.
    expect(Math.abs(fit.objective - fit.optimization.finalObjective)).toBeLessThan(1e-9);
    const dense = new BlockedCholesky(model.crossprod, model.terms);
    const theta = Float64Array.from(fit.theta);
    dense.update(theta);
    // The optimum: moving any θ element by 1e-4 does not lower the dense criterion.
    const f0 = dense.objective(true);
    for (let i = 0; i < theta.length; i++) {
      for (const step of [-1e-4, 1e-4]) {
        const t = Float64Array.from(theta);
        t[i] = Math.max(0, t[i] + step);
        dense.update(t);
        expect(dense.objective(true)).toBeGreaterThanOrEqual(f0 - 1e-9);
      }
    }
  });

  // The conditional variances by selected inversion on the supernodal factor against the dense
  // inverse of the rest (to 1e-10 relative to the largest block entry: rounding only), with
  // q0 = 1 and 2 and a q = 2 term in the rest; the factor is left as it was.
  for (const formula of ['y ~ x + (1 | s) + (1 | item) + (1 | dept)', 'y ~ x + (1 | s) + (x | item) + (1 | dept)', 'y ~ x + (x | s) + (1 | item) + (1 | dept)']) {
    it(`conditional variances by selected inversion: ${formula}`, () => {
      const m = buildModel(crossedRatings(), formula);
      const optimiser = new BlockedCholesky(m.crossprod, m.terms, { sparse: true });
      const selected = new BlockedCholesky(m.crossprod, m.terms, { sparseFrom: optimiser });
      const dense = new BlockedCholesky(m.crossprod, m.terms);
      const theta = Float64Array.from(selected.layout.start, (v, i) => v * (0.4 + 0.15 * i) + (v === 0 ? 0.1 : 0));
      selected.update(theta);
      dense.update(theta);
      const before = selected.S.slice();
      const a = randomEffectsInverseBlocks(selected);
      expect(selected.restInverse()).toBeDefined();
      expect(dense.restInverse()).toBeUndefined();
      const b = randomEffectsInverseBlocks(dense);
      expect(a.length).toBe(b.length);
      for (let k = 0; k < a.length; k++) {
        const scale = Math.max(...Array.from(b[k], Math.abs));
        let err = 0;
        for (let e = 0; e < b[k].length; e++) err = Math.max(err, Math.abs(a[k][e] - b[k][e]));
        expect(err).toBeLessThan(1e-10 * scale);
      }
      let changed = 0;
      for (let e = 0; e < before.length; e++) if (!Object.is(selected.S[e], before[e])) changed++;
      expect(changed).toBe(0);
      expect(selected.objective(true)).toBe(dense.objective(true));
    });
  }
});

/**
 * Subjects crossed with items, each subject seeing every item once or twice (so some cells
 * hold two observations), with three covariates that vary within subject and item: the update
 * of the rest from the subjects' levels is summed over their observations (observationUpdate.ts)
 * where that is cheaper. Its criterion must be the blocked route's, to 1e-12 relative (rounding).
 */
function crossedSlopes(seed = 11, subjects = 24, items = 16): aq.ColumnTable {
  const rng = createRng(seed);
  const cols: Record<'y' | 'a' | 'b' | 'c' | 'subj' | 'item', number[]> = { y: [], a: [], b: [], c: [], subj: [], item: [] };
  for (let s = 0; s < subjects; s++) {
    for (let i = 0; i < items; i++) {
      for (let r = 0; r < (rng.uniform() < 0.2 ? 2 : 1); r++) {
        const a = rng.uniform() < 0.5 ? -1 : 1, b = rng.normal(), c = 10 + rng.normal();
        cols.y.push(100 + 3 * a + b + 0.1 * c + rng.normal() * 5 + (s % 5) + (i % 3) * b);
        cols.a.push(a);
        cols.b.push(b);
        cols.c.push(c);
        cols.subj.push(s + 1);
        cols.item.push(i + 1);
      }
    }
  }
  return aq.table(Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, Float64Array.from(v)])));
}

describe('blocked factor, update summed over observations', () => {
  const perturbed = (start: Float64Array, s: number) => Float64Array.from(start, (v, i) => v * (1 + 0.3 * Math.sin(i + s)) + (v === 0 ? 0.2 * Math.cos(i * s + 1) : 0));

  function expectBlockedCriterion(formula: string, table: aq.ColumnTable, levels: number): void {
    const m = buildModel(table, formula);
    const observed = new BlockedCholesky(m.crossprod, m.terms, { sparse: true });
    const blocked = new BlockedCholesky(m.crossprod, m.terms);
    const route = (observed as unknown as { observation?: { byObservation: Uint8Array } }).observation;
    expect(route?.byObservation.reduce((a, b) => a + b, 0)).toBe(levels);
    for (let s = 0; s < 3; s++) {
      const theta = perturbed(observed.layout.start, s);
      for (const reml of [false, true]) {
        const a = observed.evaluate(theta, reml);
        blocked.update(theta);
        const b = blocked.objective(reml);
        expect(Math.abs(a - b)).toBeLessThan(1e-12 * Math.abs(b));
      }
    }
    // The factor evaluated by observations still updates (W blocks and all) for the results.
    observed.update(perturbed(observed.layout.start, 0));
    blocked.update(perturbed(observed.layout.start, 0));
    expect(Math.abs(observed.objective(true) - blocked.objective(true))).toBeLessThan(1e-12 * Math.abs(blocked.objective(true)));
  }

  it('two crossed terms of four columns each (cells of one and two observations)', () => {
    expectBlockedCriterion('y ~ a * b + c + (1 + a + b + c | subj) + (1 + a + b + c | item)', crossedSlopes(), 24);
  });

  it('three terms: the other two terms of different sizes on each observation', () => {
    const table = crossedSlopes(12).derive({ group: (d: { item: number }) => (d.item % 4) + 1 });
    // 23 of the 24 subjects by observations, one (more doubled cells) blocked: both routes in one factor.
    expectBlockedCriterion('y ~ a + b + (1 + a * b * c | subj) + (1 + a | item) + (1 | group)', table, 23);
  });

  it('is not taken for a first term of intercepts (the blocked route is cheaper)', () => {
    const m = buildModel(crossedSlopes(), 'y ~ a + (1 | subj) + (1 | item)');
    const f = new BlockedCholesky(m.crossprod, m.terms, { sparse: true });
    expect((f as unknown as { observation?: unknown }).observation).toBeUndefined();
  });
});
