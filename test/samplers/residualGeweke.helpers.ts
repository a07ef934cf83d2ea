/**
 * Geweke (2004) and SBC designs for the residual-structure steps (samplers/residualSteps.ts):
 * y ~ x + (1 | g), 6 groups of 5 rows at times 0, 1, 2, 4, 5 (a gap of 2), with
 *   - 'ar1':        ar1(t | g);
 *   - 'ar1+var':    ar1(t | g) + var(s), s constant within a group (the conjugate σ²_s step);
 *   - 'ar1+varMix': ar1(t | g) + var(s), s alternating within a group (pairs across strata: the
 *                   slice step of log σ²_s);
 *   - 'var':        var(s) alone (conjugate, no ρ).
 * Proper priors (β normal, half-t SDs, ρ uniform or a scaled beta) so that the joint exists.
 */
import * as aq from 'arquero';
import { crossProducts } from '../../src/model/crossprod.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { parseResidualSpec, residualStructure } from '../../src/model/residuals.js';
import { cholesky, drawInverseGamma } from '../../samplers/distributions.js';
import { GibbsKernel, type GibbsState, type SamplerModel } from '../../samplers/gibbs.js';
import { termPriors, type PriorsSpec } from '../../samplers/priors.js';
import { samplerResiduals, type SamplerResiduals } from '../../samplers/residualSteps.js';
import { createRng, type Rng } from '../../samplers/rng.js';
import { simulatorZ } from './geweke.helpers.js';

export type ResidualCase = 'ar1' | 'ar1+var' | 'ar1+varMix' | 'var';

const times = [0, 1, 2, 4, 5];

export function residualSetup(which: ResidualCase, rhoPrior: PriorsSpec['rho'] = { uniform: [-1, 1] }) {
  const G = 6;
  const n = G * times.length;
  const g = Array.from({ length: n }, (_, i) => `g${Math.floor(i / times.length)}`);
  const t = Array.from({ length: n }, (_, i) => times[i % times.length]);
  const x = Array.from({ length: n }, (_, i) => (t[i] - 2.4) / 2 + 0.1 * Math.floor(i / times.length));
  const s = Array.from({ length: n }, (_, i) => (which === 'ar1+varMix' ? (i % 2 === 0 ? 'a' : 'b') : Math.floor(i / times.length) % 2 === 0 ? 'a' : 'b'));
  const table = aq.table({ y: Array.from({ length: n }, (_, i) => Math.sin(i)), x, g, t, s });
  const model = buildModel(table, 'y ~ x + (1 | g)');
  const specText = which === 'ar1' ? 'ar1(t | g)' : which === 'var' ? 'var(s)' : 'ar1(t | g) + var(s)';
  const spec = parseResidualSpec(specText);
  const hasRho = which !== 'var';
  const priorsSpec: PriorsSpec = { beta: { mean: [1, 0.5], var: [[4, 0], [0, 4]] }, Psi: { g: { halfT: { df: 2, scale: [1.2] } } }, sigma2: { halfT: { df: 2, scale: 0.9 } } };
  if (hasRho) priorsSpec.rho = rhoPrior;
  // No response shift or centring: the blocks are rebuilt from each new y.
  const plain: MixedModel = { ...model, yShift: 0, xCenter: new Float64Array(2) };
  const residuals: SamplerResiduals = samplerResiduals(residualStructure(table, plain, spec));
  const crossprod = crossProducts({ n, y: model.y, yShift: 0, X: model.X, p: 2, terms: model.terms });
  const sm: SamplerModel = { n, p: 2, crossprod, shapes: model.terms.map((tm) => ({ q: tm.q, nlevels: tm.nlevels })), yShift: 0, yShiftDirection: new Float64Array(2), xCenter: new Float64Array(2), residuals };
  const priors = termPriors(plain, priorsSpec);
  // Per row: its stratum, and its predecessor and gap within its group (−1 for a first row).
  const stratumOf = Int32Array.from(s, (v) => (which === 'ar1' ? 0 : v === 'a' ? 0 : 1));
  const previous = Int32Array.from({ length: n }, (_, i) => (hasRho && i % times.length > 0 ? i - 1 : -1));
  const gap = Int32Array.from({ length: n }, (_, i) => (previous[i] >= 0 ? t[i] - t[i - 1] : 0));
  return { which, table, model, plain, spec, priorsSpec, sm, priors, residuals, stratumOf, previous, gap, strata: residuals.stratumRows.length, hasRho };
}
export type ResidualSetupT = ReturnType<typeof residualSetup>;

