/** The maps between β and the cross-products' parametrisation are inverse to each other (1e-12). */
import { describe, expect, it } from 'vitest';
import { toOriginalBeta, toOriginalCovariance, toPrimeCovariance, toPrimeMean } from '../../src/model/reparam.js';

describe('reparametrisation', () => {
  // Intercept plus two centred columns, response shifted by 250.
  const r = { p: 3, yShift: 250, yShiftDirection: Float64Array.from([1, 0, 0]), xCenter: Float64Array.from([0, 4.5, 1e6]) };
  it('β → β′ → β', () => {
    const beta = [12, -3, 0.5];
    const back = toOriginalBeta(r, toPrimeMean(r, beta));
    back.forEach((v, j) => expect(Math.abs(v - beta[j])).toBeLessThan(1e-12 * Math.max(1, Math.abs(beta[j]) * 1e6)));
  });
  it('V → TVT′ → V', () => {
    const moderate = { ...r, xCenter: Float64Array.from([0, 4.5, 10]) };
    const V = Float64Array.from([4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2]);
    const back = toOriginalCovariance(moderate, toPrimeCovariance(moderate, V));
    back.forEach((v, k) => expect(Math.abs(v - V[k])).toBeLessThan(1e-12));
  });
  it('the intercept carries the centring: β0 = β′0 + c − Σ m_j β′_j', () => {
    const b = toOriginalBeta(r, [1, 2, 3]);
    expect(b[0]).toBeCloseTo(1 + 250 - (4.5 * 2 + 1e6 * 3), 6);
    expect([b[1], b[2]]).toEqual([2, 3]);
  });
});
