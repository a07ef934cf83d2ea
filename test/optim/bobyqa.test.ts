import { describe, expect, it } from 'vitest';
import { minimizeBounded, type MinimizeResult } from '../../src/optim/bobyqa.js';
import { choleskyLike, oneWayDeviance, oneWayThetaHat, rosenbrock } from './problems.js';

/**
 * Tolerances: |f − f*| ≤ 1e-6 (absolute) on unconstrained/smooth problems, as required for lme4
 * parity (deviances are O(10²–10⁵)); 1e-9 on the box-constrained quadratic; coordinates on an active
 * bound must equal the bound exactly. Evaluation limits are stated per problem (observed counts are
 * noted in comments; limits leave some headroom).
 */

const INF = Infinity;

function expectNear(r: MinimizeResult, fStar: number, tol: number): void {
  expect(r.converged).toBe(true);
  expect(r.message).toBe('rho reached rhoend');
  expect(Math.abs(r.fval - fStar)).toBeLessThanOrEqual(tol);
}

describe('minimizeBounded: unconstrained', () => {
  it('Rosenbrock 2-D from (-1.2, 1)', () => {
    const r = minimizeBounded(rosenbrock, [-1.2, 1]);
    expectNear(r, 0, 1e-6);
    expect(Math.abs(r.x[0]! - 1)).toBeLessThan(1e-4);
    expect(Math.abs(r.x[1]! - 1)).toBeLessThan(1e-4);
    expect(r.evaluations).toBeLessThan(200); // observed 144
    expect(r.f0).toBeCloseTo(24.2, 12);
  });

  it('chained Rosenbrock 4-D from the origin', () => {
    const r = minimizeBounded(rosenbrock, [0, 0, 0, 0]);
    expectNear(r, 0, 1e-6);
    for (const xi of r.x) expect(Math.abs(xi - 1)).toBeLessThan(1e-3);
    expect(r.evaluations).toBeLessThan(320); // observed 232
  });

  it('two uncoupled Rosenbrock functions (4-D) from (-1.2, 1, -1.2, 1)', () => {
    const f = (x: Float64Array): number => rosenbrock(x.subarray(0, 2)) + rosenbrock(x.subarray(2, 4));
    const r = minimizeBounded(f, [-1.2, 1, -1.2, 1]);
    expectNear(r, 0, 1e-6);
    expect(r.evaluations).toBeLessThan(450); // observed 358
  });

  it('1-D smooth function with an interior minimum', () => {
    const r = minimizeBounded((x) => 100 + Math.cosh(x[0]! - 3), [0]);
    expectNear(r, 101, 1e-9);
    expect(Math.abs(r.x[0]! - 3)).toBeLessThan(1e-4);
    expect(r.evaluations).toBeLessThan(40); // observed 25
  });

  it('badly scaled quadratic', () => {
    const r = minimizeBounded((x) => 1e4 * (x[0]! - 1) ** 2 + 1e-2 * (x[1]! - 50) ** 2 + 500, [0, 0]);
    expectNear(r, 500, 1e-6);
    expect(r.evaluations).toBeLessThan(80); // observed 38
  });
});