/** The full state from the prior: β, b, Ψ (half-t via λ), σ²_s (half-t via λ_s), ρ. */
export function drawPriorResidual(rng: Rng, setup: ResidualSetupT): GibbsState {
  const { priors, priorsSpec, strata } = setup;
  const beta0 = priorsSpec.beta as { mean: number[]; var: number[][] };
  const beta = Float64Array.from([0, 1], (a) => beta0.mean[a] + Math.sqrt(beta0.var[a][a]) * rng.normal());
  const psiPrior = priors.Psi[0] as { kind: 'halfT'; nu: number; scale: Float64Array };
  const lambda = Float64Array.from(psiPrior.scale, (A) => drawInverseGamma(rng, 0.5, 1 / (A * A)));
  // q = 1: Ψ | λ ~ IW(ν, 2ν/λ) = IG(ν/2, ν/λ).
  const Psi = Float64Array.of(drawInverseGamma(rng, psiPrior.nu / 2, psiPrior.nu / lambda[0]));
  const L = cholesky(Psi, 1);
  const nlevels = setup.model.terms[0].nlevels;
  const b = Float64Array.from({ length: nlevels }, () => L[0] * rng.normal());
  const s2 = priors.sigma2 as { kind: 'halfT'; nu: number; scale: number };
  const lambdaS = Float64Array.from({ length: strata }, () => drawInverseGamma(rng, 0.5, 1 / (s2.scale * s2.scale)));
  const sigma2S = Float64Array.from(lambdaS, (l) => drawInverseGamma(rng, s2.nu / 2, s2.nu / l));
  let rho = 0;
  if (setup.hasRho) {
    const rp = priors.rho!;
    if (rp.kind === 'uniform') rho = rp.lower + (rp.upper - rp.lower) * rng.uniform();
    else {
      // (ρ + 1)/2 ~ Beta(a, b) from two gammas.
      const ga = gamma(rng, rp.a);
      const gb = gamma(rng, rp.b);
      rho = (2 * ga) / (ga + gb) - 1;
    }
  }
  return { beta, b: [b], Psi: [Psi], sigma2: sigma2S[0], lambda: [lambda], lambdaSigma2: lambdaS[0], residual: { rho, sigma2: sigma2S, lambda: lambdaS } };
}

/** Gamma(shape, 1) as 1/IG(shape, 1). */
function gamma(rng: Rng, shape: number): number {
  return 1 / drawInverseGamma(rng, shape, 1);
}

/** y given (β, b, σ²_s, ρ): AR(1) within groups, e_t = σ_t(ρ^d e_p/σ_p + √(1 − ρ^{2d}) z). */
export function drawYResidual(rng: Rng, setup: ResidualSetupT, state: GibbsState): Float64Array {
  const { model, stratumOf, previous, gap } = setup;
  const r = state.residual!;
  const y = new Float64Array(model.n);
  const white = new Float64Array(model.n);
  for (let i = 0; i < model.n; i++) {
    const z = rng.normal();
    const p = previous[i];
    if (p < 0) white[i] = z;
    else {
      const rd = r.rho ** gap[i];
      white[i] = rd * white[p] + Math.sqrt(1 - rd * rd) * z;
    }
    const t = model.terms[0];
    y[i] = model.X[i * 2] * state.beta[0] + model.X[i * 2 + 1] * state.beta[1] + t.Z[i] * state.b[0][t.refs[i]] + Math.sqrt(r.sigma2[stratumOf[i]]) * white[i];
  }
  return y;
}

