/**
 * The fit's library API beyond the JSON: fitted values, residuals, coef, predict, and the
 * precision guard for a response far from zero.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { fitLmm } from '../../src/fit/lmm.js';
import { dataset } from '../helpers.js';

describe('fit API', () => {
  const sleep = dataset('sleepstudy');
  const fit = fitLmm(sleep, 'Reaction ~ Days + (Days | Subject)');

  it('fitted + residuals = y', () => {
    const f = fit.fitted();
    const r = fit.residuals();
    const y = sleep.array('Reaction') as Float64Array;
    for (let i = 0; i < y.length; i++) expect(f[i] + r[i]).toBeCloseTo(y[i], 10);
  });

  it('predict on the fitted data reproduces the fitted values', () => {
    const p = fit.predict(sleep);
    const f = fit.fitted();
    for (let i = 0; i < f.length; i++) expect(p[i]).toBeCloseTo(f[i], 10);
  });

  it('a new level gets the population prediction, a missing predictor NaN', () => {
    const p = fit.predict(aq.table({ Days: [2, 5, null], Subject: ['999', '308', '308'] }));
    const beta = fit.fixef;
    expect(p[0]).toBeCloseTo(beta['(Intercept)'] + 2 * beta['Days'], 10);
    const coef = fit.coef();
    const j = coef[0].levels.indexOf('308');
    expect(p[1]).toBeCloseTo(coef[0].values[j] + 5 * coef[1].values[j], 10);
    expect(Number.isNaN(p[2])).toBe(true);
  });

  it('coef() is the fixed effect plus the conditional mode', () => {
    const ranef = fit.ranef;
    const coef = fit.coef();
    expect(coef[1].term).toBe('Days');
    expect(coef[1].values[3]).toBeCloseTo(fit.fixef['Days'] + ranef[1].condval[3], 12);
  });
});

describe('precision with a response far from zero', () => {
  it('a response around 1e6 with unit noise fits as the same response around 0 (intercept shifted)', () => {
    const base = dataset('sleepstudy');
    const y = base.array('Reaction') as Float64Array;
    const scaled = Float64Array.from(y, (v) => v / 50);
    const near = aq.table({ y: scaled, Days: base.array('Days'), Subject: base.array('Subject') });
    const far = aq.table({ y: scaled.map((v) => v + 1e6), Days: base.array('Days'), Subject: base.array('Subject') });
    const a = fitLmm(near, 'y ~ Days + (Days | Subject)');
    const b = fitLmm(far, 'y ~ Days + (Days | Subject)');
    // Relative agreement 1e-8: far beyond what the 1e12 cancellation of an unshifted y'y allows.
    expect(b.fixef['(Intercept)'] - 1e6).toBeCloseTo(a.fixef['(Intercept)'], 7);
    expect(Math.abs(b.fixef['Days'] / a.fixef['Days'] - 1)).toBeLessThan(1e-8);
    expect(Math.abs(b.sigma / a.sigma - 1)).toBeLessThan(1e-8);
    expect(Math.abs(b.objective - a.objective)).toBeLessThan(1e-7);
    // θ agrees to the optimiser's resolution (rhoend 2e-7).
    b.theta.forEach((t, i) => expect(Math.abs(t - a.theta[i])).toBeLessThan(1e-6));
  });
});

describe('precision with a predictor far from zero', () => {
  it('x around 1e6 with unit spread is kept (R keeps it) and fits as x − 1e6 does', () => {
    const base = dataset('sleepstudy');
    const days = base.array('Days') as Float64Array;
    const near = aq.table({ y: base.array('Reaction'), x: days, Subject: base.array('Subject') });
    const far = aq.table({ y: base.array('Reaction'), x: days.map((d) => d + 1e6), Subject: base.array('Subject') });
    const a = fitLmm(near, 'y ~ x + (1 | Subject)');
    const b = fitLmm(far, 'y ~ x + (1 | Subject)');
    expect(b.model.aliased).toEqual([]);
    // Same slope and fit; the intercept moves by −1e6·slope (relative agreement 1e-9).
    expect(Math.abs(b.fixef['x'] / a.fixef['x'] - 1)).toBeLessThan(1e-9);
    expect(Math.abs((b.fixef['(Intercept)'] + 1e6 * b.fixef['x']) / a.fixef['(Intercept)'] - 1)).toBeLessThan(1e-9);
    expect(Math.abs(b.objective - a.objective)).toBeLessThan(1e-7);
    expect(Math.abs(b.stderr[1] / a.stderr[1] - 1)).toBeLessThan(1e-7);
    const fa = a.fitted();
    const fb = b.fitted();
    for (let i = 0; i < fa.length; i += 17) expect(Math.abs(fb[i] - fa[i])).toBeLessThan(1e-6);
  });
});

describe('model errors', () => {
  it('more random effects than observations is an error naming the term', () => {
    const t = aq.table({ y: [1, 2, 3, 4, 5, 6], x: [1, 2, 3, 4, 5, 6], g: ['a', 'a', 'b', 'b', 'c', 'c'] });
    expect(() => fitLmm(t, 'y ~ x + (x | g)')).toThrow(/number of observations \(6\) <= number of random effects \(6\) for term \(x \| g\)/);
  });
  it('a response with no variance is an error', () => {
    const t = aq.table({ y: [1, 1, 1, 1, 1, 1], g: ['a', 'a', 'b', 'b', 'c', 'c'] });
    expect(() => fitLmm(t, 'y ~ 1 + (1 | g)')).toThrow(/response 'y' has no variance/);
  });
});
