/**
 * The sampler with residual structures against Stan (NUTS) on the same model and priors, written
 * independently (test/fixtures/scripts/stan_residuals.R with scripts/stan/lmm_ar1.stan: the random
 * intercept integrated out, each group's full AR(1)-and-strata covariance). Fixtures in
 * test/fixtures/stan_residuals/ (rstan 2.21.7, 4 chains × 2500 kept draws, 0 divergences), each
 * with its priors in the priors-file form, passed here unchanged: Orthodont with
 * `ar1(visit | Subject) + var(Sex)` (ρ uniform), the gapped sleepstudy with `ar1(Days | Subject)`
 * and (ρ + 1)/2 ~ Beta(2, 2). For β, σ, each stratum's σ, ρ and the intercept SD: the posterior
 * mean, SD and 5% and 95% quantiles within 4.5 combined MCSEs √(MCSE_here² + MCSE_Stan²) (the
 * MCSE of an SD by the delta method, of a quantile from the ESS of its indicator, as posterior's
 * mcse_quantile; Stan's from posterior's summarise_draws).
 */
import { describe, expect, it } from 'vitest';
import { sample } from '../../samplers/sample.js';
import { essMean } from '../../src/diagnostics/ess.js';
import { mcseSd } from './mcse.helpers.js';
import { dataset, jsonFixtures } from '../helpers.js';

interface Row { param: string; mean: number; sd: number; q5: number; q95: number; mcse_mean: number; mcse_sd: number; mcse_q5: number; mcse_q95: number }
interface Fixture { case: string; data: string; formula: string; residuals: string; priors: unknown; summary: Row[] }

/** Quantile (type 7) of sorted values. */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(h);
  return sorted[lo] + (h - lo) * (sorted[Math.min(sorted.length - 1, lo + 1)] - sorted[lo]);
}

/** The p-quantile and its MCSE: SE of p from the ESS of I(x ≤ q_p), mapped through the quantiles at p ± SE. */
function quantileWithMcse(chains: Float64Array[], p: number): [number, number] {
  const sorted = chains.flatMap((c) => Array.from(c)).sort((a, b) => a - b);
  const q = quantile(sorted, p);
  const ess = essMean(chains.map((c) => Float64Array.from(c, (v) => (v <= q ? 1 : 0)))) ?? sorted.length;
  const se = Math.sqrt((p * (1 - p)) / ess);
  return [q, (quantile(sorted, p + se) - quantile(sorted, p - se)) / 2];
}

const seeds: Record<string, number> = { orthodont_ar1_var: 41, sleep_gaps_ar1: 42 };

describe('posterior with residual structures against Stan', () => {
  for (const fixture of jsonFixtures<Fixture>('stan_residuals')) {
    it(`${fixture.case}: ${fixture.formula}, residuals ${fixture.residuals}`, async () => {
      const result = await sample(dataset(fixture.data), fixture.formula, { residuals: fixture.residuals, priors: fixture.priors, seed: seeds[fixture.case] ?? 1, chains: 4, iter: 5000, warmup: 1000 });
      const rows = new Map(result.summary().map((r) => [r.param, r]));
      const zs: string[] = [];
      for (const ref of fixture.summary) {
        const row = rows.get(ref.param);
        expect(row, ref.param).toBeDefined();
        const chains = result.chainsOf(ref.param);
        const mcse = Math.hypot(row!.mcse_mean!, ref.mcse_mean);
        zs.push(`${ref.param} ${((row!.mean! - ref.mean) / mcse).toFixed(2)}`);
        expect(Math.abs(row!.mean! - ref.mean), `${ref.param}: mean ${row!.mean} vs Stan ${ref.mean} (combined MCSE ${mcse})`).toBeLessThan(4.5 * mcse);
        const mcseS = Math.hypot(mcseSd(chains), ref.mcse_sd);
        expect(Math.abs(row!.sd! - ref.sd), `${ref.param}: sd ${row!.sd} vs Stan ${ref.sd} (combined MCSE ${mcseS})`).toBeLessThan(4.5 * mcseS);
        for (const [p, refQ, refMcse] of [[0.05, ref.q5, ref.mcse_q5], [0.95, ref.q95, ref.mcse_q95]] as const) {
          const [q, m] = quantileWithMcse(chains, p);
          const both = Math.hypot(m, refMcse);
          expect(Math.abs(q - refQ), `${ref.param}: q${p * 100} ${q} vs Stan ${refQ} (combined MCSE ${both})`).toBeLessThan(4.5 * both);
        }
      }
      console.log(`${fixture.case}: (mean − Stan)/MCSE: ${zs.join('; ')}`);
    }, 120_000);
  }
});
