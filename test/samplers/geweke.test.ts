/**
 * Geweke (2004) joint-distribution test: the marginal-conditional simulator (θ from the prior)
 * and the successive-conditional simulator (Gibbs sweeps alternating with new data) must give
 * the same distribution of θ. For each test function the difference of means is compared with
 * its standard error, the successive simulator's MCSE from its ESS (R posterior's ess_mean):
 * |z| < 4 for every function (fixed seeds, so the test is deterministic). The slow suite runs
 * the same check ten times longer.
 */
import { describe, expect, it } from 'vitest';
import { gewekeNames, gewekeZ } from './geweke.helpers.js';

describe('Geweke joint-distribution test', () => {
  it('marginal-conditional and successive-conditional simulators agree (|z| < 4)', () => {
    const z = gewekeZ(20_000, 2026);
    z.forEach((zj, j) => expect(Math.abs(zj), `${gewekeNames[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
  });

  it('also with the tuned independence proposal of the collapsed Ψ step', () => {
    const z = gewekeZ(20_000, 4052, true);
    z.forEach((zj, j) => expect(Math.abs(zj), `${gewekeNames[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
  });
});
