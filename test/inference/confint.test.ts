/**
 * Profile and Wald intervals against lme4 1.1-31 (R 4.2.2 from Debian), fixtures/lmertest
 * (made by fixtures/lmertest/make.R): `confint(fit, method = "profile")` on 14 fits (one with prior weights), including
 * the singular dyestuff2 (lower limit 0), a singular fit with correlations on their bounds
 * (politeness_slopes_ml) and three correlated random effects (sleep_quadratic_q3_reml); and
 * `confint(fit, method = "Wald")`.
 *
 * lme4 inverts a spline through a grid of the profile; this code finds the crossings of the
 * profile itself. Tolerances: 1e-3 relative to lme4's limits (the issue's bound; observed
 * ≤ 2e-4), and 1e-5 relative to the exact crossings of the variance parameters that make.R
 * computed by uniroot on lme4's own profiled deviance (`devfun2`). Where lme4's spline limit is
 * itself more than 1e-3 off that crossing (`splineOff`: ten limits, all of profiles that are
 * non-monotonic or run into a correlation's bound), the exact crossing alone is the reference:
 * - hsb_cses_reml's correlation (.sig02): lme4 called its profile non-monotonic and interpolated
 *   linearly ("bad spline fit"); its limits are 1.0e-3 and 1.4e-3 off its own deviance's crossing
 *   (ζ = −1.9618 and 1.9627 there instead of ∓1.95996).
 * - politeness_slopes_ml (singular; .sig01 and .sig03 upper, .sig04 lower, .sig06 upper: lme4
 *   1.5e-3 to 7.7e-3 off) and sleep_quadratic_q3_reml (.sig02 upper: lme4 0.3003, the crossing
 *   0.2785; .sig03 both limits, .sig05 upper: 4.7e-3 to 8.5e-3 off).
 * One limit has no usable reference (`noReference`):
 * - politeness_slopes_ml's scenario intercept SD (.sig01), lower limit: along it the profile
 *   puts the scenario correlation on its bound 1, where lme4's `devfun2` is discontinuous (its
 *   `safe_chol` of the rank-one covariance drops the second row: at the point found here the
 *   deviance is 3.2446 above the optimum for ρ = 0.999999 and 7.6146 for ρ = 1), so lme4
 *   (4.564) and the uniroot crossing (4.529) are both off; the limit here, 3.787, is the crossing
 *   of the continuous profile (ρ → 1).
 * - sleep_weights_reml's fixed effects: lme4's profile intervals for β of this weighted fit are
 *   not usable ((Intercept) [251.01, 252.53] and Days [10.586, 10.703], 17 and 25 times narrower
 *   than the Wald intervals [237.90, 264.37] and [7.68, 13.50]; lme4's β profile refits a new
 *   response object, and its deviance there seems not to be on the fit's scale with weights).
 *   Its variance parameters are compared as the others; for β the check is that the profile
 *   interval is within 3% of the Wald one in width (for the unweighted sleepstudy fit lme4's profile
 *   interval is 2.6% wider than its Wald one).
 */
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { dataset, jsonFixtures, relClose } from '../helpers.js';

interface Limit {
  value: number;
  zetaAtBound?: number;
}
interface Reference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  weights?: string | null;
  wald: { parm: string; lower: number; upper: number }[];
  profile?: { parm: string; name: string; lower: number; upper: number }[];
  profileExact?: { parm: string; lower: Limit; upper: Limit }[];
}

const references = jsonFixtures<Reference>('lmertest');
/**
 * Limits where lme4's spline is more than 1e-3 off lme4's own profile (the uniroot crossing):
 * there the exact crossing is the reference. Listed so that none is skipped silently.
 */
const splineOff = [
  'hsb_cses_reml .sig02 lower',
  'hsb_cses_reml .sig02 upper',
  'politeness_slopes_ml .sig01 upper',
  'politeness_slopes_ml .sig03 upper',
  'politeness_slopes_ml .sig04 lower',
  'politeness_slopes_ml .sig06 upper',
  'sleep_quadratic_q3_reml .sig02 upper',
  'sleep_quadratic_q3_reml .sig03 lower',
  'sleep_quadratic_q3_reml .sig03 upper',
  'sleep_quadratic_q3_reml .sig05 upper',
];
/** Limits where neither reference is usable (see above). */
const noReference = new Set([
  'politeness_slopes_ml .sig01 lower',
  'sleep_weights_reml (Intercept) lower',
  'sleep_weights_reml (Intercept) upper',
  'sleep_weights_reml Days lower',
  'sleep_weights_reml Days upper',
]);

