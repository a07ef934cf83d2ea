import { BlockedCholesky, type BlockShape } from '../src/fit/blocked.js';
import { solutionBuffers, solve, type Solution } from '../src/fit/solution.js';
import type { CrossProducts } from '../src/model/crossprod.js';
import type { MixedModel } from '../src/model/model.js';
import { choleskyInto, drawInverseGamma, drawInverseWishart, inverseDiagonal } from './distributions.js';
import type { TermPriors } from './priors.js';
import type { Rng } from './rng.js';
import { Interweaving } from './interweave.js';
import { CollapsedPsi } from './collapsed.js';
import { exp } from './elementary.js';
import { defaultRhoPrior, ResidualSteps, type ResidualState, type SamplerResiduals } from './residualSteps.js';
import { LevelKernel, levelKernelFits } from './levelKernel.js';


/**
 * What a chain needs of a model: the cross-product blocks and the term shapes, never the rows
 * (DESIGN.md: after the one pass, an iteration's cost does not depend on n). Plain data, so it
 * can be sent to a worker thread.
 */
export interface SamplerModel {
  n: number;
  p: number;
  crossprod: CrossProducts;
  shapes: BlockShape[];
  yShift: number;
  yShiftDirection: Float64Array;
  xCenter: Float64Array;
  /** A residual structure (AR(1), variance by stratum; residualSteps.ts), or absent for σ²I. */
  residuals?: SamplerResiduals;
}

/** The sampler's view of a built model. */
export function samplerModel(model: MixedModel): SamplerModel {
  return {
    n: model.n,
    p: model.p,
    crossprod: model.crossprod,
    shapes: model.terms.map((t) => ({ q: t.q, nlevels: t.nlevels })),
    yShift: model.yShift,
    yShiftDirection: model.yShiftDirection,
    xCenter: model.xCenter,
  };
}

/**
 * The state of a chain: β' (the cross-products' parametrisation, see reparam.ts), b per term
 * (level-major), Ψ per term, σ², and the auxiliary variables of the half-t priors: λ per term
 * (q entries for a half-t term, none for an inverse-Wishart one) and λ_σ (0 under an
 * inverse-gamma prior). The λ's are not recorded in the draws.
 */
export interface GibbsState {
  beta: Float64Array;
  b: Float64Array[];
  Psi: Float64Array[];
  sigma2: number;
  lambda: Float64Array[];
  lambdaSigma2: number;
  /** ρ and the per-stratum variances of a residual structure (absent without one). */
  residual?: ResidualState;
}

/** Per-step information (for diagnostics and tests). */
export interface StepInfo {
  /** Residual sum of squares ||y − Xβ − Zb||² at the drawn β and b. */
  rss: number;
  /** Per term: whether a Metropolis–Hastings proposal for Ψ_k (collapsed or interweaving step) was accepted. */
  accepted: boolean[];
}

