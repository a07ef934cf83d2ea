/**
 * Satterthwaite's df, t and F tests against lmerTest 3.1-3 (lme4 1.1-31, R 4.2.2 from Debian)
 * on the 21 shared fits plus 7 more: multi-column terms and interactions, three correlated random
 * effects, prior weights
 * (fixtures/lmertest, made by fixtures/lmertest/make.R). Tolerances: df and DenDF 1e-4 relative
 * (the bound; observed ≤ 4e-6), F and Sum Sq 1e-5 relative, p-values 1e-3 relative
 * (they inherit the relative error of t times |t|·d log p/dt, large for p near 1e-100).
 */
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { fisherUpper, incompleteBeta, studentTwoSided } from '../../src/stats/distributions.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface Reference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  weights?: string | null;
  coefficients: { term: string; Estimate: number; StdError: number; df: number; t: number; p: number }[];
  anova: { term: string; SumSq: number; MeanSq: number; NumDF: number; DenDF: number; F: number; p: number }[];
}

const references = jsonFixtures<Reference>('lmertest');

describe('Satterthwaite df and p-values as lmerTest', () => {
  it('has the references', () => expect(references.length).toBeGreaterThanOrEqual(26));
  for (const ref of references) {
    it(`${ref.id}: summary table and type III anova`, () => {
      const fit = fitLmm(dataset(ref.dataset), ref.formula, { reml: ref.REML, weights: ref.weights ?? undefined });
      const rows = fit.coefficients();
      expect(rows.map((r) => r.term)).toEqual(ref.coefficients.map((r) => r.term));
      rows.forEach((row, j) => {
        const e = ref.coefficients[j];
        expect(relClose(row.df, e.df, 1e-4), `${row.term} df ${row.df} vs ${e.df}`).toBe(true);
        expect(relClose(row.t, e.t, 1e-5), `${row.term} t ${row.t} vs ${e.t}`).toBe(true);
        expect(relClose(row.p, e.p, 1e-3), `${row.term} p ${row.p} vs ${e.p}`).toBe(true);
      });
      const tests = fit.anova();
      expect(tests.map((r) => r.term)).toEqual(ref.anova.map((r) => r.term));
      tests.forEach((test, k) => {
        const e = ref.anova[k];
        expect(test.numDF, test.term).toBe(e.NumDF);
        expect(relClose(test.denDF, e.DenDF, 1e-4), `${test.term} DenDF ${test.denDF} vs ${e.DenDF}`).toBe(true);
        expect(relClose(test.F, e.F, 1e-5), `${test.term} F ${test.F} vs ${e.F}`).toBe(true);
        expect(relClose(test.sumSq, e.SumSq, 1e-5), `${test.term} Sum Sq`).toBe(true);
        expect(relClose(test.p, e.p, 1e-3), `${test.term} p ${test.p} vs ${e.p}`).toBe(true);
      });
    }, 60000);
  }
});

describe('t and F tails', () => {
  // Closed forms: t_1 is Cauchy, P(|T_2| > t) = 1 − t/√(2 + t²), P(F_{2,d} > f) = (1 + 2f/d)^(−d/2).
  it('matches closed forms to 1e-13', () => {
    expect(studentTwoSided(1, 1)).toBeCloseTo(0.5, 13);
    for (const t of [0.3, 1, 2.5, 10]) expect(studentTwoSided(t, 2)).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 13);
    for (const [f, d] of [[3, 10], [0.5, 7.5], [20, 3]]) expect(relClose(fisherUpper(f, 2, d), (1 + (2 * f) / d) ** (-d / 2), 1e-12)).toBe(true);
    // I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b.
    expect(relClose(incompleteBeta(0.3, 2.5, 1), 0.3 ** 2.5, 1e-13)).toBe(true);
    expect(relClose(incompleteBeta(0.8, 1, 3.5), 1 - 0.2 ** 3.5, 1e-13)).toBe(true);
  });
  it('matches R 4.2.2 at fractional df and in the far tail (1e-10 relative)', () => {
    // R: 2 * pt(-40, 17), 2 * pt(-2.5, 7.3), pf(4.2, 3, 11.7, lower.tail = FALSE), digits = 15.
    expect(relClose(studentTwoSided(40, 17), 2.9320117368674e-18, 1e-10)).toBe(true);
    expect(relClose(studentTwoSided(-2.5, 7.3), 0.0396502346656005, 1e-10)).toBe(true);
    expect(relClose(fisherUpper(4.2, 3, 11.7), 0.0308967766447088, 1e-10)).toBe(true);
  });
});

describe('the default skip of Satterthwaite df', () => {
  // The estimate is from the sizes alone (no timing), so the default's choice does not depend on
  // the load: kb07's slopes model (≈ 19 s here) is skipped, sleepstudy's computed, and the
  // estimate is the same for the same model however long its fit took.
  it('is decided from the model sizes, not from how long the fit took', async () => {
    const { satterthwaiteSeconds } = await import('../../src/fit/satterthwaite.js');
    const kb07 = fitLmm(dataset('kb07'), 'RTtrunc ~ 1 + S*P*C + (1 + S + P + C | subj) + (1 + S + P + C | item)', { reml: false });
    const estimate = satterthwaiteSeconds(kb07);
    expect(estimate).toBeGreaterThan(10);
    kb07.fitMillis *= 100;
    expect(satterthwaiteSeconds(kb07)).toBe(estimate);
    const sleep = fitLmm(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)');
    expect(satterthwaiteSeconds(sleep)).toBeLessThan(1);
  });
});