/** The limits of a reference where lme4's spline is over 1e-3 off the exact crossing. */
function offLimits(ref: Reference): string[] {
  return (ref.profileExact ?? []).flatMap((x) => {
    const e = ref.profile!.find((r) => r.parm === x.parm)!;
    return (['lower', 'upper'] as const)
      .map((side) => `${ref.id} ${x.parm} ${side}`)
      .filter((key, k) => {
        const side = k === 0 ? 'lower' : 'upper';
        return !noReference.has(key) && x[side].value !== null && !relClose(e[side], x[side].value, 1e-3, 1e-3);
      });
  });
}

describe('profile intervals as lme4', () => {
  const profiled = references.filter((r) => r.profile);
  it('has the references, a singular one among them', () => {
    expect(profiled.length).toBe(14);
    expect(profiled.some((r) => r.id === 'dyestuff2_singular_reml')).toBe(true);
  });
  for (const ref of profiled) {
    it(ref.id, () => {
      const fit = fitLmm(dataset(ref.dataset), ref.formula, { reml: ref.REML, weights: ref.weights ?? undefined });
      const rows = fit.confint({ method: 'profile' });
      const off = new Set(offLimits(ref));
      expect(rows.map((r) => r.name)).toEqual(ref.profile!.map((r) => r.parm));
      expect(rows.map((r) => r.label)).toEqual(ref.profile!.map((r) => r.name));
      rows.forEach((row, i) => {
        const e = ref.profile![i];
        const exact = ref.profileExact!.find((x) => x.parm === row.name);
        for (const side of ['lower', 'upper'] as const) {
          const key = `${ref.id} ${row.name} ${side}`;
          if (noReference.has(key)) continue;
          const x = exact?.[side].value;
          if (exact) expect(x, `${key}: exact reference`).not.toBeNull();
          if (!off.has(key)) expect(relClose(row[side], e[side], 1e-3, 1e-3), `${row.label} ${side} ${row[side]} vs lme4 ${e[side]}`).toBe(true);
          if (x !== undefined) expect(relClose(row[side], x, 1e-5, 1e-5), `${row.label} ${side} ${row[side]} vs exact ${x}`).toBe(true);
        }
      });
      if (ref.id === 'sleep_weights_reml') {
        for (const w of ref.wald) {
          const row = rows.find((r) => r.name === w.parm)!;
          expect(relClose(row.upper - row.lower, w.upper - w.lower, 0.03), `${w.parm} width`).toBe(true);
        }
      }
      if (ref.id === 'dyestuff2_singular_reml') expect(rows[0].lower).toBe(0);
    }, 60000);
  }
});

describe('lme4 spline limits replaced by the exact crossings', () => {
  it('are the documented ones', () => expect(references.flatMap(offLimits).sort()).toEqual([...splineOff].sort()));
});

describe('Wald intervals as lme4', () => {
  for (const ref of references.filter((r) => ['sleepstudy_slopes_reml', 'politeness_gender_reml', 'hsb_outcomes_reml', 'dyestuff2_singular_reml'].includes(r.id))) {
    it(ref.id, () => {
      const fit = fitLmm(dataset(ref.dataset), ref.formula, { reml: ref.REML, weights: ref.weights ?? undefined });
      const all = fit.confint({ method: 'wald' });
      expect(all.slice(0, all.length - fit.model.p).every((r) => Number.isNaN(r.lower) && Number.isNaN(r.upper))).toBe(true);
      expect(all.slice(0, all.length - fit.model.p).map((r) => r.name).at(-1)).toBe('.sigma');
      const rows = all.slice(all.length - fit.model.p);
      expect(rows.map((r) => r.name)).toEqual(ref.wald.map((r) => r.parm));
      rows.forEach((row, i) => {
        expect(relClose(row.lower, ref.wald[i].lower, 1e-5, 1e-3), `${row.name} lower`).toBe(true);
        expect(relClose(row.upper, ref.wald[i].upper, 1e-5, 1e-3), `${row.name} upper`).toBe(true);
      });
    });
  }
  it('a 90% level narrows the interval by z_0.95/z_0.975', () => {
    const fit = fitLmm(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)');
    const w95 = fit.confint({ method: 'wald' }).at(-1)!;
    const w90 = fit.confint({ method: 'wald', level: 0.9 }).at(-1)!;
    const ratio = (w90.upper - w90.lower) / (w95.upper - w95.lower);
    expect(ratio).toBeCloseTo(1.6448536269514722 / 1.959963984540054, 12);
  });
});