/** Replace the response in the plain and residual-set blocks (in place), and tell the kernel. */
export function setResponseResidual(setup: ResidualSetupT, y: Float64Array): void {
  const { model, sm, table, plain, spec } = setup;
  const fresh = crossProducts({ n: model.n, y, yShift: 0, X: model.X, p: 2, terms: model.terms });
  sm.crossprod.XytXy.set(fresh.XytXy);
  fresh.terms.forEach((t, k) => sm.crossprod.terms[k].ZtXy.set(t.ZtXy));
  const sets = residualStructure(table, { ...plain, y }, spec).sets;
  sets.forEach((set, k) => {
    const target = setup.residuals.sets[k].blocks;
    target.XytXy.set(set.blocks.XytXy);
    set.blocks.terms.forEach((t, j) => target.terms[j].ZtXy.set(t.ZtXy));
  });
}

export function residualNames(setup: ResidualSetupT): string[] {
  const names = ['beta0', 'beta1', 'log Psi', 'atan a0'];
  for (let s = 0; s < setup.strata; s++) names.push(`log sigma2[${s}]`, `log lambda[${s}]`);
  if (setup.hasRho) names.push('rho', 'rho^2');
  return names;
}

function record(setup: ResidualSetupT, state: GibbsState): number[] {
  const r = state.residual!;
  const out = [state.beta[0], state.beta[1], Math.log(state.Psi[0][0]), Math.atan(state.b[0][0])];
  for (let s = 0; s < setup.strata; s++) out.push(Math.log(r.sigma2[s]), Math.log(setup.strata > 1 ? r.lambda[s] : state.lambdaSigma2));
  if (setup.hasRho) out.push(r.rho, r.rho * r.rho);
  return out;
}

/** The model's parameters for SBC ranks: β0, β1, Ψ, σ²_s, ρ. */
export function residualParameters(setup: ResidualSetupT, state: GibbsState): number[] {
  const r = state.residual!;
  const out = [state.beta[0], state.beta[1], state.Psi[0][0], ...r.sigma2];
  if (setup.hasRho) out.push(r.rho);
  return out;
}

/** Per test function, z of the difference of the two simulators' means (MCSE of the successive one from its ESS). */
export function residualGewekeZ(setup: ResidualSetupT, M: number, seed: number): number[] {
  const rngA = createRng(seed);
  const mc = Array.from({ length: M }, () => record(setup, drawPriorResidual(rngA, setup)));
  const rng = createRng(seed + 1);
  const kernel = new GibbsKernel(setup.sm, setup.priors);
  let state = drawPriorResidual(rng, setup);
  const sc: number[][] = [];
  for (let m = 0; m < M; m++) {
    setResponseResidual(setup, drawYResidual(rng, setup, state));
    kernel.blocksChanged(state);
    [state] = kernel.step(rng, state);
    sc.push(record(setup, state));
  }
  return simulatorZ(mc, sc);
}

/** SBC ranks of the true parameters among L thinned posterior draws, for `datasets` simulated datasets. */
export function residualSbcRanks(setup: ResidualSetupT, datasets: number, L: number, thin: number, warmup: number, seed: number): number[][] {
  const rng = createRng(seed);
  const names = residualParameters(setup, drawPriorResidual(createRng(1), setup));
  const ranks: number[][] = names.map(() => []);
  for (let d = 0; d < datasets; d++) {
    const truthState = drawPriorResidual(rng, setup);
    setResponseResidual(setup, drawYResidual(rng, setup, truthState));
    const truth = residualParameters(setup, truthState);
    const kernel = new GibbsKernel(setup.sm, setup.priors);
    let state = kernel.init(rng);
    const counts = new Array<number>(truth.length).fill(0);
    for (let it = 1; it <= warmup + L * thin; it++) {
      [state] = kernel.step(rng, state);
      if (it <= warmup) kernel.tune(state, it, warmup);
      if (it > warmup && (it - warmup) % thin === 0) residualParameters(setup, state).forEach((v, k) => (counts[k] += v < truth[k] ? 1 : 0));
    }
    counts.forEach((c, k) => ranks[k].push(c));
  }
  return ranks;
}
