/**
 * Exact fits with poly(), scale(), factor(), offset() and prior weights against lme4 1.1-31
 * (R 4.2.2), fixtures/lme4_functions made by fixtures/scripts/formula_functions.R at BOBYQA
 * rhoend 1e-10. Tolerances as test/fit/parity.test.ts: criterion no worse than lme4's + 1e-6
 * and within 1e-6 of it (both are converged tightly), logLik/AIC/BIC 1e-5 absolute, fixef 1e-5
 * relative, stderr/sigma/variance components 1e-3 relative, conditional modes 1e-4 relative to the
 * largest mode of the term; predictions on new data (with R's predvars: the fit's poly/scale
 * coefficients) 1e-6 relative.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { fitLmm } from '../../src/fit/lmm.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface Reference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  weights: string | null;
  nobs: number;
  ngroups: Record<string, number>;
  fixef: Record<string, number>;
  stderr: Record<string, number>;
  theta: number[];
  sigma: number;
  varcorr: { grp: string; var1: string | null; var2: string | null; vcov: number; sdcor: number }[];
  logLik: number;
  df: number;
  deviance: number | null;
  REMLcrit: number | null;
  AIC: number;
  BIC: number;
  singular: boolean;
  ranef: { group: string; term: string; levels: string[]; condval: number[]; condsd: number[] }[];
  predict: { newdata: { Days: number; Subject: string; w?: number }[]; random: number[]; fixed: number[]; fitted_head: number[] } | null;
}

/** hsb's weights in the script: w = 1 + ((row − 1) mod 5)/2. */
const hsbWeights = (n: number) => Array.from({ length: n }, (_, i) => 1 + (i % 5) / 2);

describe('lme4 parity: formula functions and prior weights', () => {
  const refs = jsonFixtures<Reference>('lme4_functions');
  it('has the 10 reference fits', () => expect(refs.length).toBe(10));
  for (const ref of refs) {
    it(`${ref.id}: ${ref.formula} (${ref.REML ? 'REML' : 'ML'}${ref.weights ? ', weighted' : ''})`, () => {
      const table = dataset(ref.dataset);
      const weights = ref.weights === null ? undefined : ref.dataset === 'hsb' ? hsbWeights(table.numRows()) : ref.weights;
      const fit = fitLmm(table, ref.formula, { reml: ref.REML, weights });
      const json = fit.toJSON() as unknown as Reference;
      const criterion = ref.REML ? ref.REMLcrit! : ref.deviance!;
      expect(fit.objective).toBeLessThanOrEqual(criterion + 1e-6);
      expect(Math.abs(fit.objective - criterion)).toBeLessThan(1e-6);
      expect(json.nobs).toBe(ref.nobs);
      expect(json.ngroups).toEqual(ref.ngroups);
      expect(json.df).toBe(ref.df);
      expect(Math.abs(json.logLik - ref.logLik)).toBeLessThan(1e-5);
      expect(Math.abs(json.AIC - ref.AIC)).toBeLessThan(1e-5);
      expect(Math.abs(json.BIC - ref.BIC)).toBeLessThan(1e-5);
      expect(Object.keys(json.fixef)).toEqual(Object.keys(ref.fixef));
      for (const [name, value] of Object.entries(ref.fixef)) expect(relClose(json.fixef[name], value, 1e-5, 1e-8), `fixef ${name}: ${json.fixef[name]} vs ${value}`).toBe(true);
      for (const [name, value] of Object.entries(ref.stderr)) expect(relClose(json.stderr[name], value, 1e-3), `stderr ${name}`).toBe(true);
      expect(relClose(json.sigma, ref.sigma, 1e-3)).toBe(true);
      ref.varcorr.forEach((row, i) => expect(relClose(json.varcorr[i].vcov, row.vcov, 1e-3, 1e-6 * ref.sigma ** 2), `vcov ${row.grp} ${row.var1}`).toBe(true));
      for (const r of ref.ranef) {
        const ours = json.ranef.find((e) => e.group === r.group && e.term === r.term)!;
        expect(ours.levels).toEqual(r.levels);
        const scale = Math.max(...r.condval.map(Math.abs), 1e-8);
        r.condval.forEach((v, j) => expect(relClose(ours.condval[j], v, 1e-4, scale), `condval ${r.term} ${r.levels[j]}`).toBe(true));
        r.condsd.forEach((v, j) => expect(relClose(ours.condsd[j], v, 1e-3), `condsd ${r.term} ${r.levels[j]}`).toBe(true));
      }
      if (ref.predict) {
        const fitted = fit.fitted();
        ref.predict.fitted_head.forEach((v, i) => expect(relClose(fitted[i], v, 1e-6), `fitted ${i}: ${fitted[i]} vs ${v}`).toBe(true));
        const newdata = aq.from(ref.predict.newdata.map((r) => ({ ...r, Subject: String(r.Subject) })));
        const random = fit.predict(newdata);
        const fixed = fit.predict(newdata, { random: false });
        ref.predict.random.forEach((v, i) => expect(relClose(random[i], v, 1e-6), `predict ${i}: ${random[i]} vs ${v}`).toBe(true));
        ref.predict.fixed.forEach((v, i) => expect(relClose(fixed[i], v, 1e-6), `predict re.form = NA ${i}: ${fixed[i]} vs ${v}`).toBe(true));
      }
    });
  }
});

