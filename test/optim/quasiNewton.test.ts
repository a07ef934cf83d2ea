/**
 * The projected BFGS method (src/optim/quasiNewton.ts) on problems with known minima: an
 * unconstrained Rosenbrock function, and convex quadratics with active and inactive lower
 * bounds (the minimiser is the projection's KKT point, computed by hand). Tolerances: |f − f*|
 * ≤ 1e-10, coordinates on an active bound exactly on it, others to 1e-6.
 */
import { describe, expect, it } from 'vitest';
import { minimizeQuasiNewton } from '../../src/optim/quasiNewton.js';

const rosenbrock = (x: Float64Array) => ({
  f: 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2,
  g: Float64Array.of(-400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]), 200 * (x[1] - x[0] * x[0])),
});

/** f = ½(x − c)'A(x − c) with A = tridiag(−1, 3, −1). */
function quadratic(c: number[]) {
  const m = c.length;
  return (x: Float64Array) => {
    const g = new Float64Array(m);
    let f = 0;
    for (let i = 0; i < m; i++) {
      const di = x[i] - c[i];
      g[i] = 3 * di - (i > 0 ? x[i - 1] - c[i - 1] : 0) - (i + 1 < m ? x[i + 1] - c[i + 1] : 0);
      f += 0.5 * di * g[i];
    }
    return { f, g };
  };
}

describe('minimizeQuasiNewton', () => {
  it('Rosenbrock from (−1.2, 1), unconstrained', () => {
    const r = minimizeQuasiNewton(rosenbrock, [-1.2, 1], { gtol: 1e-9, firstStep: 1 });
    expect(r.converged).toBe(true);
    expect(r.fval).toBeLessThanOrEqual(1e-10);
    expect(Math.abs(r.x[0] - 1)).toBeLessThan(1e-5);
  });

  it('a quadratic whose minimum is inside the box', () => {
    const c = [1, 2, 0.5, 3];
    const r = minimizeQuasiNewton(quadratic(c), [0, 0, 0, 0], { lower: [0, 0, 0, 0], gtol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.fval).toBeLessThanOrEqual(1e-10);
    c.forEach((v, i) => expect(Math.abs(r.x[i] - v)).toBeLessThan(1e-6));
  });

  it('a quadratic with active bounds: x₁ = x₃ = 0 and the KKT point of the rest', () => {
    // c = (1, −2, 1, −2): with x₁ = x₃ = 0 fixed, x₀ and x₂ minimise
    // ½[3(x₀−1)² − 2(x₀−1)(0+2) + 3(x₂−1)² − 2(x₂−1)(2+2)] + const → x₀ = 1 + 2/3, x₂ = 1 + 4/3,
    // and the gradients on the bound are positive there (checked below).
    const c = [1, -2, 1, -2];
    const q = quadratic(c);
    const r = minimizeQuasiNewton(q, [1, 1, 1, 1], { lower: [0, 0, 0, 0], gtol: 1e-10 });
    expect(r.converged).toBe(true);
    expect(r.x[1]).toBe(0);
    expect(r.x[3]).toBe(0);
    expect(Math.abs(r.x[0] - 5 / 3)).toBeLessThan(1e-6);
    expect(Math.abs(r.x[2] - 7 / 3)).toBeLessThan(1e-6);
    const g = q(r.x).g;
    expect(g[1]).toBeGreaterThan(0);
    expect(g[3]).toBeGreaterThan(0);
    const fStar = q(Float64Array.of(5 / 3, 0, 7 / 3, 0)).f;
    expect(Math.abs(r.fval - fStar)).toBeLessThanOrEqual(1e-10);
  });

  it('with `value`, the same iterates and fewer gradients: cut-back steps cost a value only', () => {
    let gradientCalls = 0;
    const counted = (x: Float64Array) => {
      gradientCalls++;
      return rosenbrock(x);
    };
    const plain = minimizeQuasiNewton(rosenbrock, [-1.2, 1], { gtol: 1e-9, firstStep: 1 });
    const lean = minimizeQuasiNewton(counted, [-1.2, 1], { gtol: 1e-9, firstStep: 1, value: (x) => rosenbrock(x).f });
    expect(Array.from(lean.x)).toEqual(Array.from(plain.x));
    expect(lean.fval).toBe(plain.fval);
    expect(lean.iterations).toBe(plain.iterations);
    expect(lean.gradients).toBe(gradientCalls);
    expect(plain.gradients).toBe(plain.evaluations);
    // Rosenbrock's valley cuts steps back: those trials took no gradient.
    expect(lean.gradients).toBeLessThan(plain.gradients);
    expect(lean.evaluations).toBe(plain.evaluations + lean.gradients - 1);
  });

  it('is deterministic', () => {
    const a = minimizeQuasiNewton(rosenbrock, [-1.2, 1]);
    const b = minimizeQuasiNewton(rosenbrock, [-1.2, 1]);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(a.evaluations).toBe(b.evaluations);
  });
});