/**
 * The blocked Gibbs kernel (DESIGN.md; Chib & Carlin 1999). One step:
 *   0. for a model with one random-effects term (q ≤ 2), Ψ | β, σ² with a integrated out, by
 *      Metropolis–Hastings (`collapsed.ts`: a partially collapsed Gibbs step, van Dyk & Park
 *      2008, valid because a is drawn afresh in 1 before anything conditions on it);
 *   1. (β, all a) | Ψ, σ² jointly from their Gaussian conditional, through the same blocked
 *      Cholesky and conditional-normal routine (`solve`) that gives the exact fit's eBLUPs, with
 *      Λ_k = chol(Ψ_k/σ²) and β's normal prior as one more penalty;
 *   2. Ψ_k | a ~ IW(df_k + J_k, S_k + Σ_j a_j a_j'), where under the default half-t prior
 *      (Huang & Wand 2013) df_k = ν + q − 1 and S_k = 2ν·diag(1/λ_k) with the current λ_k;
 *   3. for the terms without step 0, (a_k, Ψ_k) by ancillarity–sufficiency interweaving
 *      (`interweave.ts`): Metropolis steps for the Cholesky factor of Ψ_k in the non-centred
 *      parametrisation, which remove most of the a–Ψ autocorrelation when the data say little
 *      about each level;
 *   4. under a half-t prior, λ_kr | Ψ_k ~ IG((ν + q)/2, ν(Ψ_k⁻¹)_rr + 1/A_r²) (Huang & Wand 2013, eq. 3);
 *   5. σ² | β, a ~ IG(shape + n/2, rate + RSS/2), for the half-t prior with shape = ν/2 and
 *      rate = ν/λ_σ, then λ_σ | σ² ~ IG((ν + 1)/2, ν/σ² + 1/A_σ²);
 *   6. with a residual structure (`model.residuals`; residualSteps.ts), steps 0–5 run on the
 *      blocks whitened at the current (ρ, δ) (with `var(...)` step 5 is replaced by the per-stratum
 *      variances), then ρ and the stratum variances are drawn and the blocks re-whitened. Without
 *      one nothing of this runs: the same draws, bit for bit, as before it existed.
 * Under the half-t prior steps 0 and 3 integrate λ_k out (their targets have the marginal
 * Huang–Wand density of Ψ_k; with λ held fixed the chain crawls where a variance nears 0) and
 * λ_k | Ψ_k is drawn afresh after each of them (step 4 follows step 3). Every
 * step leaves the joint posterior of (β, a, Ψ, λ, σ², λ_σ) invariant, and the draws of
 * (β, a, Ψ, σ²) come from its marginal.
 * `step` never touches the n rows: RSS comes from the factor (see `drawEffects`).
 *
 * On hsb (4 chains × 1000 kept draws) under the former inverse-Wishart default, the slowest
 * parameter, Ψ[cses,cses], reached a bulk-ESS of ~1,900 with steps 1–4; with step 0 every
 * parameter was at ~3,400–4,000, and step 3 then added nothing measurable for its cost. Under
 * the half-t default its posterior has a long tail toward 0, and its bulk-ESS was ~1,100–1,600
 * (seeds 1, 2, 7) with the collapsed step's proposal fitted in log scale; fitted in the polar
 * coordinates of `CollapsedPsi.tunedOf`, with 4 proposals, it is ~3,100–3,300 (the other
 * parameters' ~3,500–4,000).
 */
/**
 * Metropolis–Hastings proposals per interweaving step (see `Interweaving`): on hsb, 3 raise the
 * bulk-ESS of the slowest parameter (Ψ[cses,cses]) from ~1,400 to ~2,000 of 4,000 draws; more
 * gain little (the rest of the autocorrelation is the a–Ψ dependence that ξ keeps).
 */
const interweavingProposals = 3;

/**
 * Independence proposals per collapsed step once tuned (random walks before): on hsb (seeds 1, 2,
 * 7, 4 chains × 1000 kept draws), with the proposal in the coordinates of `CollapsedPsi.tunedOf`,
 * 2 give Ψ[cses,cses] a bulk-ESS of ~2,300 and 4 of ~3,100–3,300 (tail-ESS ~2,400–3,400), each
 * extra proposal costing one pass of the q = 2 likelihood over the levels.
 */
const collapsedProposals = 4;

/**
 * Random-walk proposals per collapsed step once tuned, after the independence proposals. None:
 * where the posterior of a variance reaches toward 0 under the half-t prior, one walk per step did
 * not help on hsb (tail-ESS of Ψ[cses,cses] 235–1,185 of 8,000 over three seeds); the proposal's
 * heavy-tailed defensive component did (proposal.ts).
 */
const collapsedWalks = 0;

/** Largest q for which the collapsed step is used (its t proposal is fitted to warmup draws of q(q+1)/2 coordinates). */
const collapsedMaxQ = 2;

