/**
 * Powell's O(m²) update of the inverse KKT matrix H = W⁻¹ (interpolation.ts `updateSystem`)
 * against H rebuilt by Gauss–Jordan elimination for the same points, base point and scale.
 * Tolerance: 1e-7 relative to the largest entry of H: rounding amplified by the conditioning of
 * W on these random sets (measured up to 3e-9 for n = 1 after 40 updates, 1e-13 for n = 8); an
 * error in the formula gives differences of order 1.
 */
import { describe, expect, it } from 'vitest';
import { buildSystem, geometryStep, updateSystem } from '../../src/optim/interpolation.js';

function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647 - 0.5;
  };
}

describe('updateSystem', () => {
  for (const n of [1, 3, 8]) {
    it(`matches the rebuilt inverse after 40 replacements (n = ${n})`, () => {
      const rnd = lcg(17 + n);
      const m = 2 * n + 1;
      const Y = Array.from({ length: m }, () => Float64Array.from({ length: n }, rnd));
      const sys = buildSystem(Y, Y[0])!;
      expect(sys).toBeDefined();
      for (let step = 0; step < 40; step++) {
        const k = 1 + (step % (m - 1));
        const x = Float64Array.from({ length: n }, rnd);
        expect(updateSystem(sys, k, x)).toBe(true);
        Y[k] = x;
        const ref = buildSystem(Y, sys.base, sys.scale)!;
        let err = 0;
        let size = 0;
        for (let i = 0; i < ref.H.length; i++) {
          err = Math.max(err, Math.abs(ref.H[i] - sys.H[i]));
          size = Math.max(size, Math.abs(ref.H[i]));
        }
        expect(err / size).toBeLessThan(1e-7);
        for (let i = 0; i < n; i++) expect(sys.s[k][i]).toBeCloseTo((x[i] - sys.base[i]) / sys.scale, 14);
      }
    });
  }

  it('refuses a replacement that makes the set degenerate, leaving H unchanged', () => {
    // x0, x0 ± e_i: replacing x0 + e_1 by x0 − e_1 (already a point) makes W singular.
    const Y = [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1]].map((p) => Float64Array.from(p));
    const sys = buildSystem(Y, Y[0])!;
    const before = Float64Array.from(sys.H);
    expect(updateSystem(sys, 1, Float64Array.from([-1, 0]))).toBe(false);
    expect(Array.from(sys.H)).toEqual(Array.from(before));
  });
});

describe('geometryStep', () => {
  it('returns a feasible point within the radius of x_opt with a positive denominator, also with the base away from x_opt', () => {
    const rnd = lcg(5);
    const n = 4;
    const m = 2 * n + 1;
    const Y = Array.from({ length: m }, () => Float64Array.from({ length: n }, rnd));
    const sys = buildSystem(Y, Float64Array.from(Y[3]))!;
    const kopt = 2;
    const lower = new Float64Array(n).fill(-0.5);
    const upper = new Float64Array(n).fill(0.5);
    const radius = 0.1;
    const { x, sigma } = geometryStep(sys, 0, kopt, Y[kopt], lower, upper, radius);
    expect(sigma).toBeGreaterThan(0);
    let d2 = 0;
    for (let i = 0; i < n; i++) {
      expect(x[i]).toBeGreaterThanOrEqual(lower[i]);
      expect(x[i]).toBeLessThanOrEqual(upper[i]);
      d2 += (x[i] - Y[kopt][i]) ** 2;
    }
    expect(Math.sqrt(d2)).toBeLessThanOrEqual(radius * (1 + 1e-12));
  });
});
