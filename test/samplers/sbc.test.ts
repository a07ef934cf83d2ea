/**
 * Small simulation-based calibration (the slow suite runs 1000 datasets): 80 datasets, 19
 * thinned draws each, ranks in 5 bins; every parameter's χ² p-value above 0.001 (fixed seed).
 * Under the default half-t prior (Huang & Wand, ν = 2, with its λ steps).
 */
import { describe, expect, it } from 'vitest';
import { sbcNames, sbcRanks, uniformityP } from './sbc.helpers.js';

describe('simulation-based calibration (small)', () => {
  it('ranks of β, σ² and Ψ are uniform under the half-t prior', () => {
    const L = 19;
    const ranks = sbcRanks(80, L, 5, 100, 424242);
    ranks.forEach((r, k) => expect(uniformityP(r, L, 5), sbcNames[k]).toBeGreaterThan(0.001));
  });
});