describe('minimizeBounded: one-dimensional lme4-like deviances', () => {
  // Dyestuff (6 batches × 5): SSB = 56357.5, SSW = 58830 → lme4 ML fit θ = 0.7525807, deviance 327.3271.
  it('Dyestuff ML profiled deviance: interior optimum', () => {
    const f = oneWayDeviance(6, 5, 56357.5, 58830);
    const thetaHat = oneWayThetaHat(5, 56357.5, 58830);
    expect(thetaHat).toBeCloseTo(0.7525807, 6);
    const fStar = f(Float64Array.of(thetaHat));
    expect(fStar).toBeCloseTo(327.3271, 4);
    const r = minimizeBounded(f, [1], { lower: [0] });
    expectNear(r, fStar, 1e-8);
    expect(Math.abs(r.x[0]! - thetaHat)).toBeLessThan(1e-5);
    expect(r.evaluations).toBeLessThan(30); // observed 15
  });

  it('singular one-way fit: optimum exactly at θ = 0', () => {
    const f = oneWayDeviance(6, 5, 500, 58830);
    expect(oneWayThetaHat(5, 500, 58830)).toBe(0);
    const r = minimizeBounded(f, [1], { lower: [0] });
    expect(r.x[0]).toBe(0);
    expectNear(r, f(Float64Array.of(0)), 1e-9);
    expect(r.evaluations).toBeLessThan(30); // observed 14
  });

  it('(x+1)² on x ≥ 0: x = 0 exactly', () => {
    const r = minimizeBounded((x) => (x[0]! + 1) ** 2, [1], { lower: [0] });
    expect(r.x[0]).toBe(0);
    expect(r.fval).toBe(1);
    expect(r.converged).toBe(true);
    expect(r.evaluations).toBeLessThan(30); // observed 13
  });

  it('upper bound active in 1-D', () => {
    const r = minimizeBounded((x) => (x[0]! - 3) ** 2, [0], { upper: [2] });
    expect(r.x[0]).toBe(2);
    expect(r.fval).toBe(1);
  });
});

describe('minimizeBounded: bound constraints', () => {
  it('convex quadratic with its unconstrained minimum outside the box', () => {
    // f = 100 + (x−c)ᵀA(x−c); KKT point x* = (1, 0, 0.25) with ∇f = (−6, 3.75, 0): x1 at its upper
    // bound, x2 at its lower bound, f* = 104.875.
    const A = [
      [4, 1, 0],
      [1, 3, 0.5],
      [0, 0.5, 2],
    ];
    const c = [2, -1, 0.5];
    const f = (x: Float64Array): number => {
      let s = 100;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += (x[i]! - c[i]!) * A[i]![j]! * (x[j]! - c[j]!);
      return s;
    };
    const r = minimizeBounded(f, [0, 0.5, 0], { lower: [-INF, 0, -INF], upper: [1, INF, INF] });
    expectNear(r, 104.875, 1e-9);
    expect(r.x[0]).toBe(1);
    expect(r.x[1]).toBe(0);
    expect(Math.abs(r.x[2]! - 0.25)).toBeLessThan(1e-5);
    expect(r.evaluations).toBeLessThan(60); // observed 36
  });

  it('3-D Cholesky-factor problem (θ = L11, L21, L22) with L22 = 0 at the optimum', () => {
    const fStar = 1234.5;
    const f = choleskyLike([0.8, -0.4, 0], [2], fStar);
    const r = minimizeBounded(f, [1, 0, 1], { lower: [0, -INF, 0] });
    expect(r.x[2]).toBe(0);
    expectNear(r, fStar, 1e-6);
    expect(Math.abs(r.x[0]! - 0.8)).toBeLessThan(1e-5);
    expect(Math.abs(r.x[1]! + 0.4)).toBeLessThan(1e-5);
    expect(r.evaluations).toBeLessThan(80); // observed 44
  });

  it('3-D problem started on the bound', () => {
    const fStar = 1234.5;
    const f = choleskyLike([0.8, -0.4, 0], [2], fStar);
    const r = minimizeBounded(f, [1, 0, 0], { lower: [0, -INF, 0] });
    expect(r.x[2]).toBe(0);
    expectNear(r, fStar, 1e-6);
    expect(r.x0[2]).toBe(0);
  });

  it('6-D Cholesky-factor problem (3×3 L, column-major) with L33 = 0 at the optimum', () => {
    const fStar = 45678.9;
    const f = choleskyLike([1.3, 0.5, -0.7, 0.6, 0.25, 0], [5], fStar);
    const r = minimizeBounded(f, [1, 0, 0, 1, 0, 1], { lower: [0, -INF, -INF, 0, -INF, 0] });
    expect(r.x[5]).toBe(0);
    expectNear(r, fStar, 1e-6);
    expect(r.evaluations).toBeLessThan(150); // observed 95
  });

  it('6-D Cholesky-factor problem with L11 = 0 at the optimum', () => {
    const fStar = 45678.9;
    const f = choleskyLike([0, 0.5, -0.7, 0.6, 0.25, 0.9], [0], fStar);
    const r = minimizeBounded(f, [1, 0, 0, 1, 0, 1], { lower: [0, -INF, -INF, 0, -INF, 0] });
    expect(r.x[0]).toBe(0);
    expectNear(r, fStar, 1e-6);
    expect(r.evaluations).toBeLessThan(150); // observed 98
  });

  it('10-D Cholesky-factor problem (4×4 L) with three diagonals at 0', () => {
    const fStar = 45678.9;
    const lower = [0, -INF, -INF, -INF, 0, -INF, -INF, 0, -INF, 0];
    const f = choleskyLike([0, 0.5, -0.7, 0.6, 0, 0.2, 0.3, 0.8, 0.1, 0], [0, 4, 9], fStar);
    const r = minimizeBounded(f, [1, 0, 0, 0, 1, 0, 0, 1, 0, 1], { lower });
    expect(r.x[0]).toBe(0);
    expect(r.x[4]).toBe(0);
    expect(r.x[9]).toBe(0);
    expectNear(r, fStar, 1e-6);
    expect(r.evaluations).toBeLessThan(250); // observed 150
  });

  it('coordinates with lower = upper are held fixed', () => {
    const f = (x: Float64Array): number => (x[0]! - 1) ** 2 + (x[1]! - 2) ** 2 + (x[2]! + 1) ** 2;
    const r = minimizeBounded(f, [0, 0, 0], { lower: [-5, 0.5, -5], upper: [5, 0.5, 5] });
    expect(r.x[1]).toBe(0.5);
    expectNear(r, 2.25, 1e-9);
  });
});

