/**
 * Small simulation-based calibration of the residual-structure steps (the slow suite runs 500
 * datasets per design): 80 datasets, 19 draws each thinned by 5 after 100 warmup, ranks in 5
 * bins; every parameter's χ² p-value (β, Ψ, each σ²_s, ρ) above 0.001 (fixed seeds). Designs of
 * residualGeweke.helpers.ts: AR(1) with strata between groups (conjugate σ²_s) and within groups
 * (slice σ²_s).
 */
import { describe, expect, it } from 'vitest';
import { residualSbcRanks, residualSetup } from './residualGeweke.helpers.js';
import { uniformityP } from './sbc.helpers.js';

describe('simulation-based calibration with residual structures (small)', () => {
  for (const [which, seed] of [['ar1+var', 5151], ['ar1+varMix', 5252]] as const) {
    it(`ranks of β, Ψ, σ²_s and ρ are uniform: ${which}`, () => {
      const setup = residualSetup(which);
      const names = ['beta0', 'beta1', 'Psi', 'sigma2[a]', 'sigma2[b]', 'rho'];
      const L = 19;
      const ranks = residualSbcRanks(setup, 80, L, 5, 100, seed);
      ranks.forEach((r, k) => expect(uniformityP(r, L, 5), names[k]).toBeGreaterThan(0.001));
    });
  }
});
