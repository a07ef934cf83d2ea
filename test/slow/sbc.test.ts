/**
 * Simulation-based calibration (Talts et al. 2018) at full size: 1000 simulated datasets, 99
 * draws each (thinned by 10 after 200 warmup), ranks in 10 bins; every parameter's χ² p-value
 * above 0.001. Also the Geweke tests ten times longer than the fast suite's (untuned and tuned collapsed Ψ
 * proposal). Run with
 * `npm run test:slow`.
 */
import { describe, expect, it } from 'vitest';
import { sbcNames, sbcRanks, uniformityP } from '../samplers/sbc.helpers.js';
import { gewekeNames, gewekeZ } from '../samplers/geweke.helpers.js';

describe('slow statistical checks', () => {
  it('SBC over 1000 datasets: ranks of β, σ² and Ψ uniform (χ², 10 bins)', () => {
    const L = 99;
    const ranks = sbcRanks(1000, L, 10, 200, 7);
    ranks.forEach((r, k) => {
      const p = uniformityP(r, L, 10);
      console.log(`SBC ${sbcNames[k]}: p = ${p.toFixed(4)}`);
      expect(p, sbcNames[k]).toBeGreaterThan(0.001);
    });
  }, 600_000);

  it('Geweke test with 200,000 draws per simulator', () => {
    const z = gewekeZ(200_000, 99);
    console.log(`Geweke z: ${z.map((v) => v.toFixed(2)).join(' ')}`);
    z.forEach((zj, j) => expect(Math.abs(zj), `${gewekeNames[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
  }, 600_000);

  it('Geweke test with 200,000 draws per simulator, tuned collapsed Ψ proposal', () => {
    const z = gewekeZ(200_000, 199, true);
    console.log(`Geweke (tuned) z: ${z.map((v) => v.toFixed(2)).join(' ')}`);
    z.forEach((zj, j) => expect(Math.abs(zj), `${gewekeNames[j]}: z = ${zj.toFixed(2)}`).toBeLessThan(4));
  }, 600_000);
});