describe('minimizeBounded: robustness and reporting', () => {
  it('treats Infinity/NaN as very large values', () => {
    const f = (x: Float64Array): number =>
      x[0]! + x[1]! > 2.5 ? NaN : (x[0]! - 1.4) ** 2 + (x[1]! - 1) ** 2 + 7;
    const r = minimizeBounded(f, [0, 0]);
    expectNear(r, 7, 1e-9);
    const g = (x: Float64Array): number => (x[0]! > 1.5 ? Infinity : (x[0]! - 1.4) ** 2 + (x[1]! - 1) ** 2 + 7);
    expectNear(minimizeBounded(g, [1, 0]), 7, 1e-9);
  });

  it('reports non-convergence at the evaluation limit', () => {
    const r = minimizeBounded(rosenbrock, [-1.2, 1], { maxEvaluations: 30 });
    expect(r.converged).toBe(false);
    expect(r.message).toBe('maximum evaluations reached');
    expect(r.evaluations).toBe(30);
    expect(r.fval).toBeLessThan(r.f0);
  });

  it('ftolAbs stops early but reports convergence', () => {
    const full = minimizeBounded(rosenbrock, [-1.2, 1]);
    const r = minimizeBounded(rosenbrock, [-1.2, 1], { ftolAbs: 1e-4 });
    expect(r.converged).toBe(true);
    expect(r.evaluations).toBeLessThanOrEqual(full.evaluations);
    expect(r.fval).toBeLessThan(1e-3);
  });

  it('projects the starting point onto the box and reports it', () => {
    const r = minimizeBounded((x) => (x[0]! - 0.5) ** 2, [-3], { lower: [0], upper: [2] });
    expect(r.x0[0]).toBe(0);
    expect(r.f0).toBe(0.25);
    expect(Math.abs(r.x[0]! - 0.5)).toBeLessThan(1e-5);
  });

  it('returns immediately when f(x0) is not finite', () => {
    const r = minimizeBounded(() => NaN, [1, 1]);
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBe(1);
  });

  it('rejects invalid input', () => {
    expect(() => minimizeBounded((x) => x[0]!, [])).toThrow(RangeError);
    expect(() => minimizeBounded((x) => x[0]!, [0], { lower: [1], upper: [0] })).toThrow(RangeError);
    expect(() => minimizeBounded((x) => x[0]!, [0], { lower: [0, 0] })).toThrow(RangeError);
  });

  it('is deterministic: identical results and evaluation sequences', () => {
    const run = (): { r: MinimizeResult; trace: number[] } => {
      const trace: number[] = [];
      const f = choleskyLike([1.3, 0.5, -0.7, 0.6, 0.25, 0], [5], 45678.9);
      const r = minimizeBounded(
        (x) => {
          trace.push(...x);
          return f(x);
        },
        [1, 0, 0, 1, 0, 1],
        { lower: [0, -INF, -INF, 0, -INF, 0] },
      );
      return { r, trace };
    };
    const a = run();
    const b = run();
    expect(b.r.fval).toBe(a.r.fval);
    expect(Array.from(b.r.x)).toEqual(Array.from(a.r.x));
    expect(b.r.evaluations).toBe(a.r.evaluations);
    expect(b.trace).toEqual(a.trace);
  });

  it('passes f a copy of the trial point', () => {
    const r = minimizeBounded((x) => {
      const v = (x[0]! - 2) ** 2;
      x[0] = 1e9; // must not corrupt the optimiser's state
      return v;
    }, [0]);
    expect(Math.abs(r.x[0]! - 2)).toBeLessThan(1e-5);
  });
});

