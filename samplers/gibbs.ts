import { BlockedCholesky, type BlockShape } from '../src/fit/blocked.js';
import { solutionBuffers, solve, type Solution } from '../src/fit/solution.js';
import type { CrossProducts } from '../src/model/crossprod.js';
import type { MixedModel } from '../src/model/model.js';
import { choleskyInto, drawInverseGamma, drawInverseWishart } from './distributions.js';
import type { TermPriors } from './priors.js';
import type { Rng } from './rng.js';
import { Interweaving } from './interweave.js';
import { CollapsedPsi } from './collapsed.js';


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

/** The state of a chain: β' (the cross-products' parametrisation, see reparam.ts), b per term (level-major), Ψ per term, σ². */
export interface GibbsState {
  beta: Float64Array;
  b: Float64Array[];
  Psi: Float64Array[];
  sigma2: number;
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
 *   2. Ψ_k | a ~ IW(df_k + J_k, S_k + Σ_j a_j a_j');
 *   3. for the terms without step 0, (a_k, Ψ_k) by ancillarity–sufficiency interweaving
 *      (`interweave.ts`): Metropolis steps for the Cholesky factor of Ψ_k in the non-centred
 *      parametrisation, which remove most of the a–Ψ autocorrelation when the data say little
 *      about each level;
 *   4. σ² | β, a ~ IG(shape + n/2, rate + RSS/2).
 * `step` never touches the n rows: RSS comes from the factor (see `drawEffects`).
 *
 * On hsb (4 chains × 1000 kept draws) the slowest parameter, Ψ[cses,cses], reached a bulk-ESS
 * of ~1,900 with steps 1–4; with step 0 every parameter is at ~3,400–4,000, and step 3 then
 * adds nothing measurable for its cost.
 */
/**
 * Metropolis–Hastings proposals per interweaving step (see `Interweaving`): on hsb, 3 raise the
 * bulk-ESS of the slowest parameter (Ψ[cses,cses]) from ~1,400 to ~2,000 of 4,000 draws; more
 * gain little (the rest of the autocorrelation is the a–Ψ dependence that ξ keeps).
 */
const interweavingProposals = 3;

/**
 * Independence proposals per collapsed step once tuned (two random-walk proposals before): on
 * hsb each is accepted ~84% of the time, and two leave Ψ nearly independent of its last value.
 */
const collapsedProposals = 2;

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

  constructor(readonly model: SamplerModel, readonly priors: TermPriors) {
    this.factor = new BlockedCholesky(model.crossprod, model.shapes);
    this.theta = new Float64Array(this.factor.layout.length);
    const P = model.p + 1;
    this.adjustment = priors.betaPrecision ? new Float64Array(P * P) : null;
    this.z = new Float64Array(model.shapes.reduce((s, t) => s + t.q * t.nlevels, 0) + model.p);
    this.u = solutionBuffers(this.factor).u;
    this.scaled = model.shapes.map((s) => new Float64Array(s.q * s.q));
    this.posteriorScale = model.shapes.map((s) => new Float64Array(s.q * s.q));
    this.wishartWork = model.shapes.map((s) => new Float64Array(3 * s.q * s.q));
    this.lambda = model.shapes.map((s) => new Float64Array(s.q * s.q));
    this.interweaving = new Interweaving(model.crossprod, model.shapes, model.p, interweavingProposals);
    const single = model.shapes.length === 1 && model.shapes[0].q <= collapsedMaxQ;
    this.collapsed = single ? new CollapsedPsi(model.crossprod, model.shapes, model.p, model.shapes.map((s, k) => untunedSd(s.q, s.nlevels, priors.Psi[k].df, priors.Psi[k].scale)), 0, collapsedProposals) : null;
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
   * at its prior's mean (or scale, where the mean does not exist) times e^{U(−1.5, 1.5)}; then β
   * and b drawn from their conditional given those.
   */
  init(rng: Rng): GibbsState {
    const { shapes, n, p, crossprod } = this.model;
    const P = p + 1;
    const meanSquare = crossprod.XytXy[P * P - 1] / n;
    const sigma2 = (meanSquare > 0 ? meanSquare : 1) * Math.exp(3 * rng.uniform() - 1.5);
    const Psi = shapes.map((shape, k) => {
      const prior = this.priors.Psi[k];
      const f = Math.exp(3 * rng.uniform() - 1.5) / Math.max(prior.df - shape.q - 1, 1);
      return prior.scale.map((v) => v * f);
    });
    const state: GibbsState = { beta: new Float64Array(p), b: shapes.map((s) => new Float64Array(s.q * s.nlevels)), Psi, sigma2 };
    this.drawEffects(rng, state);
    return state;
  }

  /** One sweep of the conditional draws; returns the new state (the input is not changed). */
  step(rng: Rng, previous: GibbsState): [GibbsState, StepInfo] {
    const state: GibbsState = {
      beta: previous.beta.slice(),
      b: previous.b.map((b) => b.slice()),
      Psi: previous.Psi.map((Psi) => Psi.slice()),
      sigma2: previous.sigma2,
    };
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
      const prior = this.priors.Psi[0];
      accepted.push(this.collapsed.step(0, rng, state.beta, state.b, state.Psi, state.sigma2, prior.df, prior.scale) > 0);
    }
    let rss = this.drawEffects(rng, state);
    for (let k = 0; k < shapes.length; k++) {
      const { q, nlevels } = shapes[k];
      const prior = this.priors.Psi[k];
      // Ψ_k | a ~ IW(df + J, S + Σ_j a_j a_j').
      const S = this.posteriorScale[k];
      S.set(prior.scale);
      const b = state.b[k];
      for (let j = 0; j < nlevels; j++) {
        for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) S[r * q + c] += b[j * q + r] * b[j * q + c];
      }
      drawInverseWishart(rng, prior.df + nlevels, S, q, state.Psi[k], this.wishartWork[k]);
    }
    if (!this.collapsed) {
      for (let k = 0; k < shapes.length; k++) {
        const prior = this.priors.Psi[k];
        const result = this.interweaving.step(k, rng, state.beta, state.b, state.Psi, state.sigma2, prior.df, prior.scale, rss);
        rss = result.rss;
        accepted.push(result.accepted);
      }
    }
    state.sigma2 = drawInverseGamma(rng, this.priors.sigma2.shape + n / 2, this.priors.sigma2.rate + rss / 2);
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
    if (!factor.update(theta)) throw new Error('internal: conditional precision of (β, a) is not positive definite');
    const z = this.z;
    let zz = 0;
    for (let i = 0; i < z.length; i++) {
      const v = rng.normal();
      z[i] = v;
      zz += v * v;
    }
    const sigma = Math.sqrt(sigma2);
    const draw: Solution = { beta: state.beta, u: this.u, b: state.b };
    solve(factor, { z, scale: sigma }, draw);
    let uu = 0;
    for (const u of draw.u) for (let i = 0; i < u.length; i++) uu += u[i] * u[i];
    let penalty = 0;
    if (this.priors.betaPrecision) {
      const prec = this.priors.betaPrecision;
      const mean = this.priors.betaMean as Float64Array;
      for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) penalty += (draw.beta[a] - mean[a]) * prec[a * p + c] * (draw.beta[c] - mean[c]);
    }
    const rss = factor.pwrss() + sigma2 * zz - uu - sigma2 * penalty;
    return Math.max(rss, 1e-300);
  }
}

/**
 * Standard deviations of the untuned random walk on φ = (log C_ii, C_rs) for a term with J
 * levels: about the posterior spread with J informative levels, log C_ii ± 1/√(2J) and
 * C_rs ± √(E[Ψ_rr]/J) at the prior mean of Ψ, times the usual 2.38/√m.
 */
function untunedSd(q: number, nlevels: number, df: number, scale: Float64Array): Float64Array {
  const m = (q * (q + 1)) / 2;
  const f = 2.38 / Math.sqrt(m);
  const J = Math.max(nlevels, 1);
  const sd = new Float64Array(m);
  let u = 0;
  for (let s = 0; s < q; s++) {
    for (let r = s; r < q; r++) sd[u++] = r === s ? f / Math.sqrt(2 * J) : f * Math.sqrt(scale[r * q + r] / Math.max(df - q - 1, 1) / J);
  }
  return sd;
}
