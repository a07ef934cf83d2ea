/**
 * The partially collapsed Ψ step (samplers/collapsed.ts): its marginal likelihood against a
 * dense computation of log N(r_j; 0, σ²I + Z_jΨZ_j'), and its Metropolis–Hastings chain against
 * the target computed by quadrature (q = 1, fixed β and σ²), untuned (random walk) and tuned
 * (independence proposal). Tolerances: 1e-9 relative for the algebra, 4 Monte Carlo standard
 * errors (from the chain's ESS) for the chains.
 */
import * as aq from 'arquero';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { crossProducts } from '../../src/model/crossprod.js';
import { buildModel } from '../../src/model/model.js';
import { essMean } from '../../src/diagnostics/ess.js';
import { CollapsedPsi } from '../../samplers/collapsed.js';
import { cholesky } from '../../samplers/distributions.js';
import { partialResiduals } from '../../samplers/residuals.js';
import { createRng } from '../../samplers/rng.js';

/** 7 groups of 2–6 rows, one of them with a single row; x and z vary within groups. */
function design(formula: string) {
  const sizes = [2, 6, 1, 4, 5, 3, 6];
  const g: string[] = [];
  sizes.forEach((s, j) => {
    for (let i = 0; i < s; i++) g.push(`g${j}`);
  });
  const n = g.length;
  const x = Array.from({ length: n }, (_, i) => Math.cos(1.3 * i) + 0.2);
  const z = Array.from({ length: n }, (_, i) => Math.sin(0.7 * i * i));
  const y = Array.from({ length: n }, (_, i) => 1 + 0.5 * x[i] + Math.sin(2.1 * i) + 0.3 * Math.floor(i / 5));
  const model = buildModel(aq.table({ y, x, z, g }), formula);
  // Plain (unshifted, uncentred) cross-products, as in the Geweke test.
  const crossprod = crossProducts({ n, y: Float64Array.from(y), yShift: 0, X: model.X, p: model.p, terms: model.terms });
  return { model, crossprod, y: Float64Array.from(y) };
}

describe('collapsed marginal likelihood of Ψ', () => {
  const cases: [string, number[]][] = [
    ['y ~ x + (1 | g)', [0.8]],
    ['y ~ x + (x | g)', [0.9, 0.3, 0.3, 0.5]],
    ['y ~ x + (x + z | g)', [0.9, 0.3, -0.2, 0.3, 0.5, 0.1, -0.2, 0.1, 0.4]],
  ];
  for (const [formula, psi] of cases) {
    it(`equals the dense Gaussian log-density up to Ψ-free terms: ${formula}`, () => {
      const { model, crossprod, y } = design(formula);
      const term = model.terms[0];
      const { q, nlevels } = term;
      const p = model.p;
      const beta = Float64Array.from({ length: p }, (_, a) => 0.7 - 0.4 * a);
      const sigma2 = 0.35;
      const Psi = Float64Array.from(psi);
      const shapes = [{ q, nlevels }];
      const collapsed = new CollapsedPsi(crossprod, shapes, p, [new Float64Array((q * (q + 1)) / 2).fill(0.1)], 1, 0);
      const rk = partialResiduals(crossprod, shapes, p, 0, beta, [new Float64Array(q * nlevels)], new Float64Array(q * nlevels));
      const value = collapsed.logLikelihood(0, cholesky(Psi, q), sigma2, rk);

      // Dense: Σ_j log N(r_j; 0, σ²I + Z_jΨZ_j') + n/2 log(2πσ²) + r'r/(2σ²).
      const PsiM = new Matrix(Array.from({ length: q }, (_, r) => Array.from(psi.slice(r * q, r * q + q))));
      let dense = 0;
      for (let j = 0; j < nlevels; j++) {
        const rows = Array.from({ length: model.n }, (_, i) => i).filter((i) => term.refs[i] === j);
        const Zj = new Matrix(rows.map((i) => Array.from(term.Z.slice(i * q, i * q + q))));
        const rj = Matrix.columnVector(rows.map((i) => y[i] - Array.from({ length: p }, (_, a) => model.X[i * p + a] * beta[a]).reduce((s, v) => s + v, 0)));
        const ZPZ = Zj.mmul(PsiM).mmul(Zj.transpose());
        const V = ZPZ.add(ZPZ.transpose()).mul(0.5).add(Matrix.eye(rows.length).mul(sigma2));
        const chol = new CholeskyDecomposition(V);
        const L = chol.lowerTriangularMatrix;
        let logdet = 0;
        for (let i = 0; i < rows.length; i++) logdet += 2 * Math.log(L.get(i, i));
        const quad = rj.transpose().mmul(chol.solve(rj)).get(0, 0);
        const rr = rj.transpose().mmul(rj).get(0, 0);
        dense += -0.5 * rows.length * Math.log(2 * Math.PI) - 0.5 * logdet - 0.5 * quad + (0.5 * rows.length * Math.log(2 * Math.PI * sigma2) + rr / (2 * sigma2));
      }
      expect(Math.abs(value - dense)).toBeLessThan(1e-9 * Math.max(1, Math.abs(dense)));
    });
  }
});

