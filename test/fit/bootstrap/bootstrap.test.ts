/**
 * Parametric bootstrap (src/fit/bootstrap/bootstrap.ts).
 * - Cross-products against rows: the replicates' distribution from simulated cross-products
 *   equals the one from simulated rows refitted by the same routine (independent streams):
 *   means within 4 MC SE of the difference; at the rows' quantiles q ∈ {.05, .25, .5, .75, .95},
 *   the cross-product replicates' ECDF within 4·sqrt(q(1 − q)(1/N₁ + 1/N₂)); singular shares
 *   within 4 binomial SE. Small versions here; ≥ 2,000 replicates in test/slow.
 * - lme4: test/fixtures/bootstrap/*.json (test/fixtures/scripts/bootstrap.R, lme4 1.1-31
 *   bootMer, parametric, use.u = FALSE), compared the same way.
 * - Seeds: the same seed gives the same table bit for bit, whatever the split into chunks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootstrapParameters, bootstrapReplicates, parametricBootstrap } from '../../../src/fit/bootstrap/bootstrap.js';
import { fitLmm } from '../../../src/fit/lmm.js';
import { dataset } from '../../helpers.js';
import { expectSameDistribution, rowReplicates, summariesOf, type LmeRef } from './helpers.js';

describe.each([
  ['dyestuff', 'Yield ~ 1 + (1 | Batch)', 600],
  ['sleepstudy', 'Reaction ~ Days + (Days | Subject)', 150],
] as const)('cross-products against rows: %s %s (%i replicates each)', (name, formula, n) => {
  const table = dataset(name);
  const fit = fitLmm(table, formula);
  const names = bootstrapParameters(fit.model).map((p) => p.name);
  it('same distribution', () => {
    const cp = parametricBootstrap(fit, { n, seed: 11 }).replicates;
    const rows = rowReplicates(fit, table, n, 12);
    expectSameDistribution(cp, summariesOf(rows, names), n);
  });
});

describe.each([
  ['dyestuff', 'dyestuff', 2000],
  ['sleepstudy_slopes', 'sleepstudy', 300],
] as const)('against lme4 bootMer: %s', (id, name, n) => {
  const ref = JSON.parse(readFileSync(`test/fixtures/bootstrap/${id}.json`, 'utf8')) as LmeRef & { formula: string };
  const fit = fitLmm(dataset(name), ref.formula);
  // bootMer's t0 is lmer's fit with its default control, which stops up to ~2e-4 relative short
  // in the SDs here (the tight references in test/fixtures/lme4 agree with our fits to 1e-6).
  it('parameters in lme4\'s confint order, estimates as bootMer\'s t0 (1e-3)', () => {
    const b = parametricBootstrap(fit, { n: 1, seed: 1 });
    expect(b.parameters.map((p) => p.name)).toEqual(ref.parameters.map((p) => p.name));
    b.estimates.forEach((v, i) => expect(Math.abs(v - ref.parameters[i].estimate)).toBeLessThan(1e-3 * Math.max(1, Math.abs(ref.parameters[i].estimate))));
  });
  it(`${n} replicates: same distribution as bootMer's ${ref.nsim}`, () => {
    const b = parametricBootstrap(fit, { n, seed: 21 });
    expectSameDistribution(b.replicates, {
      singular: ref.singularShare,
      columns: ref.parameters.map((p) => ({ name: p.name, mean: p.mean, sd: p.sd, n: p.n, at: (q: number) => p.quantiles[String(q)] })),
    }, ref.nsim);
  });
});

describe('seeds', () => {
  const fit = fitLmm(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)');
  it('the same table bit for bit from one run or from chunks', () => {
    const whole = bootstrapReplicates(fit, 5, 0, 12);
    const parts = [...bootstrapReplicates(fit, 5, 0, 5), ...bootstrapReplicates(fit, 5, 5, 12)];
    expect(parts.map((r) => Array.from(r.values))).toEqual(whole.map((r) => Array.from(r.values)));
    const other = bootstrapReplicates(fit, 6, 0, 12);
    expect(other[0].values[0]).not.toBe(whole[0].values[0]);
  });
  it('percentile intervals bracket the estimates, the table has one row per replicate', () => {
    const b = parametricBootstrap(fit, { n: 100, seed: 3 });
    expect(b.records()).toHaveLength(100);
    expect(b.table().numRows()).toBe(100);
    expect(b.table().columnNames()).toEqual(Object.keys(b.records()[0]));
    expect(Object.keys(b.records()[0])).toEqual(['replicate', 'objective', 'singular', 'sd_(Intercept)|Subject', 'cor_Days.(Intercept)|Subject', 'sd_Days|Subject', 'sigma', '(Intercept)', 'Days']);
    for (const i of b.intervals()) if (!i.name.startsWith('.sig02')) expect(i.lower < i.estimate && i.estimate < i.upper, i.label).toBe(true);
  });
});
