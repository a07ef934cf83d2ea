/**
 * Geweke (2004) joint-distribution test: the marginal-conditional simulator (θ from the prior)
 * and the successive-conditional simulator (Gibbs sweeps alternating with new data) must give
 * the same distribution of θ. For each test function the difference of means is compared with
 * its standard error, the successive simulator's MCSE from its ESS (R posterior's ess_mean):
 * |z| < 4 for every function (fixed seeds, so the test is deterministic). Under the default
 * half-t prior (with its λ steps) for the collapsed Ψ step (one term, untuned and tuned
 * proposal) and the interweaving step (two terms), and under the inverse-Wishart /
 * inverse-gamma form. The slow suite runs the same checks ten times longer.
 */
import { describe, expect, it } from 'vitest';
import { gewekeNames, gewekeSetup, gewekeZ } from './geweke.helpers.js';

describe('Geweke joint-distribution test', () => {
  const cases: [string, ReturnType<typeof gewekeSetup>, number, boolean][] = [
    ['half-t prior, collapsed Ψ step', gewekeSetup('halfT'), 2026, false],
    ['half-t prior, tuned independence proposal of the collapsed Ψ step', gewekeSetup('halfT'), 4052, true],
    ['half-t prior, two terms (interweaving step)', gewekeSetup('halfT', 'y ~ x + (x || g)'), 8104, false],
    ['inverse-Wishart / inverse-gamma prior, collapsed Ψ step', gewekeSetup('invWishart'), 1013, false],
  ];
  for (const [name, setup, seed, tuned] of cases) {
    it(`simulators agree (|z| < 4): ${name}`, () => {
      const z = gewekeZ(setup, 20_000, seed, tuned);
      const names = gewekeNames(setup);
      z.forEach((zj, j) => expect(Math.abs(zj), `${names[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
    });
  }
});