describe('minimizeBounded: randomised Cholesky-factor problems (fixed seed)', () => {
  // 80 problems: q×q lower-triangular θ (q = 1..4, n = 1, 3, 6, 10), bounds 0 on the diagonal, a
  // random subset of diagonals at 0 at the optimum with outward gradient ≥ 0.01, random SPD coupling,
  // values 100–40,100. Requirements: |f − f*| ≤ 1e-6, active diagonals exactly 0, bounded evaluations.
  it('meets the 1e-6 tolerance on every problem', () => {
    let seed = 12345;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const maxEvals = [0, 30, 0, 100, 0, 0, 220, 0, 0, 0, 330]; // observed max 21, 77, 182, 263
    for (let trial = 0; trial < 80; trial++) {
      const q = 1 + (trial % 4);
      const n = (q * (q + 1)) / 2;
      const diag: number[] = [];
      let idx = 0;
      for (let j = 0; j < q; j++) for (let i = j; i < q; i++) (i === j && diag.push(idx), idx++);
      const lower = new Array<number>(n).fill(-INF);
      for (const d of diag) lower[d] = 0;
      const xs = Array.from({ length: n }, () => rnd() * 2 - 1);
      for (const d of diag) xs[d] = Math.abs(xs[d]!) + 0.1;
      const active = diag.filter(() => rnd() < 0.4);
      for (const d of active) xs[d] = 0;
      const R = Array.from({ length: n * n }, () => rnd() - 0.5);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += R[i * n + k]! * R[j * n + k]!;
          A[i * n + j] = s + (i === j ? 0.01 + rnd() * 3 : 0);
        }
      }
      const b = active.map(() => 0.01 + rnd() * 3);
      const fStar = 100 + rnd() * 40000;
      const f = (x: Float64Array): number => {
        const z = x.map((v, i) => v - xs[i]!);
        let za = 0;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) za += z[i]! * A[i * n + j]! * z[j]!;
        let lin = 0;
        active.forEach((d, k) => (lin += b[k]! * z[d]!));
        let quart = 0;
        for (const v of z) quart += v ** 4;
        return fStar + 20 * Math.log1p(za) + za + lin + 0.5 * quart;
      };
      const x0 = new Array<number>(n).fill(0);
      for (const d of diag) x0[d] = 1;
      const r = minimizeBounded(f, x0, { lower });
      expect(r.converged).toBe(true);
      expect(r.fval - fStar).toBeLessThanOrEqual(1e-6);
      for (const d of active) expect(r.x[d]).toBe(0);
      expect(r.evaluations).toBeLessThanOrEqual(maxEvals[n]!);
    }
  });
});
