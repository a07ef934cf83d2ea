/**
 * Posterior means on hsb `mathach ~ cses + (cses | school)` with the default priors sit close
 * to the REML estimates: each fixed effect within 0.2 posterior SD (the criterion), with
 * every R-hat of β, σ² and Ψ below 1.01. Fixed seed; 4 chains × 2000 iterations.
 */
import { describe, expect, it } from 'vitest';
import { fitLmm } from '../../src/fit/lmm.js';
import { sample } from '../../samplers/sample.js';
import { dataset } from '../helpers.js';

describe('hsb posterior against REML', () => {
  it('fixed effects within 0.2 posterior SD of REML, R-hat < 1.01', async () => {
    const table = dataset('hsb');
    const formula = 'mathach ~ cses + (cses | school)';
    const fit = fitLmm(table, formula);
    const result = await sample(table, formula, { seed: 61, chains: 4, iter: 2000 });
    const rows = new Map(result.summary().map((r) => [r.param, r]));
    for (const [name, value] of Object.entries(fit.fixef)) {
      const row = rows.get(`beta[${name}]`)!;
      expect(Math.abs(row.mean! - value) / row.sd!, `beta[${name}]`).toBeLessThan(0.2);
    }
    for (const row of rows.values()) {
      if (row.param.startsWith('a[')) continue;
      expect(row.rhat!, row.param).toBeLessThan(1.01);
    }
  });
});
