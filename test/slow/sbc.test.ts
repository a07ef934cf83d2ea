/**
 * Simulation-based calibration (Talts et al. 2018) at full size: 1000 simulated datasets, 99
 * draws each (thinned by 10 after 200 warmup), ranks in 10 bins; every parameter's χ² p-value
 * above 0.001; under the default half-t prior and under the inverse-Wishart / inverse-gamma
 * form. Also the Geweke tests ten times longer than the fast suite's (collapsed Ψ step untuned
 * and tuned, interweaving step, inverse-Wishart form). Run with `npm run test:slow`.
 */
import { describe, expect, it } from 'vitest';
import { sbcNames, sbcRanks, uniformityP } from '../samplers/sbc.helpers.js';
import { gewekeNames, gewekeSetup, gewekeZ } from '../samplers/geweke.helpers.js';

describe('slow statistical checks', () => {
  for (const prior of ['halfT', 'invWishart'] as const) {
    it(`SBC over 1000 datasets (${prior} prior): ranks of β, σ² and Ψ uniform (χ², 10 bins)`, () => {
      const L = 99;
      const ranks = sbcRanks(1000, L, 10, 200, prior === 'halfT' ? 7 : 8, prior);
      ranks.forEach((r, k) => {
        const p = uniformityP(r, L, 10);
        console.log(`SBC (${prior}) ${sbcNames[k]}: p = ${p.toFixed(4)}`);
        expect(p, sbcNames[k]).toBeGreaterThan(0.001);
      });
    }, 600_000);
  }

  const cases: [string, ReturnType<typeof gewekeSetup>, number, boolean][] = [
    ['half-t prior, collapsed Ψ step', gewekeSetup('halfT'), 99, false],
    ['half-t prior, tuned collapsed Ψ proposal', gewekeSetup('halfT'), 199, true],
    ['half-t prior, two terms (interweaving)', gewekeSetup('halfT', 'y ~ x + (x || g)'), 299, false],
    ['inverse-Wishart / inverse-gamma prior', gewekeSetup('invWishart'), 399, false],
  ];
  for (const [name, setup, seed, tuned] of cases) {
    it(`Geweke test with 200,000 draws per simulator: ${name}`, () => {
      const z = gewekeZ(setup, 200_000, seed, tuned);
      const names = gewekeNames(setup);
      console.log(`Geweke (${name}) z: ${z.map((v) => v.toFixed(2)).join(' ')}`);
      z.forEach((zj, j) => expect(Math.abs(zj), `${names[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
    }, 600_000);
  }
});