describe('prior weights off the reference path', () => {
  // Var(y_i) = σ²/w_i: weights times c leave the likelihood of y unchanged (lme4: 1734.6960 and
  // 1734.6963 for c = 1000), with σ·√c and θ/√c. Tolerances of the lme4 parity tests: criterion
  // 1e-6, fixef 1e-5, σ and θ 1e-3 relative.
  const table = dataset('sleep_weights');
  const w = Array.from(table.array('w') as ArrayLike<number | null>, (v) => (v === null ? NaN : v));
  const formula = 'Reaction ~ Days + (Days | Subject)';
  const base = () => fitLmm(table, formula, { weights: w });
  const expectInvariant = (c: number) => {
    const a = base();
    const b = fitLmm(table, formula, { weights: w.map((v) => v * c) });
    expect(b.nobs).toBe(179);
    expect(Math.abs(b.objective - a.objective)).toBeLessThan(1e-6);
    for (const [name, value] of Object.entries(a.fixef)) expect(relClose(b.fixef[name], value, 1e-5), `fixef ${name}: ${b.fixef[name]} vs ${value}`).toBe(true);
    expect(relClose(b.sigma, a.sigma * Math.sqrt(c), 1e-3), `sigma ${b.sigma} vs ${a.sigma * Math.sqrt(c)}`).toBe(true);
    a.theta.forEach((t, i) => expect(relClose(b.theta[i] * Math.sqrt(c), t, 1e-3, 0.1), `theta ${i}: ${b.theta[i] * Math.sqrt(c)} vs ${t}`).toBe(true));
  };
  it('weights times 1e-3 and 1e6: the same criterion and estimates, σ·√c, θ/√c', () => {
    expectInvariant(1e-3);
    expectInvariant(1e6);
  });
  // Weights × 1000 put θ near 0.03 from a start at 1; before the optimiser worked on θ scaled by
  // the columns' root mean squares, it stopped 21.9 above the optimum and said converged.
  it('weights times 1000: the same criterion', () => expectInvariant(1000));
  it('unit weights are the unweighted fit', () => {
    const t = dataset('sleepstudy');
    const a = fitLmm(t, formula);
    const b = fitLmm(t, formula, { weights: new Array(180).fill(1) });
    expect(b.objective).toBeCloseTo(a.objective, 8);
    expect(b.fixef.Days).toBeCloseTo(a.fixef.Days, 8);
  });
});