describe('collapsed Metropolis–Hastings step for q = 1 (fixed β, σ²)', () => {
  const { model, crossprod } = design('y ~ x + (1 | g)');
  const p = model.p;
  const nlevels = model.terms[0].nlevels;
  const shapes = [{ q: 1, nlevels }];
  const beta = Float64Array.from([0.9, 0.4]);
  const sigma2 = 0.3;
  const df = 3;
  const scale = Float64Array.from([0.5]);
  const b = [new Float64Array(nlevels)];
  const rk = partialResiduals(crossprod, shapes, p, 0, beta, b, new Float64Array(nlevels));

  // Target of ψ: IW₁(ψ; df, s) × exp(logLikelihood), by quadrature on a fine grid in log ψ.
  const reference = new CollapsedPsi(crossprod, shapes, p, [[0.5]], 1, 0);
  const logTarget = (logPsi: number) => {
    const psi = Math.exp(logPsi);
    // log IW₁ density + log ψ (the Jacobian of ψ → log ψ).
    return -(df / 2 + 1) * logPsi - scale[0] / (2 * psi) + logPsi + reference.logLikelihood(0, Float64Array.from([Math.sqrt(psi)]), sigma2, rk);
  };
  const grid = Array.from({ length: 40001 }, (_, i) => -14 + (i * 22) / 40000);
  const logs = grid.map(logTarget);
  const top = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const total = weights.reduce((s, w) => s + w, 0);
  const exactMean = (f: (x: number) => number) => grid.reduce((s, x, i) => s + weights[i] * f(x), 0) / total;
  const checks: [string, (x: number) => number][] = [
    ['log ψ', (x) => x],
    ['ψ', (x) => Math.exp(x)],
  ];

  function chain(tuned: boolean, seed: number): number[] {
    const rng = createRng(seed);
    const collapsed = new CollapsedPsi(crossprod, shapes, p, [[0.8]], tuned ? 0 : 2, tuned ? 2 : 0);
    const Psi = [Float64Array.from([0.4])];
    if (tuned) {
      // Tune on a deliberately imperfect cloud (a walk chain's draws, shifted): any fixed proposal must leave the target invariant.
      const pilot = new CollapsedPsi(crossprod, shapes, p, [[0.8]], 1, 0);
      for (let t = 0; t < 2000; t++) {
        pilot.step(0, rng, beta, b, Psi, sigma2, { kind: 'invWishart', df, scale });
        collapsed.observe(0, Float64Array.from([Psi[0][0] * 1.5]));
      }
      expect(collapsed.proposals[0].tune()).toBe(true);
    }
    const draws: number[] = [];
    for (let t = 0; t < 40_000; t++) {
      collapsed.step(0, rng, beta, b, Psi, sigma2, { kind: 'invWishart', df, scale });
      draws.push(Math.log(Psi[0][0]));
    }
    return draws;
  }

  for (const tuned of [false, true]) {
    it(`leaves p(ψ | β, σ², y) invariant (${tuned ? 'tuned independence' : 'untuned random-walk'} proposals)`, () => {
      const draws = chain(tuned, tuned ? 31 : 17);
      for (const [name, f] of checks) {
        const values = Float64Array.from(draws, f);
        const mean = values.reduce((s, v) => s + v, 0) / values.length;
        const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
        const ess = essMean([values]) ?? values.length;
        const exact = exactMean(f);
        expect(Math.abs(mean - exact), `${name}: mean ${mean} vs ${exact}`).toBeLessThan(4 * Math.sqrt(variance / ess));
      }
    });
  }
});

