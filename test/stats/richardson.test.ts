/** Richardson-extrapolated differences (numDeriv's method) on functions with known derivatives. */
import { describe, expect, it } from 'vitest';
import { richardsonHessian, richardsonJacobian } from '../../src/stats/richardson.js';

describe('Richardson differences', () => {
  // f(x, y) = exp(x)·sin(y) + x²y³: H = [[eˣsin y + 2y³, eˣcos y + 6xy²], [·, −eˣsin y + 6x²y]].
  const f = (v: Float64Array) => Math.exp(v[0]) * Math.sin(v[1]) + v[0] ** 2 * v[1] ** 3;
  // At a zero coordinate the steps are 1e-4/2^k (numDeriv's eps), where rounding (≈ ε·|f|/h²) is
  // about 1e-7; elsewhere the first step is 0.1|x| and the error is far smaller.
  it('Hessian to 1e-9 relative, and 1e-6 with a zero coordinate', () => {
    for (const [x, y] of [[0.3, 1.2], [0, 0.7], [-1.5, 2]]) {
      const H = richardsonHessian(f, [x, y]);
      const expected = [Math.exp(x) * Math.sin(y) + 2 * y ** 3, Math.exp(x) * Math.cos(y) + 6 * x * y * y, Math.exp(x) * Math.cos(y) + 6 * x * y * y, -Math.exp(x) * Math.sin(y) + 6 * x * x * y];
      const tol = x === 0 ? 1e-6 : 1e-9;
      expected.forEach((e, k) => expect(Math.abs(H[k] - e), `(${x}, ${y}) [${k}]`).toBeLessThan(tol * Math.max(1, Math.abs(e))));
    }
  });
  it('Jacobian of a vector function to 1e-10, row-major m×n', () => {
    const g = (v: Float64Array) => Float64Array.of(v[0] * v[1], Math.log(v[1]), Math.cos(v[0]));
    const J = richardsonJacobian(g, [0.5, 2]);
    const expected = [2, 0.5, 0, 0.5, -Math.sin(0.5), 0];
    expected.forEach((e, k) => expect(Math.abs(J[k] - e)).toBeLessThan(1e-10));
  });
});