export class GibbsKernel {
  readonly factor: BlockedCholesky;
  private readonly theta: Float64Array;
  private readonly adjustment: Float64Array | null;
  private readonly z: Float64Array;
  /** Spherical effects u of the last (β, a) draw (β and b go straight into the state). */
  private readonly u: Float64Array[];
  /** Scratch: Ψ_k/σ², and the inverse-Wishart scale S_k + Σ_j a_j a_j' (q×q per term). */
  private readonly scaled: Float64Array[];
  private readonly posteriorScale: Float64Array[];
  /** Scratch of the inverse-Wishart draw (3q² per term) and of chol(Ψ_k/σ²) (q² per term). */
  private readonly wishartWork: Float64Array[];
  private readonly lambda: Float64Array[];
  private readonly interweaving: Interweaving;
  private readonly collapsed: CollapsedPsi | null;
  /** Per term: the inverse-Wishart df and scale of Ψ_k's prior given λ_k (fixed for an inverse-Wishart prior). */
  private readonly psiDf: number[];
  private readonly psiScale: Float64Array[];
  /** Scratch of the λ draws: chol(Ψ_k) and a column (q² and q per term), and diag(Ψ_k⁻¹). */
  private readonly lambdaWork: { L: Float64Array; col: Float64Array; diag: Float64Array }[];
  /** The residual structure's steps (residualSteps.ts), or null: the other steps then run on its whitened blocks. */
  private readonly residualSteps: ResidualSteps | null;
  /**
   * The sweep's per-level loops in WebAssembly (levelKernel.ts) for one term of q = 2, or null
   * (other models, a residual structure, or `options.wasm` false): the same draws either way.
   * Not with a residual structure: the kernel copies Z'Z once, and the residual steps change the
   * whitened blocks at every sweep.
   */
  private readonly levels: LevelKernel | null;

  /** @param options.wasm use the WebAssembly level kernel where it applies (default true; false for the JavaScript loops, in tests). */
  constructor(readonly model: SamplerModel, readonly priors: TermPriors, options: { wasm?: boolean } = {}) {
    this.residualSteps = model.residuals ? new ResidualSteps(model.residuals, model.crossprod, model.shapes, model.p, priors.rho ?? defaultRhoPrior, priors.sigma2) : null;
    // Given (ρ, δ) the model is a GLS problem: every step below sees the whitened blocks, which
    // the residual steps update in place at the end of each sweep.
    const crossprod = this.residualSteps ? this.residualSteps.whitened : model.crossprod;
    this.factor = new BlockedCholesky(crossprod, model.shapes);
    this.theta = new Float64Array(this.factor.layout.length);
    const P = model.p + 1;
    this.adjustment = priors.betaPrecision ? new Float64Array(P * P) : null;
    this.z = new Float64Array(model.shapes.reduce((s, t) => s + t.q * t.nlevels, 0) + model.p);
    this.u = solutionBuffers(this.factor).u;
    this.scaled = model.shapes.map((s) => new Float64Array(s.q * s.q));
    this.posteriorScale = model.shapes.map((s) => new Float64Array(s.q * s.q));
    this.wishartWork = model.shapes.map((s) => new Float64Array(3 * s.q * s.q));
    this.lambda = model.shapes.map((s) => new Float64Array(s.q * s.q));
    this.interweaving = new Interweaving(crossprod, model.shapes, model.p, interweavingProposals);
    this.psiDf = priors.Psi.map((prior, k) => (prior.kind === 'halfT' ? prior.nu + model.shapes[k].q - 1 : prior.df));
    this.psiScale = priors.Psi.map((prior, k) => (prior.kind === 'halfT' ? new Float64Array(model.shapes[k].q ** 2) : prior.scale.slice()));
    this.lambdaWork = model.shapes.map((s) => ({ L: new Float64Array(s.q * s.q), col: new Float64Array(s.q), diag: new Float64Array(s.q) }));
    this.levels = options.wasm !== false && !this.residualSteps && levelKernelFits(model.shapes) ? new LevelKernel(crossprod, model.shapes[0].nlevels) : null;
    const single = model.shapes.length === 1 && model.shapes[0].q <= collapsedMaxQ;
    this.collapsed = single ? new CollapsedPsi(crossprod, model.shapes, model.p, model.shapes.map((s, k) => untunedSd(s.q, s.nlevels, typicalVariances(priors.Psi[k], s.q))), collapsedWalks, collapsedProposals, this.levels) : null;
  }

  /**
   * Warmup tuning, called after warmup iteration `iteration` (1-based) of `warmup`: the
   * collapsed step's proposal learns from the second half of warmup and is fixed at its end.
   */
  tune(state: GibbsState, iteration: number, warmup: number): void {
    if (!this.collapsed || iteration <= warmup / 2) return;
    for (let k = 0; k < state.Psi.length; k++) {
      this.collapsed.observe(k, state.Psi[k]);
      if (iteration === warmup) this.collapsed.proposals[k].tune();
    }
  }

