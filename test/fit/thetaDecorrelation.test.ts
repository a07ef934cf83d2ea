/**
 * The optimiser's decorrelation of nearly collinear random-effects columns (thetaDecorrelation.ts):
 * the LQ factor it maps θ̃ through, and fits whose columns are shifted far from 0 (Days + 1000,
 * ses + 10) or collinear (Days, Days²) against the unshifted fits: the same model, so the same
 * criterion (to 1e-9 relative: the optimiser's resolution), σ and the slopes' SDs (1e-5), in a
 * number of evaluations near the unshifted fit's (before: 225–556 against 59 for sleepstudy).
 */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { lowerOfLQ } from '../../src/fit/thetaDecorrelation.js';
import { dataset } from '../helpers.js';

/** Fixed linear congruential stream of uniforms on [0, 1). */
function uniforms(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('lowerOfLQ', () => {
  it('gives a lower-triangular L with a non-negative diagonal and LL\' = MM\', also at rank 2 of 4', () => {
    const next = uniforms(3);
    for (const rank of [4, 2]) {
      const q = 4;
      const M = Float64Array.from({ length: q * q }, (_, e) => (e % q < rank ? next() - 0.5 : 0));
      const L = lowerOfLQ(M, q);
      for (let r = 0; r < q; r++) for (let c = r + 1; c < q; c++) expect(L[r * q + c]).toBe(0);
      for (let r = 0; r < q; r++) expect(L[r * q + r]).toBeGreaterThanOrEqual(0);
      for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) {
        let a = 0, b = 0;
        for (let m = 0; m < q; m++) {
          a += L[r * q + m] * L[c * q + m];
          b += M[r * q + m] * M[c * q + m];
        }
        expect(Math.abs(a - b)).toBeLessThan(1e-14);
      }
      // Zero columns of M stay exact zeros of L.
      if (rank < q) for (let c = rank; c < q; c++) for (let r = c; r < q; r++) expect(L[r * q + c]).toBe(0);
    }
  });
});

describe('fits with nearly collinear random-effects columns', () => {
  const sleep = dataset('sleepstudy');
  const shifted = (table: aq.ColumnTable, column: string, by: number) => table.derive({ [column]: aq.escape((d: Record<string, number>) => d[column] + by) });
  const sd = (fit: ReturnType<typeof fitLmm>, grp: string, var1: string) => fit.toJSON().varcorr.find((v) => v.grp === grp && v.var1 === var1 && v.var2 === null)!.sdcor;

  for (const reml of [true, false]) {
    it(`sleepstudy (Days | Subject) with Days shifted by +100, +1000 and −50 (${reml ? 'REML' : 'ML'})`, () => {
      const formula = 'Reaction ~ Days + (Days | Subject)';
      const base = fitLmm(sleep, formula, { reml });
      expect(base.optimization.decorrelated).toBeUndefined();
      for (const by of [100, 1000, -50]) {
        const fit = fitLmm(shifted(sleep, 'Days', by), formula, { reml });
        expect(fit.optimization.decorrelated).toEqual(['(Days | Subject)']);
        expect(fit.optimization.converged).toBe(true);
        expect(Math.abs(fit.objective - base.objective)).toBeLessThanOrEqual(1e-9 * base.objective);
        expect(Math.abs(fit.sigma / base.sigma - 1)).toBeLessThan(1e-5);
        expect(Math.abs(sd(fit, 'Subject', 'Days') / sd(base, 'Subject', 'Days') - 1)).toBeLessThan(1e-5);
        expect(fit.optimization.evaluations).toBeLessThanOrEqual(2 * base.optimization.evaluations);
      }
    });
  }

  it('hsb (ses | school) with ses + 10, and a quadratic (Days + I(Days^2) | Subject) with Days + 100 (ML)', () => {
    const hsb = dataset('hsb');
    const a = fitLmm(hsb, 'mathach ~ ses + (ses | school)');
    const b = fitLmm(shifted(hsb, 'ses', 10), 'mathach ~ ses + (ses | school)');
    expect(b.optimization.decorrelated).toEqual(['(ses | school)']);
    expect(Math.abs(b.objective - a.objective)).toBeLessThanOrEqual(1e-10 * a.objective);
    expect(Math.abs(sd(b, 'school', 'ses') / sd(a, 'school', 'ses') - 1)).toBeLessThan(1e-5);
    const quadratic = 'Reaction ~ Days + I(Days^2) + (Days + I(Days^2) | Subject)';
    const c = fitLmm(sleep, quadratic, { reml: false });
    const d = fitLmm(shifted(sleep, 'Days', 100), quadratic, { reml: false });
    expect(c.optimization.decorrelated).toEqual(['(Days + I(Days^2) | Subject)']);
    expect(d.optimization.converged).toBe(true);
    // The same model (its columns span the same space): no worse than the unshifted optimum.
    expect(d.objective).toBeLessThanOrEqual(c.objective * (1 + 1e-9));
    expect(c.objective).toBeLessThanOrEqual(d.objective * (1 + 1e-9));
  });
});
