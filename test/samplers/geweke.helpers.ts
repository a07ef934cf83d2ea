/**
 * A small simulated design, its priors, and the two simulators of Geweke's (2004) "getting it
 * right" test, shared by the fast test, the SBC helpers and the slow (longer) checks.
 */
import * as aq from 'arquero';
import { crossProducts } from '../../src/model/crossprod.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { drawInverseGamma, drawInverseWishart, cholesky } from '../../samplers/distributions.js';
import { GibbsKernel, type GibbsState, type SamplerModel } from '../../samplers/gibbs.js';
import { termPriors, type PriorsSpec, type TermPriors } from '../../samplers/priors.js';
import { createRng, type Rng } from '../../samplers/rng.js';
import { essMean } from '../../src/diagnostics/ess.js';

/** Which prior form the design uses: the default half-t (Huang & Wand, ν = 2), or inverse-Wishart / inverse-gamma. */
export type PriorForm = 'halfT' | 'invWishart';

/**
 * y ~ x + (x | g) (one term: the collapsed Ψ step) or y ~ x + (x || g) (two terms: the
 * interweaving step): 6 groups of 4 rows; proper priors so that the joint distribution exists.
 */
export function gewekeSetup(prior: PriorForm = 'halfT', formula = 'y ~ x + (x | g)') {
  const n = 24;
  const g = Array.from({ length: n }, (_, i) => `g${Math.floor(i / 4)}`);
  const x = Array.from({ length: n }, (_, i) => ((i % 4) - 1.5) / 1.5 + 0.1 * Math.floor(i / 4));
  const model = buildModel(aq.table({ y: Array.from({ length: n }, (_, i) => Math.sin(i)), x, g }), formula);
  const spec: PriorsSpec =
    prior === 'halfT'
      ? { beta: { mean: [1, 0.5], var: [[4, 0], [0, 4]] }, Psi: { g: { halfT: { df: 2, scale: [1.2, 0.8] } } }, sigma2: { halfT: { df: 2, scale: 0.9 } } }
      : { beta: { mean: [1, 0.5], var: [[4, 0], [0, 4]] }, Psi: { g: { df: 7, scale: [[2, 0], [0, 1]] } }, sigma2: { shape: 3, rate: 2 } };
  // No response shift: y is redrawn at every step, the blocks are rebuilt from it.
  // Nor are the columns centred: the blocks are rebuilt from the plain X.
  const plain = { ...model, yShift: 0, xCenter: new Float64Array(2) };
  const crossprod = crossProducts({ n, y: model.y, yShift: 0, X: model.X, p: 2, terms: model.terms });
  const sm: SamplerModel = { n, p: 2, crossprod, shapes: model.terms.map((t) => ({ q: t.q, nlevels: t.nlevels })), yShift: 0, yShiftDirection: new Float64Array(2), xCenter: new Float64Array(2) };
  const priors = termPriors(plain, spec);
  return { model, spec, sm, priors };
}
export type Setup = ReturnType<typeof gewekeSetup>;

/** (β, b, Ψ, λ, σ², λ_σ) from the prior (β's prior is diagonal here). */
export function drawPrior(rng: Rng, setup: Setup): GibbsState {
  const { model, spec, priors } = setup;
  const beta = new Float64Array(2);
  const beta0 = spec.beta as { mean: number[]; var: number[][] };
  for (let a = 0; a < 2; a++) beta[a] = beta0.mean[a] + Math.sqrt(beta0.var[a][a]) * rng.normal();
  const lambda: Float64Array[] = [];
  const Psi = model.terms.map((t, k) => {
    const prior = priors.Psi[k];
    if (prior.kind === 'invWishart') {
      lambda.push(new Float64Array(0));
      return drawInverseWishart(rng, prior.df, prior.scale, t.q);
    }
    // λ_r ~ IG(1/2, 1/A_r²), Ψ | λ ~ IW(ν + q − 1, 2ν·diag(1/λ)).
    const l = Float64Array.from(prior.scale, (A) => drawInverseGamma(rng, 0.5, 1 / (A * A)));
    lambda.push(l);
    const S = new Float64Array(t.q * t.q);
    for (let r = 0; r < t.q; r++) S[r * t.q + r] = (2 * prior.nu) / l[r];
    return drawInverseWishart(rng, prior.nu + t.q - 1, S, t.q);
  });
  const b = model.terms.map((t, k) => {
    const L = cholesky(Psi[k], t.q);
    const out = new Float64Array(t.q * t.nlevels);
    const z = new Float64Array(t.q);
    for (let j = 0; j < t.nlevels; j++) {
      for (let r = 0; r < t.q; r++) z[r] = rng.normal();
      for (let r = 0; r < t.q; r++) for (let c = 0; c <= r; c++) out[j * t.q + r] += L[r * t.q + c] * z[c];
    }
    return out;
  });
  let sigma2: number;
  let lambdaSigma2 = 0;
  const s2 = priors.sigma2;
  if (s2.kind === 'halfT') {
    lambdaSigma2 = drawInverseGamma(rng, 0.5, 1 / s2.scale ** 2);
    sigma2 = drawInverseGamma(rng, s2.nu / 2, s2.nu / lambdaSigma2);
  } else sigma2 = drawInverseGamma(rng, s2.shape, s2.rate);
  return { beta, b, Psi, sigma2, lambda, lambdaSigma2 };
}