  /**
   * A dispersed starting state: σ² at the response's mean square times e^{U(−1.5, 1.5)}, each Ψ_k
   * at its prior's mean (or scale, where the mean does not exist; diag(A_r²) for a half-t prior)
   * times e^{U(−1.5, 1.5)}; the λ's from their conditionals given those; then β and b drawn from
   * their conditional given Ψ and σ².
   */
  init(rng: Rng): GibbsState {
    const { shapes, n, p, crossprod } = this.model;
    const P = p + 1;
    const meanSquare = crossprod.XytXy[P * P - 1] / n;
    const sigma2 = (meanSquare > 0 ? meanSquare : 1) * exp(3 * rng.uniform() - 1.5);
    const Psi = shapes.map((shape, k) => {
      const prior = this.priors.Psi[k];
      const f = exp(3 * rng.uniform() - 1.5);
      if (prior.kind === 'invWishart') return prior.scale.map((v) => (v * f) / Math.max(prior.df - shape.q - 1, 1));
      const out = new Float64Array(shape.q * shape.q);
      for (let r = 0; r < shape.q; r++) out[r * shape.q + r] = prior.scale[r] * prior.scale[r] * f;
      return out;
    });
    const lambda = shapes.map((s, k) => new Float64Array(this.priors.Psi[k].kind === 'halfT' ? s.q : 0));
    const state: GibbsState = { beta: new Float64Array(p), b: shapes.map((s) => new Float64Array(s.q * s.nlevels)), Psi, sigma2, lambda, lambdaSigma2: 0 };
    for (let k = 0; k < shapes.length; k++) this.drawLambda(rng, state, k);
    this.drawLambdaSigma2(rng, state);
    if (this.residualSteps) {
      state.residual = this.residualSteps.init(rng, sigma2);
      if (this.residualSteps.byStratum) state.lambdaSigma2 = state.residual.lambda[0];
    }
    this.drawEffects(rng, state);
    return state;
  }

  /** λ_kr | Ψ_k ~ IG((ν + q)/2, ν(Ψ_k⁻¹)_rr + 1/A_r²) for a half-t term (Huang & Wand 2013); nothing otherwise. */
  private drawLambda(rng: Rng, state: GibbsState, k: number): void {
    const prior = this.priors.Psi[k];
    if (prior.kind !== 'halfT') return;
    const q = this.model.shapes[k].q;
    const { L, col, diag } = this.lambdaWork[k];
    if (!inverseDiagonal(state.Psi[k], q, L, col, diag)) throw new Error('internal: Ψ is not positive definite');
    const lambda = state.lambda[k];
    for (let r = 0; r < q; r++) lambda[r] = drawInverseGamma(rng, (prior.nu + q) / 2, prior.nu * diag[r] + 1 / (prior.scale[r] * prior.scale[r]));
  }

  /** λ_σ | σ² ~ IG((ν + 1)/2, ν/σ² + 1/A_σ²) under the half-t prior on σ; nothing otherwise. */
  private drawLambdaSigma2(rng: Rng, state: GibbsState): void {
    const prior = this.priors.sigma2;
    if (prior.kind !== 'halfT') return;
    state.lambdaSigma2 = drawInverseGamma(rng, (prior.nu + 1) / 2, prior.nu / state.sigma2 + 1 / (prior.scale * prior.scale));
  }

  /** The inverse-Wishart scale of Ψ_k's prior given λ_k into `psiScale[k]`: 2ν·diag(1/λ_k) for a half-t term. */
  private priorScaleOf(state: GibbsState, k: number): Float64Array {
    const prior = this.priors.Psi[k];
    const S = this.psiScale[k];
    if (prior.kind === 'halfT') {
      const q = this.model.shapes[k].q;
      const lambda = state.lambda[k];
      for (let r = 0; r < q; r++) S[r * q + r] = (2 * prior.nu) / lambda[r];
    }
    return S;
  }

  /**
   * The cross-product blocks were changed in place (a Geweke test's new response): recombine the
   * residual structure's whitened blocks at the state's (ρ, δ). Nothing to do without one.
   */
  blocksChanged(state: GibbsState): void {
    if (this.residualSteps && state.residual) this.residualSteps.whiten(state.residual);
  }

