/**
 * With Ψ and σ² held fixed, the block update of (β, a) must reproduce the exact Gaussian
 * conditional: mean = the GLS estimate and eBLUPs at those values, covariance = σ²C^{-1} with C
 * the precision of (u, β) built densely here from Z, X and Λ (an independent computation with
 * ml-matrix). Draws are independent, so Monte Carlo standard errors are exact: means within
 * 4.5 MCSE (sd/√N), variances within 4.5 sd of the sample variance (var·√(2/(N−1))).
 */
import { describe, expect, it } from 'vitest';
import { Matrix, inverse } from 'ml-matrix';
import { fitLmm } from '../../src/fit/lmm.js';
import { toOriginalBeta } from '../../src/model/reparam.js';
import { GibbsKernel, samplerModel, type GibbsState } from '../../samplers/gibbs.js';
import { defaultPriors, termPriors } from '../../samplers/priors.js';
import { createRng } from '../../samplers/rng.js';
import { dataset } from '../helpers.js';

describe('conditional of (β, a) given Ψ, σ²', () => {
  const fit = fitLmm(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)');
  const model = fit.model;
  const priors = termPriors(model, { ...defaultPriors(model), beta: 'flat' });
  const kernel = new GibbsKernel(samplerModel(model), priors);
  const sigma2 = fit.sigma ** 2;
  const state: GibbsState = { beta: new Float64Array(2), b: [new Float64Array(36)], Psi: [fit.Psi[0].slice()], sigma2, lambda: [new Float64Array(2).fill(1)], lambdaSigma2: 1 };
  const rng = createRng(20261123);
  const N = 4000;
  const dim = 38; // 36 random effects + 2 fixed effects
  const draws = new Float64Array(N * dim);
  for (let t = 0; t < N; t++) {
    kernel.drawEffects(rng, state);
    draws.set(state.b[0], t * dim);
    draws.set(toOriginalBeta(model, state.beta), t * dim + 36);
  }
  const mean = (j: number) => {
    let s = 0;
    for (let t = 0; t < N; t++) s += draws[t * dim + j];
    return s / N;
  };
  const variance = (j: number) => {
    const m = mean(j);
    let s = 0;
    for (let t = 0; t < N; t++) s += (draws[t * dim + j] - m) ** 2;
    return s / (N - 1);
  };

  // Dense reference: C = [Λ'Z'ZΛ + I, Λ'Z'X; X'ZΛ, X'X], Var(u, β) = σ²C^{-1}, b = Λu.
  const term = model.terms[0];
  const Lam = new Matrix([[fit.theta[0], 0], [fit.theta[1], fit.theta[2]]]);
  const Zfull = Matrix.zeros(model.n, 36);
  for (let i = 0; i < model.n; i++) for (let r = 0; r < 2; r++) Zfull.set(i, term.refs[i] * 2 + r, term.Z[i * 2 + r]);
  const LamFull = Matrix.zeros(36, 36);
  for (let j = 0; j < 18; j++) for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) LamFull.set(j * 2 + r, j * 2 + c, Lam.get(r, c));
  const X = new Matrix(model.n, 2);
  for (let i = 0; i < model.n; i++) for (let a = 0; a < 2; a++) X.set(i, a, model.X[i * 2 + a]);
  const ZL = Zfull.mmul(LamFull);
  const C = Matrix.zeros(dim, dim);
  C.setSubMatrix(ZL.transpose().mmul(ZL).add(Matrix.eye(36)), 0, 0);
  C.setSubMatrix(ZL.transpose().mmul(X), 0, 36);
  C.setSubMatrix(X.transpose().mmul(ZL), 36, 0);
  C.setSubMatrix(X.transpose().mmul(X), 36, 36);
  const Cinv = inverse(C).mul(sigma2);
  // Var(b) = Λ Var(u) Λ'.
  const T = Matrix.zeros(dim, dim);
  T.setSubMatrix(LamFull, 0, 0);
  T.set(36, 36, 1);
  T.set(37, 37, 1);
  const exactCov = T.mmul(Cinv).mmul(T.transpose());

  it('means are the GLS estimate and the eBLUPs at those Ψ, σ²', () => {
    const ranef = fit.ranef;
    for (let j = 0; j < dim; j++) {
      const exact = j < 36 ? ranef[j % 2].condval[Math.floor(j / 2)] : fit.beta[j - 36];
      const mcse = Math.sqrt(exactCov.get(j, j) / N);
      expect(Math.abs(mean(j) - exact), `parameter ${j}`).toBeLessThan(4.5 * mcse);
    }
  });

  it('variances and a covariance match σ²C^{-1}', () => {
    for (let j = 0; j < dim; j++) {
      const v = exactCov.get(j, j);
      expect(Math.abs(variance(j) - v), `variance ${j}`).toBeLessThan(4.5 * v * Math.sqrt(2 / (N - 1)));
    }
    // Fixed effects: the exact fit's vcov is the same conditional covariance at the REML values.
    expect(exactCov.get(37, 37)).toBeCloseTo(fit.vcov[3], 8);
    // Intercept–slope covariance of subject 1's effects: sd of a sample covariance ≤ √((v1 v2 + c²)/N).
    const m0 = mean(0);
    const m1 = mean(1);
    let c = 0;
    for (let t = 0; t < N; t++) c += (draws[t * dim] - m0) * (draws[t * dim + 1] - m1);
    c /= N - 1;
    const exact = exactCov.get(0, 1);
    const sd = Math.sqrt((exactCov.get(0, 0) * exactCov.get(1, 1) + exact * exact) / N);
    expect(Math.abs(c - exact)).toBeLessThan(4.5 * sd);
  });
});