/** y given (β, b, σ²). */
export function drawY(rng: Rng, model: MixedModel, state: GibbsState): Float64Array {
  const y = new Float64Array(model.n);
  const sigma = Math.sqrt(state.sigma2);
  for (let i = 0; i < model.n; i++) {
    let v = model.X[i * 2] * state.beta[0] + model.X[i * 2 + 1] * state.beta[1];
    model.terms.forEach((t, k) => {
      const j = t.refs[i];
      for (let r = 0; r < t.q; r++) v += t.Z[i * t.q + r] * state.b[k][j * t.q + r];
    });
    y[i] = v + sigma * rng.normal();
  }
  return y;
}

/** Replace the response in the sampler's cross-products (in place). */
export function setResponse(setup: Setup, y: Float64Array): void {
  const { model, sm } = setup;
  const fresh = crossProducts({ n: model.n, y, yShift: 0, X: model.X, p: 2, terms: model.terms });
  sm.crossprod.XytXy.set(fresh.XytXy);
  fresh.terms.forEach((t, k) => sm.crossprod.terms[k].ZtXy.set(t.ZtXy));
}

/**
 * Test functions g(θ) with finite variance under either prior (under the half-t prior with ν = 2
 * the variances and the random effects have no finite variance, their logarithms and arctangents
 * do): β0, β1, β0², log σ², per term log Ψ_rr and the correlation, log λ_r, atan of the first
 * level's first effect; log λ_σ.
 */
export function gewekeNames(setup: Setup): string[] {
  const names = ['beta0', 'beta1', 'beta0^2', 'log sigma2'];
  setup.model.terms.forEach((t, k) => {
    for (let r = 0; r < t.q; r++) names.push(`log Psi${k}[${r},${r}]`);
    if (t.q === 2) names.push(`corr${k}`);
    if (setup.priors.Psi[k].kind === 'halfT') for (let r = 0; r < t.q; r++) names.push(`log lambda${k}[${r}]`);
    names.push(`atan a${k}[0,0]`);
  });
  if (setup.priors.sigma2.kind === 'halfT') names.push('log lambda_sigma');
  return names;
}

function record(setup: Setup, state: GibbsState): number[] {
  const out = [state.beta[0], state.beta[1], state.beta[0] ** 2, Math.log(state.sigma2)];
  setup.model.terms.forEach((t, k) => {
    const P = state.Psi[k];
    for (let r = 0; r < t.q; r++) out.push(Math.log(P[r * t.q + r]));
    if (t.q === 2) out.push(P[2] / Math.sqrt(P[0] * P[3]));
    if (setup.priors.Psi[k].kind === 'halfT') for (let r = 0; r < t.q; r++) out.push(Math.log(state.lambda[k][r]));
    out.push(Math.atan(state.b[k][0]));
  });
  if (setup.priors.sigma2.kind === 'halfT') out.push(Math.log(state.lambdaSigma2));
  return out;
}

/** Marginal-conditional simulator: θ from the prior, M independent draws of g(θ). */
export function marginalConditional(setup: Setup, M: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: M }, () => record(setup, drawPrior(rng, setup)));
}

/**
 * Successive-conditional simulator: alternate a Gibbs sweep given y and a new y given θ. With
 * `tuned`, the kernel's warmup tuning is first fed 1000 draws (the second half of 2000) from the prior, so that the
 * collapsed Ψ step runs with its tuned independence proposal (any fixed proposal must leave the
 * joint distribution invariant).
 */
export function successiveConditional(setup: Setup, M: number, seed: number, tuned = false): number[][] {
  const rng = createRng(seed);
  const kernel = new GibbsKernel(setup.sm, setup.priors);
  if (tuned) {
    const warmup = 2000;
    for (let i = 1; i <= warmup; i++) kernel.tune(drawPrior(rng, setup), i, warmup);
  }
  let state = drawPrior(rng, setup);
  const out: number[][] = [];
  for (let m = 0; m < M; m++) {
    setResponse(setup, drawY(rng, setup.model, state));
    [state] = kernel.step(rng, state);
    out.push(record(setup, state));
  }
  return out;
}

/** Per test function, z = (difference of the simulators' means)/(its standard error). */
export function gewekeZ(setup: Setup, M: number, seed: number, tuned = false): number[] {
  const mc = marginalConditional(setup, M, seed);
  const sc = successiveConditional(setup, M, seed + 1, tuned);
  return simulatorZ(mc, sc);
}

/**
 * Per test function (column), z = (difference of the two simulators' means)/(its standard error):
 * the marginal-conditional draws `mc` are independent, the successive-conditional ones `sc` are a
 * chain, whose MCSE comes from its ESS (Geweke 2004).
 */
export function simulatorZ(mc: readonly number[][], sc: readonly number[][]): number[] {
  return mc[0].map((_, j) => {
    const a = Float64Array.from(mc, (row) => row[j]);
    const b = Float64Array.from(sc, (row) => row[j]);
    const stats = (x: Float64Array) => {
      let m = 0;
      for (const v of x) m += v;
      m /= x.length;
      let v2 = 0;
      for (const v of x) v2 += (v - m) ** 2;
      return { m, v: v2 / (x.length - 1) };
    };
    const sa = stats(a);
    const sb = stats(b);
    const essB = essMean([b]) ?? b.length;
    return (sa.m - sb.m) / Math.sqrt(sa.v / a.length + sb.v / essB);
  });
}

export type { TermPriors };
