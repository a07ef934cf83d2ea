/**
 * The sampler under the default half-t priors against the exact posterior of (τ², σ²) by 2-D
 * quadrature (quadrature.helpers.ts: β and the random effects integrated out analytically), for
 * random-intercept models: balanced and tiny (dyestuff, 6 batches), with τ² near zero
 * (dyestuff2), a covariate (sleepstudy), the same with rescaled and shifted columns (the priors
 * follow the units), unbalanced groups with a covariate (hsb, 160 schools), and a dropped NA row
 * (politeness). 4 chains × 2000 iterations, fixed seeds.
 * Tolerances: posterior means of τ², σ², τ, σ within 4.5 MCSE (the sampler's, from its ESS; the
 * quadrature is exact to far better); SDs of σ², τ and σ within 10%; for τ², whose posterior
 * fourth moment does not exist with few groups (tail ~ (τ²)^{−J/2−3/2}), so that its sample SD
 * has no usable error bound, the exact median instead: the fraction of draws below it within
 * 4.5·0.5/√ESS_bulk of 1/2.
 */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/model.js';
import { defaultPriors } from '../../samplers/priors.js';
import { sampleModel } from '../../samplers/sample.js';
import { dataset } from '../helpers.js';
import { randomInterceptPosterior } from './quadrature.helpers.js';

const sleepRescaled = () => dataset('sleepstudy').derive({ Reaction: (d: { Reaction: number }) => d.Reaction / 1000 + 5, Days: (d: { Days: number }) => d.Days * 1000 - 3 });

const cases: [string, () => aq.ColumnTable, string, number][] = [
  ['dyestuff', () => dataset('dyestuff'), 'Yield ~ 1 + (1 | Batch)', 11],
  ['dyestuff2', () => dataset('dyestuff2'), 'Yield ~ 1 + (1 | Batch)', 12],
  ['sleepstudy', () => dataset('sleepstudy'), 'Reaction ~ Days + (1 | Subject)', 13],
  ['sleepstudy, rescaled and shifted', sleepRescaled, 'Reaction ~ Days + (1 | Subject)', 13],
  ['hsb', () => dataset('hsb'), 'mathach ~ ses + (1 | school)', 14],
  ['politeness', () => dataset('politeness'), 'frequency ~ attitude + (1 | subject)', 15],
];

describe('random-intercept posteriors against 2-D quadrature', () => {
  for (const [name, table, formula, seed] of cases) {
    it(`${name}: ${formula}`, async () => {
      const model = buildModel(table(), formula);
      const exact = randomInterceptPosterior(model, defaultPriors(model));
      const result = await sampleModel(model, { seed, chains: 4, iter: 2000 });
      const rows = new Map(result.summary().map((r) => [r.param, r]));
      const g = model.terms[0].group;
      const params = { tau2: `Psi[${g}][(Intercept),(Intercept)]`, sigma2: 'sigma2', tau: `sd[${g}][(Intercept)]`, sigma: 'sigma' } as const;
      for (const [key, param] of Object.entries(params) as [keyof typeof params, string][]) {
        const row = rows.get(param)!;
        const q = exact[key];
        expect(Math.abs(row.mean! - q.mean), `${param} mean ${row.mean} vs ${q.mean} (MCSE ${row.mcse_mean})`).toBeLessThan(4.5 * row.mcse_mean!);
        if (key !== 'tau2') expect(Math.abs(row.sd! / q.sd - 1), `${param} sd ${row.sd} vs ${q.sd}`).toBeLessThan(0.1);
        else {
          const draws = result.chainsOf(param);
          let below = 0;
          let total = 0;
          for (const c of draws) for (const v of c) (total++, v < q.median && below++);
          expect(Math.abs(below / total - 0.5), `${param}: ${below}/${total} below the exact median ${q.median}`).toBeLessThan((4.5 * 0.5) / Math.sqrt(row.ess_bulk!));
        }
      }
    }, 60_000);
  }
});