  /** One sweep of the conditional draws; returns the new state (the input is not changed). */
  step(rng: Rng, previous: GibbsState): [GibbsState, StepInfo] {
    const state: GibbsState = {
      beta: previous.beta.slice(),
      b: previous.b.map((b) => b.slice()),
      Psi: previous.Psi.map((Psi) => Psi.slice()),
      sigma2: previous.sigma2,
      lambda: previous.lambda.map((l) => l.slice()),
      lambdaSigma2: previous.lambdaSigma2,
    };
    if (previous.residual) state.residual = { rho: previous.residual.rho, sigma2: previous.residual.sigma2.slice(), lambda: previous.residual.lambda.slice() };
    return [state, this.advance(rng, state)];
  }

  /**
   * One sweep of the conditional draws, in place: `state`'s arrays receive the new values (a
   * chain's loop uses this; it allocates nothing per iteration). Same draws as `step`.
   */
  advance(rng: Rng, state: GibbsState): StepInfo {
    const { shapes, n } = this.model;
    const accepted: boolean[] = [];
    if (this.collapsed) {
      // Under the half-t prior the step integrates λ out too; λ | Ψ is then drawn afresh (collapsed.ts).
      accepted.push(this.collapsed.step(0, rng, state.beta, state.b, state.Psi, state.sigma2, this.priors.Psi[0]) > 0);
      this.drawLambda(rng, state, 0);
    }
    let rss = this.drawEffects(rng, state);
    for (let k = 0; k < shapes.length; k++) {
      const { q, nlevels } = shapes[k];
      // Ψ_k | a, λ_k ~ IW(df + J, S + Σ_j a_j a_j').
      const S = this.posteriorScale[k];
      if (this.levels) this.levels.scatter(S); // formed by the draw, from the same prior scale (drawEffects)
      else {
        S.set(this.priorScaleOf(state, k));
        const b = state.b[k];
        for (let j = 0; j < nlevels; j++) {
          for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) S[r * q + c] += b[j * q + r] * b[j * q + c];
        }
      }
      drawInverseWishart(rng, this.psiDf[k] + nlevels, S, q, state.Psi[k], this.wishartWork[k]);
    }
    if (!this.collapsed) {
      for (let k = 0; k < shapes.length; k++) {
        const prior = this.priors.Psi[k];
        const result = this.interweaving.step(k, rng, state.beta, state.b, state.Psi, state.sigma2, prior.kind === 'halfT' ? prior : { kind: 'invWishart', df: this.psiDf[k], scale: this.psiScale[k] }, rss);
        rss = result.rss;
        accepted.push(result.accepted);
      }
    }
    for (let k = 0; k < shapes.length; k++) this.drawLambda(rng, state, k);
    const residualSteps = this.residualSteps;
    if (!residualSteps || !residualSteps.byStratum) {
      // With AR(1) alone, rss is the whitened one: the same conjugate step given ρ.
      const s2 = this.priors.sigma2;
      const shape = s2.kind === 'halfT' ? s2.nu / 2 : s2.shape;
      const rate = s2.kind === 'halfT' ? s2.nu / state.lambdaSigma2 : s2.rate;
      state.sigma2 = drawInverseGamma(rng, shape + n / 2, rate + rss / 2);
      this.drawLambdaSigma2(rng, state);
    }
    // 6. (residual structure) σ²_s per stratum, ρ, and the whitened blocks at the new values.
    if (residualSteps) residualSteps.advance(rng, state.residual as ResidualState, state.beta, state.b, state);
    return { rss, accepted };
  }

  /**
   * Draw (β, b) | Ψ, σ² into `state`'s arrays and return RSS = ||y − Xβ − Zb||². With x = (u, β)
   * drawn as x̂ + σL^{-T}z, the penalised sum of squares at x is pwrss + ||L'(x − x̂)||² =
   * pwrss + σ²||z||², so RSS = pwrss + σ²||z||² − ||u||² − σ²(β − μ₀)'Σ₀^{-1}(β − μ₀), from blocks only.
   */
  drawEffects(rng: Rng, state: GibbsState): number {
    const { shapes, p } = this.model;
    const { factor, theta } = this;
    const sigma2 = state.sigma2;
    // θ: Λ_k = chol(Ψ_k/σ²), lower triangle column by column.
    for (let k = 0; k < shapes.length; k++) {
      const q = shapes[k].q;
      const scaled = this.scaled[k];
      const Psi = state.Psi[k];
      for (let i = 0; i < q * q; i++) scaled[i] = Psi[i] / sigma2;
      const L = this.lambda[k];
      if (!choleskyInto(scaled, q, L)) throw new Error('matrix is not positive definite');
      let t = factor.layout.offset[k];
      for (let c = 0; c < q; c++) for (let r = c; r < q; r++) theta[t++] = L[r * q + c];
    }
    if (this.adjustment) {
      const P = p + 1;
      const prec = this.priors.betaPrecision as Float64Array;
      const pm = this.priors.betaPrecisionMean as Float64Array;
      const mean = this.priors.betaMean as Float64Array;
      let mpm = 0;
      for (let a = 0; a < p; a++) {
        for (let c = 0; c < p; c++) this.adjustment[a * P + c] = sigma2 * prec[a * p + c];
        this.adjustment[a * P + p] = this.adjustment[p * P + a] = sigma2 * pm[a];
        mpm += mean[a] * pm[a];
      }
      this.adjustment[p * P + p] = sigma2 * mpm;
      factor.xyAdjustment = this.adjustment;
    }
    const levels = this.levels;
    if (!(levels ? levels.update(this.lambda[0], factor.xyAdjustment) : factor.update(theta))) throw new Error('internal: conditional precision of (β, a) is not positive definite');
    let zz = 0;
    if (levels) levels.fillNormals(rng);
    else {
      const z = this.z;
      for (let i = 0; i < z.length; i++) {
        const v = rng.normal();
        z[i] = v;
        zz += v * v;
      }
    }
    const sigma = Math.sqrt(sigma2);
    let uu = 0;
    if (levels) {
      // With the inverse-Wishart scale S + Σ_j a_j a_j' of `advance` (λ does not change in between).
      uu = levels.draw(sigma, state.beta, state.b[0], this.priorScaleOf(state, 0));
      zz = levels.zz;
    } else {
      const draw: Solution = { beta: state.beta, u: this.u, b: state.b };
      solve(factor, { z: this.z, scale: sigma }, draw);
      for (const u of draw.u) for (let i = 0; i < u.length; i++) uu += u[i] * u[i];
    }
    let penalty = 0;
    if (this.priors.betaPrecision) {
      const prec = this.priors.betaPrecision;
      const mean = this.priors.betaMean as Float64Array;
      for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) penalty += (state.beta[a] - mean[a]) * prec[a * p + c] * (state.beta[c] - mean[c]);
    }
    const rss = (levels ? levels.pwrss() : factor.pwrss()) + sigma2 * zz - uu - sigma2 * penalty;
    return Math.max(rss, 1e-300);
  }
}

