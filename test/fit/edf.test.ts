/**
 * Effective degrees of freedom of the random-effects terms (src/fit/edf.ts).
 * References: test/fixtures/pooling/edf.json, made by test/fixtures/scripts/edf.R with lme4 1.1-31
 * (R 4.2.2) by dense linear algebra on lme4's own Lambda, Zt and X (tr(H) − p and the diagonal
 * blocks of M⁻¹; qr() ranks for the no-pooling bound). Evaluated at R's θ so that neither
 * optimiser enters: 1e-8 relative. Closed forms (seed 004) exactly, to 1e-12.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { BlockedCholesky } from '../../src/fit/blocked.js';
import { noPoolingDf, randomEffectsEdf, thetaFromPsi } from '../../src/fit/edf.js';
import { fitLmm } from '../../src/fit/lmm.js';
import { buildModel } from '../../src/model/model.js';
import { dataset } from '../helpers.js';

interface Ref {
  id: string;
  dataset: string;
  formula: string;
  theta: number | number[];
  total: number;
  terms: { group: string; columns: string | string[]; estimate: number; max: number }[];
}
const refs = JSON.parse(readFileSync('test/fixtures/pooling/edf.json', 'utf8')) as Ref[];

function edfAt(model: ReturnType<typeof buildModel>, theta: ArrayLike<number>): Float64Array {
  const f = new BlockedCholesky(model.crossprod, model.terms);
  expect(f.update(theta)).toBe(true);
  return randomEffectsEdf(f);
}

describe.each(refs.map((r) => [r.id, r] as const))('EDF against the dense hat matrix: %s', (_id, ref) => {
  const model = buildModel(dataset(ref.dataset), ref.formula);
  const edf = edfAt(model, [ref.theta].flat());

  it('each term q·J − tr((M⁻¹)_kk) and their sum tr(H) − p (1e-8 relative)', () => {
    expect(model.terms.map((t) => t.group)).toEqual(ref.terms.map((t) => t.group));
    ref.terms.forEach((t, k) => expect(Math.abs(edf[k] - t.estimate)).toBeLessThan(1e-8 * t.estimate));
    const total = edf.reduce((s, e) => s + e, 0);
    expect(Math.abs(total - ref.total)).toBeLessThan(1e-8 * ref.total);
  });

  it('the no-pooling bound rank[X Z_k] − rank X is R\'s qr() rank', () => {
    ref.terms.forEach((t, k) => expect(noPoolingDf(model, k)).toBe(t.max));
  });
});

describe('closed forms and limits', () => {
  const sleep = dataset('sleepstudy');

  it('no fixed effects, balanced: the seed\'s n·r/(r + σ²/τ²); with an intercept (n − 1)·r/(r + σ²/τ²)', () => {
    for (const [formula, lost] of [['Reaction ~ 0 + (1 | Subject)', 0], ['Reaction ~ 1 + (1 | Subject)', 1]] as const) {
      const fit = fitLmm(sleep, formula);
      const ratio = fit.sigma ** 2 / fit.Psi[0][0];
      const [edf] = edfAt(fit.model, fit.theta);
      expect(edf).toBeCloseTo(((18 - lost) * 10) / (10 + ratio), 12);
    }
  });

  it('unbalanced random intercept with an intercept: Σ w_j − Σ w_j(1 − w_j)n_j / Σ n_j(1 − w_j)', () => {
    // Drop rows so the subjects have 2..10 observations each.
    const rows = aq.from(sleep).filter(aq.escape((d: { Days: number; Subject: unknown }) => d.Days < 2 + (Number(String(d.Subject)) % 9)));
    const fit = fitLmm(rows, 'Reaction ~ 1 + (1 | Subject)');
    const ratio = fit.sigma ** 2 / fit.Psi[0][0];
    const n = new Map<string, number>();
    for (const s of rows.array('Subject') as ArrayLike<unknown>) n.set(String(s), (n.get(String(s)) ?? 0) + 1);
    const counts = [...n.values()];
    expect(new Set(counts).size).toBeGreaterThan(4);
    const w = counts.map((nj) => nj / (nj + ratio));
    const expected = w.reduce((s, v) => s + v, 0) - w.reduce((s, v, j) => s + v * (1 - v) * counts[j], 0) / w.reduce((s, v, j) => s + counts[j] * (1 - v), 0);
    const [edf] = edfAt(fit.model, fit.theta);
    expect(edf).toBeCloseTo(expected, 12);
  });

  it('0 at Ψ = 0 and the no-pooling bound as Ψ → ∞, also with a covariate and a group-level predictor', () => {
    const hsb = dataset('hsb');
    for (const [data, formula] of [[sleep, 'Reaction ~ Days + (Days | Subject)'], [hsb, 'mathach ~ meanses + cses + (cses | school)']] as const) {
      const model = buildModel(data, formula);
      expect(edfAt(model, [0, 0, 0])[0]).toBe(0);
      // Λ = 10³ I: the distance to the limit is O(1/λ²) (here ~1e-5); much larger λ loses digits
      // instead, as G = X'X − B'S⁻¹B (the absorbed columns) tends to singular: 1e-4 absolute.
      const bound = noPoolingDf(model, 0);
      expect(bound).toBe(model.terms[0].nlevels * 2 - (formula.includes('meanses') ? 3 : 2));
      expect(Math.abs(edfAt(model, [1e3, 0, 1e3])[0] - bound)).toBeLessThan(1e-4);
    }
  });

  it('does not depend on the units of a covariate (Days in minutes)', () => {
    const fit = fitLmm(sleep, 'Reaction ~ Days + (Days | Subject)');
    const scaled = fitLmm(aq.from(sleep).derive({ Minutes: (d: { Days: number }) => d.Days * 1440 }), 'Reaction ~ Minutes + (Minutes | Subject)');
    const a = edfAt(fit.model, fit.theta)[0];
    const b = edfAt(scaled.model, scaled.theta)[0];
    expect(Math.abs(a - b)).toBeLessThan(1e-6 * a);
  });

  it('θ from (Ψ, σ²) is the Cholesky factor of Ψ/σ², a zero column for a singular Ψ', () => {
    const theta = thetaFromPsi([[4, 2, 2, 5], [0]], [2, 1], 1, new Float64Array(4));
    expect(Array.from(theta)).toEqual([2, 1, 2, 0]);
    const singular = thetaFromPsi([[4, 2, 2, 1]], [2], 4, new Float64Array(3));
    expect(Array.from(singular)).toEqual([1, 0.5, 0]);
  });
});
