/**
 * The cross-product bootstrap off the tested path: prior weights, an offset with a covariate far
 * from zero (Days·1000 + 10⁶), a factor interaction with a crossed design, and poly() with a
 * group-level factor. For each, 300 replicates from cross-products against 300 from simulated
 * rows (test/fit/bootstrap/helpers.ts), with the 4-MC-SE checks of bootstrap.test.ts.
 */
import { describe, it } from 'vitest';
import * as aq from 'arquero';
import { bootstrapParameters, parametricBootstrap } from '../../../src/fit/bootstrap/bootstrap.js';
import { fitLmm } from '../../../src/fit/lmm.js';
import { dataset } from '../../helpers.js';
import { expectSameDistribution, rowReplicates, summariesOf } from './helpers.js';

const cases: [string, () => aq.ColumnTable, string, { weights?: string }][] = [
  ['prior weights', () => dataset('sleep_weights'), 'Reaction ~ Days + (Days | Subject)', { weights: 'w' }],
  ['offset, shifted covariate', () => aq.from(dataset('sleepstudy')).derive({ o: (d: { Days: number }) => d.Days * 3, big: (d: { Days: number }) => d.Days * 1000 + 1e6 }), 'Reaction ~ big + offset(o) + (1 | Subject)', {}],
  ['factor interaction, crossed', () => dataset('politeness'), 'frequency ~ attitude * gender + (1 | subject) + (1 | scenario)', {}],
  ['poly() and a group-level factor', () => dataset('hsb'), 'mathach ~ poly(ses, 2) + sector + (1 | school)', {}],
];

describe.each(cases)('%s', (_name, table, formula, options) => {
  it(`${formula}: cross-products and rows give the same replicates' distribution`, () => {
    const data = table();
    const fit = fitLmm(data, formula, options);
    const names = bootstrapParameters(fit.model).map((p) => p.name);
    expectSameDistribution(parametricBootstrap(fit, { n: 300, seed: 1 }).replicates, summariesOf(rowReplicates(fit, data, 300, 2), names), 300);
  });
});
