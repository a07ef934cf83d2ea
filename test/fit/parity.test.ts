/**
 * Parity with lme4 1.1-31 (R 4.2.2) on every reference fit in fixtures/lme4 (copied from
 * shared/fixtures/lme4). Tolerances are the ones the exact-fitter issue sets:
 * criterion within 1e-6 (or lower), fixef 1e-5 relative, stderr and variance components 1e-3
 * relative, conditional modes 1e-4 relative (relative to the largest |mode| of the same
 * term, so that modes near zero are not held to an impossible relative bound), logLik/AIC/BIC
 * within 1e-5 absolute.
 */
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface Reference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
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
}

const references = jsonFixtures<Reference>('lme4');

describe('lme4 parity', () => {
  it('has all 21 reference fits', () => {
    expect(references.length).toBe(21);
  });

  for (const ref of references) {
    it(`${ref.id}: ${ref.formula} (${ref.REML ? 'REML' : 'ML'})`, () => {
      const fit = fitLmm(dataset(ref.dataset), ref.formula, { reml: ref.REML });
      const json = fit.toJSON() as unknown as Reference;
      const criterion = ref.REML ? ref.REMLcrit! : ref.deviance!;
      expect(fit.objective).toBeLessThanOrEqual(criterion + 1e-6);
      expect(json.nobs).toBe(ref.nobs);
      expect(json.ngroups).toEqual(ref.ngroups);
      expect(Object.keys(json.fixef)).toEqual(Object.keys(ref.fixef));
      for (const [name, value] of Object.entries(ref.fixef)) expect(relClose(json.fixef[name], value, 1e-5, 1e-8), `fixef ${name}: ${json.fixef[name]} vs ${value}`).toBe(true);
      for (const [name, value] of Object.entries(ref.stderr)) expect(relClose(json.stderr[name], value, 1e-3), `stderr ${name}`).toBe(true);
      expect(relClose(json.sigma, ref.sigma, 1e-3)).toBe(true);
      expect(json.varcorr.length).toBe(ref.varcorr.length);
      ref.varcorr.forEach((row, i) => {
        const ours = json.varcorr[i];
        expect([ours.grp, ours.var1, ours.var2]).toEqual([row.grp, row.var1, row.var2]);
        // Variances scale: a zero variance (singular fit) is compared absolutely against the residual variance.
        const floor = 1e-6 * ref.sigma * ref.sigma;
        expect(relClose(ours.vcov, row.vcov, 1e-3, floor), `vcov ${row.grp} ${row.var1} ${row.var2}: ${ours.vcov} vs ${row.vcov}`).toBe(true);
      });
      expect(json.df).toBe(ref.df);
      expect(Math.abs(json.logLik - ref.logLik)).toBeLessThan(1e-5);
      expect(Math.abs(json.AIC - ref.AIC)).toBeLessThan(1e-5);
      expect(Math.abs(json.BIC - ref.BIC)).toBeLessThan(1e-5);
      expect(json.singular).toBe(ref.singular);
      expect(json.ranef.length).toBe(ref.ranef.length);
      for (const r of ref.ranef) {
        const ours = json.ranef.find((e) => e.group === r.group && e.term === r.term);
        expect(ours, `ranef ${r.group} ${r.term}`).toBeDefined();
        expect(ours!.levels).toEqual(r.levels);
        const scale = Math.max(...r.condval.map(Math.abs), 1e-8);
        r.condval.forEach((v, j) => expect(relClose(ours!.condval[j], v, 1e-4, scale), `condval ${r.group} ${r.term} ${r.levels[j]}: ${ours!.condval[j]} vs ${v}`).toBe(true));
        const sdScale = Math.max(...r.condsd, 1e-8);
        r.condsd.forEach((v, j) => expect(relClose(ours!.condsd[j], v, 1e-3, sdScale), `condsd ${r.group} ${r.term} ${r.levels[j]}`).toBe(true));
      }
    });
  }
});
