/**
 * Residual structures (src/model/residuals.ts, src/fit/residualFit.ts) against nlme 3.1
 * (test/fixtures/nlme_residuals/*.json, made by test/fixtures/scripts/nlme_residuals.R):
 * lme(..., correlation = corAR1(form = ~ time | g), weights = varIdent(form = ~ 1 | s)), REML and ML,
 * on sleepstudy (Days as time), sleepstudy with gaps (days 3 and 6 missing for everyone, 8 for
 * some: gaps of 2), and Orthodont (visits 0..3, ages 8..14) with varIdent by Sex and both.
 * Tolerances: logLik 1e-6 absolute (nlme's default optimiser tolerance stops ~1e-9 short);
 * estimates 1e-4 relative (nlme's convergence); the structure's parameters 1e-4.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { fitLmm } from '../../src/fit/lmm.js';
import { LmmError } from '../../src/errors.js';
import { combineSets, emptyLike, logDetV, parseResidualSpec, residualStructure } from '../../src/model/residuals.js';
import { buildModel } from '../../src/model/model.js';
import { crossProducts } from '../../src/model/crossprod.js';
import { dataset, jsonFixtures } from '../helpers.js';

interface Ref {
  id: string;
  dataset: string;
  fixedFormula: string;
  random: string;
  residuals: string;
  REML: boolean;
  logLik: number;
  fixef: Record<string, number>;
  sigma: number;
  sds: Record<string, number>;
  rho?: number;
  varIdent?: Record<string, number>;
}

const rel = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1e-3, Math.abs(b));

describe.each(jsonFixtures<Ref>('nlme_residuals').map((r) => [r.id, r] as const))('nlme parity: %s', (_id, ref) => {
  const formula = `${ref.fixedFormula} + (${ref.random.replace('~', '').trim()})`;
  const fit = fitLmm(dataset(ref.dataset), formula, { reml: ref.REML, residuals: ref.residuals });
  it('logLik (1e-6), β and σ (1e-4 relative), the term SDs', () => {
    expect(fit.converged, fit.optimization.message).toBe(true);
    expect(Math.abs(fit.logLik - ref.logLik)).toBeLessThan(1e-6);
    for (const [name, value] of Object.entries(ref.fixef)) expect(rel(fit.fixef[name], value, 1e-4), name).toBe(true);
    expect(rel(fit.sigma, ref.sigma, 1e-4)).toBe(true);
    const sds = fit.varcorr.filter((v) => v.grp !== 'Residual' && v.var2 === null).map((v) => v.sdcor);
    expect(sds.length).toBe(Object.keys(ref.sds).length);
    Object.values(ref.sds).forEach((sd, i) => expect(rel(sds[i], sd, 1e-4)).toBe(true));
  });
  it('ρ and the variance ratios as nlme\'s (its reference stratum first)', () => {
    const est = fit.residualEstimates!;
    if (ref.rho !== undefined) expect(Math.abs(est.rho! - ref.rho)).toBeLessThan(1e-4);
    else expect(est.rho).toBeNull();
    if (ref.varIdent) {
      const strata = est.strata!;
      expect(strata.map((s) => s.level)).toEqual(Object.keys(ref.varIdent));
      strata.forEach((s) => expect(rel(s.delta, ref.varIdent![s.level], 1e-4), s.level).toBe(true));
    }
    const json = fit.toJSON();
    expect(json.rho).toBe(est.rho);
    expect(json.df).toBe(fit.model.p + fit.theta.length + 1 + est.parameters);
  });
});

/**
 * A second engine: glmmTMB 1.1.5's `ar1(0 + factor(time) | g)` with `dispformula = ~ 0`, the same
 * model as nlme's random intercept + corAR1 (test/fixtures/glmmtmb_ar1/*.json, made by
 * test/fixtures/scripts/glmmtmb_ar1.R; the simulated ar1_sim dataset is written by that script).
 * glmmTMB cannot set the residual variance to zero: `dispformula = ~ 0` leaves a nugget of SD
 * 1.2e-4, which raises its logLik by up to 4e-6 over the nugget-free model (nlme's logLik is below
 * glmmTMB's by the same amounts as ours, which equals nlme's to 1e-9), and moves its optimum a little
 * along flat directions: on Orthodont REML its intercept SD is 2.2e-4 (relative) from nlme's and
 * ours, where a change of 2e-4 moves the logLik by 2e-6. The reference is converged tightly
 * (nlminb rel.tol 1e-14). Tolerances: logLik 1e-5 absolute; β and σ 1e-4 relative; the intercept
 * SD 5e-4 relative; ρ 1e-4 absolute. Where glmmTMB stops short of nlme's optimum (sleepstudy,
 * sleep_gaps) the script writes no reference.
 */
describe.each(jsonFixtures<Ref>('glmmtmb_ar1').map((r) => [r.id, r] as const))('glmmTMB ar1 parity: %s', (_id, ref) => {
  it('logLik, β, σ, the intercept SD and ρ', () => {
    const fit = fitLmm(dataset(ref.dataset), `${ref.fixedFormula} + (${ref.random})`, { reml: ref.REML, residuals: ref.residuals });
    expect(fit.converged, fit.optimization.message).toBe(true);
    expect(Math.abs(fit.logLik - ref.logLik)).toBeLessThan(1e-5);
    for (const [name, value] of Object.entries(ref.fixef)) expect(rel(fit.fixef[name], value, 1e-4), name).toBe(true);
    expect(rel(fit.sigma, ref.sigma, 1e-4)).toBe(true);
    const sd = fit.varcorr.find((v) => v.grp !== 'Residual' && v.var2 === null)!.sdcor;
    expect(rel(sd, Object.values(ref.sds)[0], 5e-4)).toBe(true);
    expect(Math.abs(fit.residualEstimates!.rho! - ref.rho!)).toBeLessThan(1e-4);
  });
});

