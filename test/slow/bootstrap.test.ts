/**
 * The parametric bootstrap at full size (LMM_SLOW=1, `npm run test:slow`): ≥ 2,000 replicates
 * from simulated cross-products against as many from simulated rows, and against lme4 1.1-31's
 * bootMer (test/fixtures/bootstrap, test/fixtures/scripts/bootstrap.R), with the checks and
 * tolerances (4 MC SE) of test/fit/bootstrap/bootstrap.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'vitest';
import { bootstrapParameters, parametricBootstrap } from '../../src/fit/bootstrap/bootstrap.js';
import { fitLmm } from '../../src/fit/lmm.js';
import { dataset } from '../helpers.js';
import { expectSameDistribution, rowReplicates, summariesOf, type LmeRef } from '../fit/bootstrap/helpers.js';

const slow = process.env.LMM_SLOW === '1';

describe.skipIf(!slow)('bootstrap at full size', () => {
  for (const [name, formula] of [
    ['sleepstudy', 'Reaction ~ Days + (Days | Subject)'],
    ['penicillin', 'diameter ~ 1 + (1 | plate) + (1 | sample)'],
    ['hsb', 'mathach ~ meanses + cses + (cses | school)'],
  ] as const) {
    it(`cross-products against rows, 2,000 each: ${formula}`, () => {
      const table = dataset(name);
      const fit = fitLmm(table, formula);
      const names = bootstrapParameters(fit.model).map((p) => p.name);
      const cp = parametricBootstrap(fit, { n: 2000, seed: 31 }).replicates;
      expectSameDistribution(cp, summariesOf(rowReplicates(fit, table, 2000, 32), names), 2000);
    }, 1_800_000);
  }
  for (const [id, name] of [['sleepstudy_slopes', 'sleepstudy'], ['penicillin_crossed', 'penicillin'], ['hsb_slopes', 'hsb'], ['dyestuff', 'dyestuff']] as const) {
    it(`against lme4 bootMer: ${id}, 2,000 replicates`, () => {
      const ref = JSON.parse(readFileSync(`test/fixtures/bootstrap/${id}.json`, 'utf8')) as LmeRef & { formula: string };
      const fit = fitLmm(dataset(name), ref.formula);
      const b = parametricBootstrap(fit, { n: 2000, seed: 41 });
      expectSameDistribution(b.replicates, {
        singular: ref.singularShare,
        columns: ref.parameters.map((p) => ({ name: p.name, mean: p.mean, sd: p.sd, n: p.n, at: (q: number) => p.quantiles[String(q)] })),
      }, ref.nsim);
    }, 1_800_000);
  }
});
