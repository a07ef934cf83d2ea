/**
 * A small simulated design and the two simulators of Geweke's (2004) "getting it right" test,
 * shared by the fast test and the slow (longer) one.
 */
import * as aq from 'arquero';
import { crossProducts } from '../../src/model/crossprod.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { drawInverseGamma, drawInverseWishart, cholesky } from '../../samplers/distributions.js';
import { GibbsKernel, type GibbsState, type SamplerModel } from '../../samplers/gibbs.js';
import { termPriors, type PriorsSpec } from '../../samplers/priors.js';
import { createRng, type Rng } from '../../samplers/rng.js';
import { essMean } from '../../src/diagnostics/ess.js';

/** y ~ x + (x | g): 6 groups of 4 rows; proper priors so that the joint distribution exists. */
export function gewekeSetup() {
  const n = 24;
  const g = Array.from({ length: n }, (_, i) => `g${Math.floor(i / 4)}`);
  const x = Array.from({ length: n }, (_, i) => ((i % 4) - 1.5) / 1.5 + 0.1 * Math.floor(i / 4));
  const model = buildModel(aq.table({ y: Array.from({ length: n }, (_, i) => Math.sin(i)), x, g }), 'y ~ x + (x | g)');
  const spec: PriorsSpec = {
    beta: { mean: [1, 0.5], var: [[4, 0], [0, 4]] },
    Psi: { g: { df: 7, scale: [[2, 0], [0, 1]] } },
    sigma2: { shape: 3, rate: 2 },
  };
  // No response shift: y is redrawn at every step, the blocks are rebuilt from it.
  // Nor are the columns centred: the blocks are rebuilt from the plain X.
  const sm: SamplerModel = { n, p: 2, crossprod: model.crossprod, shapes: [{ q: 2, nlevels: 6 }], yShift: 0, yShiftDirection: new Float64Array(2), xCenter: new Float64Array(2) };
  const priors = termPriors({ ...model, yShift: 0, xCenter: new Float64Array(2) }, spec);
  return { model, spec, sm, priors };
}

/** Test functions g(θ): β0, β1, σ², Ψ00, Ψ10, Ψ11, a of the first group (intercept), and β0². */
export const gewekeNames = ['beta0', 'beta1', 'sigma2', 'Psi00', 'Psi10', 'Psi11', 'a00', 'beta0^2'];
function record(state: GibbsState): number[] {
  return [state.beta[0], state.beta[1], state.sigma2, state.Psi[0][0], state.Psi[0][2], state.Psi[0][3], state.b[0][0], state.beta[0] ** 2];
}

function drawPrior(rng: Rng, spec: PriorsSpec): GibbsState {
  const beta = new Float64Array(2);
  const beta0 = spec.beta as { mean: number[]; var: number[][] };
  for (let a = 0; a < 2; a++) beta[a] = beta0.mean[a] + Math.sqrt(beta0.var[a][a]) * rng.normal();
  const Psi = drawInverseWishart(rng, spec.Psi.g.df, Float64Array.from(spec.Psi.g.scale.flat()), 2);
  const L = cholesky(Psi, 2);
  const b = new Float64Array(12);
  for (let j = 0; j < 6; j++) {
    const z0 = rng.normal();
    const z1 = rng.normal();
    b[j * 2] = L[0] * z0;
    b[j * 2 + 1] = L[2] * z0 + L[3] * z1;
  }
  return { beta, b: [b], Psi: [Psi], sigma2: drawInverseGamma(rng, spec.sigma2.shape, spec.sigma2.rate) };
}

function drawY(rng: Rng, model: MixedModel, state: GibbsState): Float64Array {
  const y = new Float64Array(model.n);
  const term = model.terms[0];
  const sigma = Math.sqrt(state.sigma2);
  for (let i = 0; i < model.n; i++) {
    const j = term.refs[i];
    y[i] = model.X[i * 2] * state.beta[0] + model.X[i * 2 + 1] * state.beta[1] + term.Z[i * 2] * state.b[0][j * 2] + term.Z[i * 2 + 1] * state.b[0][j * 2 + 1] + sigma * rng.normal();
  }
  return y;
}

/** Replace the response in the sampler's cross-products (in place). */
function setResponse(setup: ReturnType<typeof gewekeSetup>, y: Float64Array): void {
  const { model, sm } = setup;
  const fresh = crossProducts({ n: model.n, y, yShift: 0, X: model.X, p: 2, terms: model.terms });
  sm.crossprod.XytXy.set(fresh.XytXy);
  sm.crossprod.terms[0].ZtXy.set(fresh.terms[0].ZtXy);
}

/** Marginal-conditional simulator: θ from the prior, M independent draws of g(θ). */
export function marginalConditional(setup: ReturnType<typeof gewekeSetup>, M: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: M }, () => record(drawPrior(rng, setup.spec)));
}

/**
 * Successive-conditional simulator: alternate a Gibbs sweep given y and a new y given θ. With
 * `tuned`, the kernel's warmup tuning is first fed 1000 draws (the second half of 2000) from the prior, so that the
 * collapsed Ψ step runs with its tuned independence proposal (any fixed proposal must leave the
 * joint distribution invariant).
 */
export function successiveConditional(setup: ReturnType<typeof gewekeSetup>, M: number, seed: number, tuned = false): number[][] {
  const rng = createRng(seed);
  const kernel = new GibbsKernel(setup.sm, setup.priors);
  if (tuned) {
    const warmup = 2000;
    for (let i = 1; i <= warmup; i++) kernel.tune(drawPrior(rng, setup.spec), i, warmup);
  }
  let state = drawPrior(rng, setup.spec);
  const out: number[][] = [];
  for (let m = 0; m < M; m++) {
    setResponse(setup, drawY(rng, setup.model, state));
    [state] = kernel.step(rng, state);
    out.push(record(state));
  }
  return out;
}

/** Per test function, z = (difference of the simulators' means)/(its standard error). */
export function gewekeZ(M: number, seed: number, tuned = false): number[] {
  const setup = gewekeSetup();
  const mc = marginalConditional(setup, M, seed);
  const sc = successiveConditional(setup, M, seed + 1, tuned);
  return gewekeNames.map((_, j) => {
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