/**
 * A typical size of each variance Ψ_rr under a term's prior, for starting values and the untuned
 * walk: the inverse-Wishart's mean (its scale where the mean does not exist), or A_r² under a
 * half-t prior (its median is about 0.8·A_r² for ν = 2).
 */
function typicalVariances(prior: TermPriors['Psi'][number], q: number): Float64Array {
  if (prior.kind === 'halfT') return Float64Array.from(prior.scale, (a) => a * a);
  return Float64Array.from({ length: q }, (_, r) => prior.scale[r * q + r] / Math.max(prior.df - q - 1, 1));
}

/**
 * Standard deviations of the untuned random walk on φ = (log C_ii, C_rs) for a term with J
 * levels: about the posterior spread with J informative levels, log C_ii ± 1/√(2J) and
 * C_rs ± √(v_r/J) at a typical variance v_r of the prior, times the usual 2.38/√m.
 */
function untunedSd(q: number, nlevels: number, variances: Float64Array): Float64Array {
  const m = (q * (q + 1)) / 2;
  const f = 2.38 / Math.sqrt(m);
  const J = Math.max(nlevels, 1);
  const sd = new Float64Array(m);
  let u = 0;
  for (let s = 0; s < q; s++) {
    for (let r = s; r < q; r++) sd[u++] = r === s ? f / Math.sqrt(2 * J) : f * Math.sqrt(variances[r] / J);
  }
  return sd;
}
