/**
 * The sampler under the default priors against Stan (NUTS) on the same model and prior, written
 * independently (test/fixtures/scripts/stan_halft.R and scripts/stan/*.stan: random effects
 * integrated out, the Huang–Wand prior with λ integrated out, its own computation of the default
 * scales). Fixtures in test/fixtures/stan_halft/ (rstan 2.21.7, 4 chains × 2000 kept draws).
 * First the default priors must equal the ones the script computed (relative 1e-12); then for
 * every parameter of the fixture (β, σ², σ, Ψ, SDs, correlations): posterior means within 4.5
 * combined MCSE √(MCSE_here² + MCSE_Stan²), SDs within 10% (for the issue's three models,
 * dyestuff, sleepstudy and hsb slopes; for the others within 10% or 4.5 combined MCSE of the SD,
 * whichever is larger: with 6 subjects and 7 scenarios the slope SDs' posteriors have tails
 * that leave a posterior SD uncertain by more than 10% at these ESS) -- except the SDs of the
 * variances and covariances Ψ of a term with fewer than 20 levels, whose posterior fourth moment
 * does not exist or barely does (tail ~ (Ψ_rr)^{−(J+3)/2}), so that a sample SD has no usable
 * error bound (their means are compared, and the SDs of the SD parameters are).
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/model.js';
import { defaultPriors } from '../../samplers/priors.js';
import { sampleModel } from '../../samplers/sample.js';
import { mcseSd } from './mcse.helpers.js';
import { dataset, jsonFixtures } from '../helpers.js';

interface StanFixture {
  case: string;
  data: string;
  formula: string;
  priors: { nu: number; beta_sd: number | number[]; A_sigma: number; A: Record<string, number | number[]> };
  summary: { param: string; mean: number; sd: number; mcse_mean: number; mcse_sd: number }[];
}

const list = (v: number | number[]) => (Array.isArray(v) ? v : [v]);
const seeds: Record<string, number> = { dyestuff: 21, sleepstudy_slopes: 22, hsb_slopes: 23, politeness_slopes: 24, hsb_meanses: 25, sleepstudy_rescaled: 26 };
/** The issue's three models: SDs within 10% outright; elsewhere 10% or 4.5 MCSE of the SD. */
const strictCases = new Set(['dyestuff', 'sleepstudy_slopes', 'hsb_slopes']);
/** Cases whose data the script transformed (the same transformation here). */
const tables: Record<string, () => ReturnType<typeof dataset>> = {
  sleepstudy_rescaled: () => dataset('sleepstudy').derive({ Reaction: (d: { Reaction: number }) => d.Reaction / 1000 + 5, Days: (d: { Days: number }) => d.Days * 1000 - 3 }),
};

describe('posterior against Stan with the same prior', () => {
  for (const fixture of jsonFixtures<StanFixture>('stan_halft')) {
    it(`${fixture.case}: ${fixture.formula}`, async () => {
      const model = buildModel((tables[fixture.case] ?? (() => dataset(fixture.data)))(), fixture.formula);
      const priors = defaultPriors(model);
      const beta = priors.beta as { var: number[][] };
      list(fixture.priors.beta_sd).forEach((s, j) => expect(Math.sqrt(beta.var[j][j]) / s - 1).toBeCloseTo(0, 12));
      expect(priors.sigma2).toEqual({ halfT: { df: 2, scale: expect.closeTo(fixture.priors.A_sigma, 9) } });
      for (const [group, A] of Object.entries(fixture.priors.A)) {
        const prior = priors.Psi[group] as { halfT: { df: number; scale: number[] } };
        expect(prior.halfT.df).toBe(fixture.priors.nu);
        list(A).forEach((a, r) => expect(prior.halfT.scale[r] / a - 1).toBeCloseTo(0, 12));
      }
      const result = await sampleModel(model, { seed: seeds[fixture.case] ?? 1, chains: 4, iter: 3000, warmup: 1000 });
      const rows = new Map(result.summary().map((r) => [r.param, r]));
      const levels = new Map(model.terms.map((t) => [t.group, t.nlevels]));
      for (const ref of fixture.summary) {
        const row = rows.get(ref.param);
        expect(row, ref.param).toBeDefined();
        const mcse = Math.hypot(row!.mcse_mean!, ref.mcse_mean);
        expect(Math.abs(row!.mean! - ref.mean), `${ref.param}: mean ${row!.mean} vs Stan ${ref.mean} (combined MCSE ${mcse})`).toBeLessThan(4.5 * mcse);
        const group = ref.param.startsWith('Psi[') ? ref.param.slice(4, ref.param.indexOf(']')) : null;
        if (group === null || (levels.get(group) ?? 0) >= 20) {
          // 10%, or 4.5 combined MCSE of the SD where the tails make a posterior SD that uncertain.
          const mcseSdBoth = Math.hypot(mcseSd(result.chainsOf(ref.param)), ref.mcse_sd);
          const strict = strictCases.has(fixture.case);
          const tolerance = strict ? 0.1 * ref.sd : Math.max(0.1 * ref.sd, 4.5 * mcseSdBoth);
          expect(Math.abs(row!.sd! - ref.sd), `${ref.param}: sd ${row!.sd} vs Stan ${ref.sd} (combined MCSE of the SD ${mcseSdBoth})`).toBeLessThan(tolerance);
        }
      }
    }, 60_000);
  }
});
