/**
 * The optimiser's criterion for small models in WebAssembly (src/fit/denseObjective.ts) against
 * the blocked factor's (blocked.ts), the reference, at random θ on the optimiser's scale: to 1e-12
 * relative (rounding only: the two factor the same matrix in different orders). Models off the
 * fixtures' path too: weights, a shifted covariate, nested and crossed terms, correlated slopes,
 * a subject with one observation; where C cannot be factored both give Infinity.
 */
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { BlockedCholesky } from '../../src/fit/blocked.js';
import { DenseObjective, denseObjectiveMaxOrder } from '../../src/fit/denseObjective.js';
import { fitModel } from '../../src/fit/lmm.js';
import { thetaScales } from '../../src/fit/optimize.js';
import { buildModel } from '../../src/model/model.js';
import { createRng } from '../../samplers/rng.js';
import { dataset } from '../helpers.js';

function compare(table: aq.ColumnTable, formula: string, options: { weights?: string } = {}): number {
  const model = buildModel(table, formula, options);
  const factor = new BlockedCholesky(model.crossprod, model.terms, { sparse: true });
  const dense = DenseObjective.plan(model.crossprod, model.terms, factor.layout);
  expect(dense).toBeDefined();
  const rng = createRng(11);
  const scale = thetaScales(model, factor.layout);
  let worst = 0;
  for (let r = 0; r < 25; r++) {
    // θ̃ at random on the optimiser's scale (optimize.ts: θ = θ̃ / d_r, d_r the column's RMS).
    const theta = Float64Array.from(factor.layout.lower, (lo, t) => (lo === 0 ? 2 * rng.uniform() : rng.uniform() - 0.5) / scale[t]);
    for (const reml of [true, false]) {
      const a = factor.evaluate(theta, reml);
      const b = dense!.evaluate(theta, reml);
      worst = Math.max(worst, Math.abs(a - b) / Math.abs(a));
    }
  }
  return worst;
}

describe('DenseObjective', () => {
  const sleep = dataset('sleepstudy');
  const cases: [string, aq.ColumnTable, string, { weights?: string }?][] = [
    ['sleepstudy, correlated slopes', sleep, 'Reaction ~ Days + (Days | Subject)'],
    ['sleepstudy, Days + 1000', sleep.derive({ D: (d: { Days: number }) => d.Days + 1000 }), 'Reaction ~ D + (D | Subject)'],
    ['sleepstudy, uncorrelated', sleep, 'Reaction ~ Days + (Days || Subject)'],
    ['penicillin, crossed', dataset('penicillin'), 'diameter ~ 1 + (1 | plate) + (1 | sample)'],
    ['pastes, nested', dataset('pastes'), 'strength ~ 1 + (1 | batch/cask)'],
    ['politeness, crossed slopes', dataset('politeness'), 'frequency ~ attitude + gender + (1 + attitude | subject) + (1 + attitude | scenario)'],
    ['weights', dataset('sleep_weights'), 'Reaction ~ Days + (Days | Subject)', { weights: 'w' }],
  ];
  for (const [name, table, formula, options] of cases) {
    it(`gives the blocked factor's criterion: ${name}`, () => {
      expect(compare(table, formula, options)).toBeLessThan(1e-12);
    });
  }

  it('is not planned above its order, and gives Infinity where C cannot be factored', () => {
    const hsb = buildModel(dataset('hsb'), 'mathach ~ cses + (1 | school)');
    const layout = new BlockedCholesky(hsb.crossprod, hsb.terms).layout;
    expect(DenseObjective.plan(hsb.crossprod, hsb.terms, layout)).toBeUndefined();
    expect(DenseObjective.plan(hsb.crossprod, hsb.terms, layout, 1000)).toBeDefined();
    expect(denseObjectiveMaxOrder).toBe(64);
    const model = buildModel(sleep, 'Reaction ~ Days + (Days | Subject)');
    const factor = new BlockedCholesky(model.crossprod, model.terms);
    const dense = DenseObjective.plan(model.crossprod, model.terms, factor.layout)!;
    const theta = Float64Array.of(0.9, NaN, 0.2);
    expect(factor.evaluate(theta, true)).toBe(Infinity);
    expect(dense.evaluate(theta, true)).toBe(Infinity);
  });

  it("leads the fit to the blocked route's optimum (sleepstudy with a group of one observation)", () => {
    // Subject 308 kept only at day 0: a tiny group, unbalanced design.
    const table = sleep.filter(aq.escape((d: { Subject: string | number; Days: number }) => `${d.Subject}` !== '308' || d.Days === 0));
    const model = buildModel(table, 'Reaction ~ Days + (Days | Subject)');
    const fit = fitModel(model, { reml: true });
    const factor = new BlockedCholesky(model.crossprod, model.terms);
    factor.update(Float64Array.from(fit.theta));
    expect(Math.abs(factor.objective(true) - model.logdetW - fit.optimization.finalObjective)).toBeLessThan(1e-9);
    expect(fit.converged).toBe(true);
  });
});
