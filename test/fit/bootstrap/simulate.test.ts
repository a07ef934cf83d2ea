/**
 * The cross-product simulator (src/fit/bootstrap/simulate.ts): exact identities, to 1e-9
 * relative, and its first two moments against the definition by Monte Carlo (fixed seed,
 * tolerances of 4 Monte Carlo standard errors).
 */
import { describe, expect, it } from 'vitest';
import { CrossProductSimulator, pivotedCholesky } from '../../../src/fit/bootstrap/simulate.js';
import { copyCrossProducts, simulationSource } from '../../../src/fit/bootstrap/bootstrap.js';
import { fitLmm } from '../../../src/fit/lmm.js';
import { crossProducts } from '../../../src/model/crossprod.js';
import { createRng } from '../../../samplers/rng.js';
import { dataset } from '../../helpers.js';

const cases = [
  ['sleepstudy', 'Reaction ~ Days + (Days | Subject)'],
  ['penicillin', 'diameter ~ 1 + (1 | plate) + (1 | sample)'],
  ['pastes', 'strength ~ 1 + (1 | batch/cask)'],
  ['hsb', 'mathach ~ meanses + cses + (cses | school)'],
] as const;

describe.each(cases)('%s %s', (name, formula) => {
  const fit = fitLmm(dataset(name), formula);
  const { model } = fit;
  const sim = new CrossProductSimulator(model.crossprod, model.terms);
  const source = simulationSource(fit);

  it('with σ = 0 the y-parts are those of the rows y = Xβ\' + Zb (centred X, as the model\'s blocks)', () => {
    const out = copyCrossProducts(model.crossprod);
    // σ = 0 makes u*, ξ and the χ² part vanish, so y* = Xβ' exactly.
    sim.simulate(createRng(1), source.betaPrime, source.lambdas, 0, out);
    // The same by rows: centred X (the blocks' parametrisation) times β'.
    const { n, p } = model;
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += (model.X[i * p + a] - model.xCenter[a]) * source.betaPrime[a];
      y[i] = s;
    }
    const rows = crossProducts({ n, y, yShift: 0, X: centred(model.X, model.xCenter, n, p), p, terms: model.terms, weights: model.weights });
    const P = p + 1;
    for (let a = 0; a < P; a++) expect(close(out.XytXy[a * P + p], rows.XytXy[a * P + p])).toBe(true);
    model.terms.forEach((t, k) => {
      for (let i = 0; i < t.nlevels * t.q; i++) expect(close(out.terms[k].ZtXy[i * P + p], rows.terms[k].ZtXy[i * P + p])).toBe(true);
    });
  });

  it('the root has the rank of [Z X] and n − rank residual degrees of freedom', () => {
    expect(sim.rank).toBeGreaterThan(0);
    expect(sim.rank).toBeLessThanOrEqual(sim.Q + model.p);
    expect(sim.rank).toBeLessThan(model.n);
  });

  it('E[x_1\'y*] = (C\'Cγ)_1 and E[y*\'y*] = ‖Xβ\'‖² + σ²(tr(Λ\'Z\'ZΛ) + n) over 4,000 draws (4 MC SE)', () => {
    const out = copyCrossProducts(model.crossprod);
    const P = model.p + 1;
    const draws = 4000;
    const xy = new Float64Array(draws);
    const yy = new Float64Array(draws);
    for (let i = 0; i < draws; i++) {
      sim.simulate(createRng(1000 + i), source.betaPrime, source.lambdas, fit.sigma, out);
      xy[i] = out.XytXy[0 * P + model.p];
      yy[i] = out.XytXy[model.p * P + model.p];
    }
    // Var of 1'y* = σ²(1'Z Λ Λ'Z'1 + n) and E[y*'y*] = ‖Xβ'‖² + σ²(tr(Λ'Z'ZΛ) + n).
    const g = new Float64Array(sim.Q + model.p);
    const gamma = new Float64Array(sim.Q + model.p);
    for (let a = 0; a < model.p; a++) gamma[sim.Q + a] = source.betaPrime[a];
    sim.multiply(gamma, g);
    let fixedSS = 0;
    for (let i = 0; i < gamma.length; i++) fixedSS += gamma[i] * g[i];
    let trace = 0;
    model.terms.forEach((t, k) => {
      const L = source.lambdas[k];
      const { q } = t;
      for (let j = 0; j < t.nlevels; j++) {
        for (let c = 0; c < q; c++) for (let r = 0; r < q; r++) for (let s = 0; s < q; s++) trace += L[r * q + c] * model.crossprod.terms[k].ZtZ[j * q * q + r * q + s] * L[s * q + c];
      }
    });
    const mean = (v: Float64Array) => v.reduce((s, x) => s + x, 0) / v.length;
    const sdv = (v: Float64Array) => Math.sqrt(v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1));
    expect(Math.abs(mean(xy) - g[sim.Q])).toBeLessThan((4 * sdv(xy)) / Math.sqrt(draws));
    const expectedYY = fixedSS + fit.sigma ** 2 * (trace + model.n);
    expect(Math.abs(mean(yy) - expectedYY)).toBeLessThan((4 * sdv(yy)) / Math.sqrt(draws));
  });
});

it('pivoted Cholesky: R R\' = A and the rank of a singular matrix', () => {
  // A = B B' with B 4×2: rank 2.
  const B = [1, 2, 0, 1, 3, 1, 2, 2];
  const A = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) A[i * 4 + j] = B[i * 2] * B[j * 2] + B[i * 2 + 1] * B[j * 2 + 1];
  const { R, rank } = pivotedCholesky(A, 4, 1e-10);
  expect(rank).toBe(2);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(Math.abs(R[i * 2] * R[j * 2] + R[i * 2 + 1] * R[j * 2 + 1] - A[i * 4 + j])).toBeLessThan(1e-12);
});

function centred(X: Float64Array, m: Float64Array, n: number, p: number): Float64Array {
  return Float64Array.from(X, (v, i) => v - m[i % p]);
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}