describe('the sets', () => {
  it('at ρ = 0, δ = 1 they give the model\'s own blocks, and log|V| = 0', () => {
    const sleep = dataset('sleep_gaps');
    const model = buildModel(sleep, 'Reaction ~ Days + (Days | Subject)');
    const s = residualStructure(sleep, model, parseResidualSpec('ar1(Days | Subject)'));
    expect([...s.pairsByGap.keys()].sort()).toEqual([1, 2]);
    const out = emptyLike(model.crossprod);
    combineSets(s, 0, new Float64Array([1]), out);
    const P = model.p + 1;
    for (let i = 0; i < P * P; i++) expect(Math.abs(out.XytXy[i] - model.crossprod.XytXy[i])).toBeLessThan(1e-9 * Math.max(1, Math.abs(model.crossprod.XytXy[i])));
    expect(logDetV(s, 0, new Float64Array([1]))).toBe(0);
  });

  it('at ρ ≠ 0 they equal the explicitly whitened rows\' cross-products (1e-10)', () => {
    const sleep = dataset('sleepstudy');
    const model = buildModel(sleep, 'Reaction ~ Days + (1 | Subject)');
    const s = residualStructure(sleep, model, parseResidualSpec('ar1(Days | Subject)'));
    const rho = 0.6;
    const out = emptyLike(model.crossprod);
    combineSets(s, rho, new Float64Array([1]), out);
    // Whiten by rows: each subject's rows are Days 0..9 in order.
    const { n, p } = model;
    const y = new Float64Array(n);
    const X = new Float64Array(n * p);
    const Z = new Float64Array(n);
    const c = Math.sqrt(1 - rho * rho);
    for (let i = 0; i < n; i++) {
      const first = i % 10 === 0;
      const yc = (k: number) => model.y[k] - model.yShift;
      const xc = (k: number, a: number) => model.X[k * p + a] - model.xCenter[a];
      y[i] = first ? yc(i) : (yc(i) - rho * yc(i - 1)) / c;
      for (let a = 0; a < p; a++) X[i * p + a] = first ? xc(i, a) : (xc(i, a) - rho * xc(i - 1, a)) / c;
      Z[i] = first ? 1 : (1 - rho) / c;
    }
    const direct = crossProducts({ n, y, yShift: 0, X, p, terms: [{ refs: model.terms[0].refs, Z, q: 1, nlevels: 18 }] });
    const close = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(1e-10 * Math.max(1, Math.abs(b[i]))));
    close(out.XytXy, direct.XytXy);
    close(out.terms[0].ZtZ, direct.terms[0].ZtZ);
    close(out.terms[0].ZtXy, direct.terms[0].ZtXy);
    expect(logDetV(s, rho, new Float64Array([1]))).toBeCloseTo(18 * 9 * Math.log(1 - rho * rho), 10);
  });

  it('refuses what it cannot keep on blocks, in one line naming the column', () => {
    const sleep = dataset('sleepstudy');
    expect(() => fitLmm(sleep, 'Reaction ~ Days + (1 | Subject)', { residuals: 'ar1(Days | Nope)' })).toThrow(/unknown column 'Nope'/);
    expect(() => fitLmm(aq.from(sleep).derive({ half: (d: { Days: number }) => d.Days / 2 }), 'Reaction ~ Days + (1 | Subject)', { residuals: 'ar1(half | Subject)' })).toThrow(/integer-valued/);
    expect(() => fitLmm(sleep, 'Reaction ~ Days + (1 | Subject)', { residuals: 'ar1(Subject | Days)' })).toThrow(/within the levels of every random-effects term/);
    expect(() => fitLmm(sleep, 'Reaction ~ Days + (1 | Subject)', { residuals: 'ma1(Days | Subject)' })).toThrow(LmmError);
    expect(() => fitLmm(dataset('sleep_weights'), 'Reaction ~ Days + (1 | Subject)', { weights: 'w', residuals: 'ar1(Days | Subject)' })).toThrow(/prior weights/);
  });
});

describe('lmm fit --residuals', () => {
  it('prints the structure as nlme does and adds rho and sigmaByStratum to the JSON; a bad spec is one line, status 2', async () => {
    const { run } = await import('../cli/run.js');
    const { fixtures } = await import('../helpers.js');
    const { join } = await import('node:path');
    const args = ['fit', '--data', join(fixtures, 'data', 'orthodont.csv'), '--formula', 'distance ~ age + Sex + (1 | Subject)', '--ddf', 'none'];
    const text = await run(...args, '--residuals', 'ar1(visit | Subject) + var(Sex)');
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/Correlation Structure: AR\(1\)\n Formula: ~visit \| Subject\n Parameter estimate\(s\):/);
    expect(text.stdout).toMatch(/Variance function:\n Structure: Different standard deviations per stratum\n Formula: ~1 \| Sex/);
    const json = JSON.parse((await run(...args, '--residuals', 'var(Sex)', '--json')).stdout);
    expect(json.residuals).toBe('var(Sex)');
    expect(json.rho).toBeNull();
    expect(Object.keys(json.sigmaByStratum)).toEqual(['Female', 'Male']);
    const bad = await run(...args, '--residuals', 'ar2(visit | Subject)');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--residuals: cannot read 'ar2\(visit \| Subject\)'/);
  });
});
