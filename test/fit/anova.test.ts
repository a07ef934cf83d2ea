/**
 * Likelihood-ratio tests against the lecture notes' printed results:
 * seed 003 (politeness; lme4 `anova(m0, m1)`: χ²(1) = 11.618, p = 0.0006532, AIC 816.72 and
 * 807.10, printed to those digits) and seed 001 (High School and Beyond; REML LRT for the
 * random slope of cses: log L −23,357.12 vs −23,362.00, G² = 9.76, df = 2, printed to 2 decimals).
 */
import { describe, expect, it } from 'vitest';
import { anova } from '../../src/fit/anova.js';
import { dataset } from '../helpers.js';

describe('anova', () => {
  it('reproduces seed 003: attitude on politeness, ML refit', () => {
    const result = anova(dataset('politeness'), [
      'frequency ~ gender + (1 | subject) + (1 | scenario)',
      'frequency ~ attitude + gender + (1 | subject) + (1 | scenario)',
    ]);
    expect(result.refitML).toBe(true);
    const [m0, m1] = result.models;
    expect(m0.AIC.toFixed(2)).toBe('816.72');
    expect(m1.AIC.toFixed(2)).toBe('807.10');
    expect(m1.Chisq!.toFixed(3)).toBe('11.618');
    expect(m1.Df).toBe(1);
    expect(m1.p!.toPrecision(4)).toBe('0.0006532');
    expect(m0.Chisq).toBeNull();
    // Fixed effects differ: no boundary correction applies.
    expect(m1.pBoundary).toBeNull();
  });

  it('reproduces seed 001: REML LRT for the random slope of cses, with the boundary mixture', () => {
    const result = anova(dataset('hsb'), ['mathach ~ cses + (1 | school)', 'mathach ~ cses + (cses | school)'], { refit: false });
    expect(result.refitML).toBe(false);
    const [m0, m1] = result.models;
    expect(m0.logLik.toFixed(2)).toBe('-23362.00');
    expect(m1.logLik.toFixed(2)).toBe('-23357.12');
    expect(m1.Chisq!.toFixed(2)).toBe('9.76');
    expect(m1.Df).toBe(2);
    // ½χ²_1 + ½χ²_2 (Stram & Lee 1994): smaller than the naive χ²_2 p-value.
    const naive = m1.p!;
    expect(naive).toBeCloseTo(0.0076, 4);
    expect(m1.pBoundary!).toBeLessThan(naive);
    expect(m1.pBoundary!).toBeGreaterThan(naive / 2);
  });

  it('uses ½χ²_0 + ½χ²_1 for a dropped random intercept', () => {
    const result = anova(dataset('politeness'), [
      'frequency ~ attitude + (1 | scenario)',
      'frequency ~ attitude + (1 | subject) + (1 | scenario)',
    ]);
    const m1 = result.models[1];
    expect(m1.Df).toBe(1);
    expect(m1.pBoundary!).toBeCloseTo(m1.p! / 2, 12);
  });

  it('refuses REML comparison of models with different fixed effects', () => {
    expect(() => anova(dataset('politeness'), ['frequency ~ gender + (1 | subject)', 'frequency ~ attitude + gender + (1 | subject)'], { refit: false })).toThrow(/not comparable/);
  });
});
