/**
 * Kenward–Roger against pbkrtest 0.5.2 through lmerTest 3.1-3 (`summary(fit, ddf =
 * "Kenward-Roger")`, `anova(fit, type = 3, ddf = "Kenward-Roger")`, `vcovAdj`), R 4.2.2 from
 * Debian, on the 13 REML fits of fixtures/lmertest with at most 1000 rows
 * (fixtures/lmertest_kr, made by fixtures/lmertest/make_kr.R). Tolerances: df 1e-4 relative
 * (observed ≤ 1e-7), adjusted covariance and F 1e-5 relative, p-values 1e-3 relative.
 */
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface Reference {
  id: string;
  dataset: string;
  formula: string;
  vcovAdj: number[][];
  coefficients: { term: string; StdError: number; df: number; t: number; p: number }[];
  anova: { term: string; SumSq: number; NumDF: number; DenDF: number; F: number; p: number }[];
}

const references = jsonFixtures<Reference>('lmertest_kr');

describe('Kenward-Roger as pbkrtest', () => {
  it('has the references', () => expect(references.length).toBe(13));
  for (const ref of references) {
    it(ref.id, () => {
      const fit = fitLmm(dataset(ref.dataset), ref.formula);
      const p = fit.model.p;
      const scale = Math.max(...ref.vcovAdj.flat().map(Math.abs));
      ref.vcovAdj.forEach((row, a) => row.forEach((v, b) => {
        expect(relClose(fit.kenwardRoger.PhiA[a * p + b], v, 1e-5, scale * 1e-3), `vcovAdj[${a}, ${b}]`).toBe(true);
      }));
      fit.coefficients({ ddf: 'kenward-roger' }).forEach((row, j) => {
        const e = ref.coefficients[j];
        expect(row.term).toBe(e.term);
        expect(relClose(row.df, e.df, 1e-4), `${row.term} df ${row.df} vs ${e.df}`).toBe(true);
        expect(relClose(row.stdError, e.StdError, 1e-5), `${row.term} SE`).toBe(true);
        expect(relClose(row.p, e.p, 1e-3), `${row.term} p ${row.p} vs ${e.p}`).toBe(true);
      });
      const tests = fit.anova({ ddf: 'kenward-roger' });
      expect(tests.map((t) => t.term)).toEqual(ref.anova.map((t) => t.term));
      tests.forEach((test, k) => {
        const e = ref.anova[k];
        expect(test.numDF).toBe(e.NumDF);
        expect(relClose(test.denDF, e.DenDF, 1e-4), `${test.term} DenDF`).toBe(true);
        expect(relClose(test.F, e.F, 1e-5), `${test.term} F`).toBe(true);
        expect(relClose(test.sumSq, e.SumSq, 1e-5), `${test.term} Sum Sq`).toBe(true);
        expect(relClose(test.p, e.p, 1e-3), `${test.term} p`).toBe(true);
      });
    }, 60000);
  }
  it('refuses ML fits, weights and models too large for its n×n matrices', () => {
    const sleep = dataset('sleepstudy');
    expect(() => fitLmm(sleep, 'Reaction ~ Days + (1 | Subject)', { reml: false }).coefficients({ ddf: 'kenward-roger' })).toThrow(/only available for REML fits/);
    const w = Array.from({ length: sleep.numRows() }, (_, i) => 1 + (i % 3));
    expect(() => fitLmm(sleep, 'Reaction ~ Days + (1 | Subject)', { weights: w }).coefficients({ ddf: 'kenward-roger' })).toThrow(/prior weights/);
    expect(() => fitLmm(dataset('hsb'), 'mathach ~ 1 + (1 | school)').coefficients({ ddf: 'kenward-roger' })).toThrow(/7185 rows is above the limit of 3000/);
  });
});