describe('collapsed step under the half-t prior (q = 1, fixed β, σ²)', () => {
  // The step targets p(ψ | λ, β, σ², y) with the prior IW₁(ν, 2ν/λ) = IG(ν/2, ν/λ); alternated with
  // λ | ψ ~ IG((ν + 1)/2, ν/ψ + 1/A²) the chain's ψ must follow the half-t marginal: with λ
  // integrated out, p(ψ) ∝ ψ^{−1/2} (ν + ψ/A²)^{−(ν+1)/2} (√ψ ~ half-t(ν, A)), times the likelihood.
  const { model, crossprod } = design('y ~ x + (1 | g)');
  const p = model.p;
  const nlevels = model.terms[0].nlevels;
  const shapes = [{ q: 1, nlevels }];
  const beta = Float64Array.from([0.9, 0.4]);
  const sigma2 = 0.3;
  const nu = 2;
  const A = 0.7;
  const b = [new Float64Array(nlevels)];
  const rk = partialResiduals(crossprod, shapes, p, 0, beta, b, new Float64Array(nlevels));
  const reference = new CollapsedPsi(crossprod, shapes, p, [[0.5]], 1, 0);
  const logTarget = (logPsi: number) => {
    const psi = Math.exp(logPsi);
    return -0.5 * logPsi - ((nu + 1) / 2) * Math.log(nu + psi / (A * A)) + logPsi + reference.logLikelihood(0, Float64Array.from([Math.sqrt(psi)]), sigma2, rk);
  };
  const grid = Array.from({ length: 40001 }, (_, i) => -16 + (i * 26) / 40000);
  const logs = grid.map(logTarget);
  const top = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const total = weights.reduce((s, w) => s + w, 0);
  const exactMean = (f: (x: number) => number) => grid.reduce((s, x, i) => s + weights[i] * f(x), 0) / total;

  // λ held fixed in the step (the prior IW₁(ν, 2ν/λ)) and drawn between steps; or λ integrated out
  // in the step's target (what the kernel does), untuned and with the tuned independence proposal.
  for (const mode of ['given λ', 'λ integrated out', 'λ integrated out, tuned'] as const) {
  it(`leaves the half-t marginal of ψ invariant (log ψ and √ψ within 4 MCSE): ${mode}`, () => {
    const rng = createRng(mode === 'given λ' ? 57 : mode === 'λ integrated out' ? 58 : 59);
    const tuned = mode.endsWith('tuned');
    const collapsed = new CollapsedPsi(crossprod, shapes, p, [[0.8]], tuned ? 0 : 2, tuned ? 2 : 0);
    const Psi = [Float64Array.from([0.4])];
    const halfT = { kind: 'halfT' as const, nu, scale: Float64Array.from([A]) };
    if (tuned) {
      const pilot = new CollapsedPsi(crossprod, shapes, p, [[0.8]], 1, 0);
      for (let t = 0; t < 2000; t++) {
        pilot.step(0, rng, beta, b, Psi, sigma2, halfT);
        collapsed.observe(0, Float64Array.from([Psi[0][0] * 1.5]));
      }
      expect(collapsed.proposals[0].tune()).toBe(true);
    }
    let lambda = 1;
    const draws: number[] = [];
    for (let t = 0; t < 40_000; t++) {
      if (mode === 'given λ') {
        collapsed.step(0, rng, beta, b, Psi, sigma2, { kind: 'invWishart', df: nu, scale: Float64Array.from([(2 * nu) / lambda]) });
        lambda = (nu / Psi[0][0] + 1 / (A * A)) / rng.gamma((nu + 1) / 2);
      } else collapsed.step(0, rng, beta, b, Psi, sigma2, halfT);
      draws.push(Math.log(Psi[0][0]));
    }
    for (const [name, f] of [['log ψ', (x: number) => x], ['√ψ', (x: number) => Math.exp(x / 2)]] as const) {
      const values = Float64Array.from(draws, f);
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
      const ess = essMean([values]) ?? values.length;
      const exact = exactMean(f);
      expect(Math.abs(mean - exact), `${name}: mean ${mean} vs ${exact}`).toBeLessThan(4 * Math.sqrt(variance / ess));
    }
  });
  }
});
