/**
 * The analytic gradient (src/fit/gradient.ts) on InstEval (LMM_SLOW=1): three crossed terms
 * with a large rest (1,145 rows, 2,972 students in term 0), ML and REML, against
 * Richardson-extrapolated central differences of the criterion (steps 1e-3 and 5e-4; error
 * O(h⁴) plus rounding ≈ 1e-16·|d|/h ≈ 3e-8 for |d| ≈ 2.4e5). Tolerance ‖g − g_FD‖∞ ≤
 * 1e-6·max(‖g_FD‖∞, 1), as in test/fit/gradient.test.ts. Data: bench/simulate.ts's `instEval`
 * (the bench's copy of lme4's InstEval).
 */
import { describe, expect, it } from 'vitest';
import { BlockedCholesky } from '../../src/fit/blocked.js';
import { criterionGradient } from '../../src/fit/gradient.js';
import { buildModel } from '../../src/model/model.js';
import { instEval } from '../../bench/simulate.js';

const slow = process.env.LMM_SLOW === '1';

describe.skipIf(!slow)('analytic gradient on InstEval = finite differences (1e-6 relative)', () => {
  const cases: [string, boolean, number[]][] = [
    ['y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)', true, [0.35, 0.45, 0.1]],
    ['y ~ 1 + service + (1 | s) + (1 | d) + (1 | dept)', false, [0.3, 0.5, 0]],
    ['y ~ 1 + service + (1 | s) + (1 | d) + (1 + service | dept)', false, [0.33, 0.42, 0.08, -0.05, 0.12]],
  ];
  for (const [formula, reml, theta0] of cases) {
    it(`${formula} (${reml ? 'REML' : 'ML'}) at θ = ${theta0}`, () => {
      const model = buildModel(instEval(), formula);
      const f = new BlockedCholesky(model.crossprod, model.terms, { sparse: true });
      const theta = Float64Array.from(theta0);
      const value = (t: Float64Array) => {
        f.update(t);
        return f.objective(reml);
      };
      const central = (i: number, h: number) => {
        const a = Float64Array.from(theta);
        const b = Float64Array.from(theta);
        a[i] += h;
        b[i] -= h;
        return (value(a) - value(b)) / (2 * h);
      };
      const fd = Array.from(theta, (_, i) => (4 * central(i, 5e-4) - central(i, 1e-3)) / 3);
      const v = f.evaluateFactored(theta, reml);
      expect(Math.abs(v - value(theta))).toBeLessThanOrEqual(1e-10 * Math.abs(v));
      f.evaluateFactored(theta, reml);
      const g = criterionGradient(f, reml);
      const scale = Math.max(1, ...fd.map(Math.abs));
      const worst = Math.max(...fd.map((d, i) => Math.abs(g[i] - d)));
      expect(worst, `g = ${Array.from(g)}, FD = ${fd}`).toBeLessThanOrEqual(1e-6 * scale);
    }, 600_000);
  }
});
