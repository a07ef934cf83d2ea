/**
 * Geweke (2004) joint-distribution test of the residual-structure steps (samplers/residualSteps.ts):
 * the marginal-conditional simulator (θ from the prior) and the successive-conditional one (Gibbs
 * sweeps alternating with new data) must agree, |z| < 4 for every test function (z: the
 * difference of means over its standard error, the successive simulator's from its ESS; fixed
 * seeds). For ρ alone (uniform and scaled-beta priors), ρ with per-stratum variances (conjugate
 * and slice σ²_s steps), and variances alone. The slow suite runs the same checks longer.
 */
import { describe, expect, it } from 'vitest';
import { residualGewekeZ, residualNames, residualSetup } from './residualGeweke.helpers.js';

describe('Geweke joint-distribution test with residual structures', () => {
  const cases: [string, ReturnType<typeof residualSetup>, number][] = [
    ['ar1, rho uniform(-1, 1)', residualSetup('ar1'), 3031],
    ['ar1, (rho + 1)/2 ~ beta(3, 2)', residualSetup('ar1', { beta: [3, 2] }), 3032],
    ['ar1 + var, strata between groups (conjugate)', residualSetup('ar1+var'), 3033],
    ['ar1 + var, strata within groups (slice)', residualSetup('ar1+varMix', { uniform: [-0.5, 0.9] }), 3034],
    ['var alone', residualSetup('var'), 3035],
  ];
  for (const [name, setup, seed] of cases) {
    it(`simulators agree (|z| < 4): ${name}`, () => {
      const z = residualGewekeZ(setup, 20_000, seed);
      const names = residualNames(setup);
      z.forEach((zj, j) => expect(Math.abs(zj), `${names[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
    });
  }
});
