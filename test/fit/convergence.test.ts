/**
 * The convergence check and restarts of the exact fitter (src/fit/optimize.ts, convergence.ts).
 *
 * References: fixtures/lme4_conv, made by fixtures/scripts/lme4_conv.R with lme4 1.1-31 (R 4.2.2)
 * at BOBYQA rhoend 1e-12. Criterion: no worse than the tight reference + 1e-6 relative (the
 * issue's rule). Units: scaling a covariate by 10^±3 or the response by 10^6 changes the ML
 * deviance by exactly 2n·log(s_y) and the REML criterion by 2(n−p)·log(s_y) + 2·log|det of the
 * X scaling|, and the estimates scale accordingly, to 1e-6 relative.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { fitLmm } from '../../src/fit/lmm.js';
import { reflect } from '../../src/fit/optimize.js';
import { thetaLayout } from '../../src/fit/theta.js';
import { symmetricEigen } from '../../src/optim/eigen.js';
import { finiteDifferences } from '../../src/optim/derivatives.js';
import { dataset, jsonFixtures } from '../helpers.js';

interface Reference {
  id: string;
  dataset: string;
  formula: string;
  REML: boolean;
  transform: string | null;
  criterion: number;
  singular: boolean;
  theta: number[];
}

function scaled(table: aq.ColumnTable, columns: Record<string, number>): aq.ColumnTable {
  const t = table as unknown as aq.ColumnTable & { columnNames(): string[]; array(name: string): ArrayLike<number | string> };
  const out: Record<string, unknown[]> = {};
  for (const name of t.columnNames()) {
    const values = Array.from(t.array(name));
    out[name] = name in columns ? values.map((v) => (v as number) * columns[name]) : values;
  }
  return aq.table(out) as unknown as aq.ColumnTable;
}

const references = jsonFixtures<Reference>('lme4_conv').filter((r) => r.dataset !== 'insteval' && !r.id.startsWith('kb07_slopes'));

describe('reaches lme4 tight references and passes its own check', () => {
  for (const ref of references) {
    it(`${ref.id}: ${ref.formula}${ref.transform ? ` with ${ref.transform}` : ''} (${ref.REML ? 'REML' : 'ML'})`, () => {
      const table = ref.transform ? scaled(dataset(ref.dataset), { Days: 1000 }) : dataset(ref.dataset);
      const fit = fitLmm(table, ref.formula, { reml: ref.REML });
      expect(fit.objective).toBeLessThanOrEqual(ref.criterion + 1e-6 * Math.abs(ref.criterion));
      // Singular fits (dyestuff2, the kb07 slopes) must not report a false failure.
      expect(fit.converged, fit.optimization.message).toBe(true);
      expect(fit.optimization.check.passed).toBe(true);
      expect(fit.singular).toBe(ref.singular);
    });
  }
});

describe('units invariance (sleepstudy, random slopes)', () => {
  const formula = 'Reaction ~ Days + (Days | Subject)';
  const base = dataset('sleepstudy');
  const n = 180;
  for (const reml of [false, true]) {
    const ref = fitLmm(base, formula, { reml });
    for (const [sx, sy] of [[1000, 1], [1e-3, 1], [1, 1e6], [1000, 1e6], [1e-3, 1e-6]]) {
      it(`Days × ${sx}, Reaction × ${sy} (${reml ? 'REML' : 'ML'})`, () => {
        const fit = fitLmm(scaled(base, { Days: sx, Reaction: sy }), formula, { reml });
        const shift = reml ? 2 * (n - 2) * Math.log(sy) + 2 * Math.log(sx) : 2 * n * Math.log(sy);
        expect(Math.abs(fit.objective - shift - ref.objective)).toBeLessThanOrEqual(1e-6 * Math.abs(ref.objective));
        expect(fit.converged).toBe(true);
        const rel = (a: number, b: number, s = Math.abs(b)) => Math.abs(a - b) / s;
        expect(rel(fit.fixef['(Intercept)'] / sy, ref.fixef['(Intercept)'])).toBeLessThan(1e-6);
        expect(rel((fit.fixef.Days * sx) / sy, ref.fixef.Days)).toBeLessThan(1e-6);
        expect(rel(fit.sigma / sy, ref.sigma)).toBeLessThan(1e-6);
        // Ψ in the original units: Ψ_00 ~ sy², Ψ_10 ~ sy²/sx, Ψ_11 ~ sy²/sx².
        const [P, Q] = [fit.Psi[0], ref.Psi[0]];
        expect(rel(P[0] / sy ** 2, Q[0])).toBeLessThan(1e-6);
        expect(rel((P[2] * sx) / sy ** 2, Q[2], Math.sqrt(Q[0] * Q[3]))).toBeLessThan(1e-6);
        expect(rel((P[3] * sx * sx) / sy ** 2, Q[3])).toBeLessThan(1e-6);
      });
    }
  }
});

describe('the check itself', () => {
  it('records its verdict in the JSON optimisation summary', () => {
    const fit = fitLmm(dataset('dyestuff2'), 'Yield ~ 1 + (1 | Batch)', { reml: true });
    const opt = fit.toJSON().optimization as { check: { passed: boolean; boundary: number[]; messages: string[] }; restarts: number; thetaScale: number[] };
    expect(fit.singular).toBe(true);
    expect(opt.check.passed).toBe(true);
    expect(opt.check.boundary).toEqual([0]);
    expect(opt.check.messages).toEqual([]);
    expect(opt.thetaScale).toEqual([1]);
  });

  it('reflect negates the columns of Λ with negative diagonals', () => {
    const layout = thetaLayout([3]);
    // θ column-major lower triangle: (0,0) (1,0) (2,0) (1,1) (2,1) (2,2).
    expect(Array.from(reflect(Float64Array.from([-1, 2, 3, 4, -5, -6]), layout))).toEqual([1, -2, -3, 4, -5, 6]);
  });

  it('symmetricEigen decomposes a symmetric matrix (values ascending, A v = λ v to 1e-12)', () => {
    const A = Float64Array.from([4, 1, -2, 1, 3, 0.5, -2, 0.5, -1]);
    const { values, vectors } = symmetricEigen(A, 3);
    for (let d = 0; d < 3; d++) {
      for (let i = 0; i < 3; i++) {
        let s = 0;
        for (let j = 0; j < 3; j++) s += A[i * 3 + j] * vectors[j * 3 + d];
        expect(Math.abs(s - values[d] * vectors[i * 3 + d])).toBeLessThan(1e-12);
      }
    }
    expect(values[0]).toBeLessThan(values[1]);
    expect(values[0] + values[1] + values[2]).toBeCloseTo(6, 12);
  });

  it('finiteDifferences: gradient and Hessian of a cubic to O(h²), forward at a bound', () => {
    const f = (x: Float64Array) => x[0] ** 3 + 2 * x[0] * x[1] + 3 * x[1] ** 2;
    const x = Float64Array.from([0.5, 1e-5]);
    const d = finiteDifferences(f, x, f(x), [0, 1], [-Infinity, 0], 1e-4);
    expect(d.forward[1]).toBe(1);
    expect(Math.abs(d.gradient[0] - (3 * 0.25 + 2e-5))).toBeLessThan(1e-6);
    expect(Math.abs(d.gradient[1] - (1 + 6e-5))).toBeLessThan(1e-6);
    expect(Math.abs(d.hessian[0] - 3)).toBeLessThan(1e-3);
    expect(Math.abs(d.hessian[1] - 2)).toBeLessThan(1e-3);
    expect(Math.abs(d.hessian[3] - 6)).toBeLessThan(1e-3);
  });
});
