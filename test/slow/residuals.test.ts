/**
 * The residual-structure steps at full size (samplers/residualSteps.ts): SBC over 500 datasets
 * per design (99 draws thinned by 30 after 200 warmup, ranks in 10 bins, every χ² p-value above
 * 0.001; thinned by 30, not 10 as the plain sampler's SBC: with ρ and σ²_s drawn one at a time,
 * in the design with strata between groups the ESS per draw of the stratum variances and ρ was as
 * low as 0.007–0.02 in the worst of 20 simulated datasets, and with thinning by 10 the Ψ ranks came
 * out skewed (p = 0.0004) while the 200,000-draw Geweke test of the same design passed; with the
 * joint (ρ, σ²_s) draw now used there the worst is 0.045–0.1, median ~0.4, and where strata
 * alternate within groups (the slice path) 0.09–0.34, median ~0.2), and the Geweke tests of the fast suite ten times longer (200,000 draws per simulator,
 * |z| < 4). Run with `npm run test:slow`.
 */
import { describe, expect, it } from 'vitest';
import { residualGewekeZ, residualNames, residualSbcRanks, residualSetup } from '../samplers/residualGeweke.helpers.js';
import { uniformityP } from '../samplers/sbc.helpers.js';

describe('slow checks of the residual-structure steps', () => {
  for (const [which, seed] of [['ar1', 61], ['ar1+var', 62], ['ar1+varMix', 63]] as const) {
    it(`SBC over 500 datasets: ${which}`, () => {
      const setup = residualSetup(which);
      const names = ['beta0', 'beta1', 'Psi', ...Array.from({ length: setup.strata }, (_, s) => `sigma2[${s}]`), 'rho'];
      const L = 99;
      const ranks = residualSbcRanks(setup, 500, L, 30, 200, seed);
      ranks.forEach((r, k) => {
        const p = uniformityP(r, L, 10);
        console.log(`SBC (${which}) ${names[k]}: p = ${p.toFixed(4)}`);
        expect(p, names[k]).toBeGreaterThan(0.001);
      });
    }, 900_000);
  }
  const cases: [string, ReturnType<typeof residualSetup>, number][] = [
    ['ar1, rho uniform(-1, 1)', residualSetup('ar1'), 71],
    ['ar1, (rho + 1)/2 ~ beta(3, 2)', residualSetup('ar1', { beta: [3, 2] }), 72],
    ['ar1 + var, strata between groups', residualSetup('ar1+var'), 73],
    ['ar1 + var, strata within groups', residualSetup('ar1+varMix', { uniform: [-0.5, 0.9] }), 74],
    ['var alone', residualSetup('var'), 75],
  ];
  for (const [name, setup, seed] of cases) {
    it(`Geweke test with 200,000 draws per simulator: ${name}`, () => {
      const z = residualGewekeZ(setup, 200_000, seed);
      const names = residualNames(setup);
      console.log(`Geweke (${name}) z: ${z.map((v) => v.toFixed(2)).join(' ')}`);
      z.forEach((zj, j) => expect(Math.abs(zj), `${names[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
    }, 900_000);
  }
});
