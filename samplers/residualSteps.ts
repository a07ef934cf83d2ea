/**
 * The Gibbs steps of a residual structure (issue 15; src/model/residuals.ts): AR(1) within groups
 * (ρ) and a residual variance per stratum (σ²_s). Given (ρ, σ_s) the model is a generalised least
 * squares problem with V = σ_0²·R(ρ)·D², D = diag(δ_{s(i)}), δ_s = σ_s/σ_0, and
 * [Z X y]'V⁻¹[Z X y]·σ_0² = Σ_k c_k(ρ, δ)·B_k over the fixed cross-product sets B_k: the kernel's
 * (β, a, Ψ, σ²) steps run unchanged on that combination (the "whitened" blocks, kept here).
 *
 * With e = y − Xβ − Za and q_k = e'B_k e (O(blocks) per set, once per sweep), the log-likelihood
 * in (ρ, σ) is
 *
 *     ℓ(ρ, σ) = −Σ_s n_s log σ_s − ½ Σ_d m_d log(1 − ρ^{2d}) − ½ Σ_k c_k(ρ, σ)·q_k,
 *
 * (m_d pairs at gap d; c_k evaluated at the absolute SDs σ_s in place of δ_s, as the
 * coefficients are homogeneous of degree −2 in them), so each evaluation at a new (ρ, σ) costs
 * O(sets), whatever n. The steps, after the kernel's σ² step. With AR(1) and every stratum
 * conjugate (below; always so with one stratum): (ρ, σ²_0, σ²_1, …) jointly given the rest, ρ from
 * its conditional with the variances integrated out,
 *
 *     log p(ρ | β, a, λ) = −½ Σ_d m_d log(1 − ρ^{2d}) − Σ_s (shape_s + n_s/2)·log(rate_s + Q_s(ρ)/2) + log prior(ρ),
 *
 * by one slice update, then each σ²_s | ρ from its inverse-gamma (the ρ–σ² dependence of AR(1),
 * Var(e_t) = σ² against innovations σ²(1 − ρ²), then does not slow the chain). Otherwise:
 *   - σ²_s | rest, s = 0, 1, …: where no set pairs stratum s with another (every AR group within
 *     one stratum, or no AR) the conditional is IG(shape + n_s/2, rate + Q_s/2), Q_s = σ²_s·Σ_{k∋s}
 *     c_k q_k (conjugate; under the half-t prior shape = ν/2 and rate = ν/λ_s, then λ_s | σ²_s ~
 *     IG((ν + 1)/2, ν/σ²_s + 1/A²), as the default σ prior's augmentation); otherwise one slice
 *     sampling update (Neal 2003) of log σ²_s on ℓ + log prior + log σ²_s (the Jacobian);
 *   - ρ | rest: one slice sampling update on ℓ(·, σ) + log prior(ρ), within the prior's support;
 *   - the whitened blocks at the new (ρ, δ) for the next sweep.
 * Each update leaves the joint posterior invariant. Exponentials and logarithms come from
 * elementary.ts (the same bits on every engine); integer powers by multiplication.
 */
import type { CrossProducts } from '../src/model/crossprod.js';
import { accumulateSets, emptyLike, type ResidualStructure } from '../src/model/residuals.js';
import { drawInverseGamma } from './distributions.js';
import { exp, log, log1p } from './elementary.js';
import type { BlockShape } from '../src/fit/blocked.js';
import { partialResiduals } from './residuals.js';
import type { Rng } from './rng.js';
import type { Sigma2Prior } from './priors.js';

/** The residual structure as the sampler needs it (plain data: sent to workers). */
export interface SamplerResiduals {
  /** The fixed cross-product sets (src/model/residuals.ts) and what each coefficient depends on. */
  sets: { kind: 'first' | 'current' | 'previous' | 'sum'; gap: number; stratum: number; previousStratum: number; blocks: CrossProducts }[];
  /** [gap, number of (row, predecessor) pairs at that gap]. */
  pairsByGap: [number, number][];
  /** Rows per stratum. */
  stratumRows: Int32Array;
  /** Stratum levels (the first the reference), or null without `var`. */
  strata: string[] | null;
  /** Whether ρ is a parameter (`ar1`). */
  ar1: boolean;
}

/** The sampler's view of a residual structure. */
export function samplerResiduals(structure: ResidualStructure): SamplerResiduals {
  return {
    sets: structure.sets.map((s) => ({ kind: s.kind, gap: s.gap, stratum: s.stratum, previousStratum: s.previousStratum, blocks: s.blocks })),
    pairsByGap: [...structure.pairsByGap.entries()],
    stratumRows: structure.stratumRows,
    strata: structure.spec.variance ? structure.strata : null,
    ar1: structure.spec.ar1 !== undefined,
  };
}

/** The prior of ρ: uniform on (lower, upper), or (ρ + 1)/2 ~ Beta(a, b) on (−1, 1). */
export type RhoPrior = { kind: 'uniform'; lower: number; upper: number } | { kind: 'beta'; a: number; b: number };

/** The default prior of ρ: uniform on (−1, 1). */
export const defaultRhoPrior: RhoPrior = { kind: 'uniform', lower: -1, upper: 1 };

/** The residual structure's part of a chain's state. */
export interface ResidualState {
  /** AR(1) correlation at unit step (0 without `ar1`). */
  rho: number;
  /** Residual variance per stratum (one entry without `var`, equal to the state's σ²). */
  sigma2: Float64Array;
  /** Half-t auxiliary λ per stratum (unused under an inverse-gamma prior). */
  lambda: Float64Array;
}

/** Support of the prior of ρ. */
function rhoSupport(prior: RhoPrior): [number, number] {
  return prior.kind === 'uniform' ? [prior.lower, prior.upper] : [-1, 1];
}

/** log prior(ρ) up to a constant (−∞ outside the support). */
export function logRhoPrior(prior: RhoPrior, rho: number): number {
  const [lo, hi] = rhoSupport(prior);
  if (!(rho > lo && rho < hi)) return -Infinity;
  if (prior.kind === 'uniform') return 0;
  return (prior.a - 1) * log((1 + rho) / 2) + (prior.b - 1) * log((1 - rho) / 2);
}

/** x^d for an integer d ≥ 0, by multiplication (the same bits on every engine). */
export function powInt(x: number, d: number): number {
  let r = 1;
  for (let i = 0; i < d; i++) r *= x;
  return r;
}

/** Coefficient of each set at (ρ, sd) into `out` (sd per stratum: δ for the whitened blocks, or the absolute SDs). */
export function setCoefficients(residuals: SamplerResiduals, rho: number, sd: ArrayLike<number>, out: Float64Array): Float64Array {
  const { sets } = residuals;
  for (let k = 0; k < sets.length; k++) {
    const set = sets[k];
    const ds = sd[set.stratum];
    if (set.kind === 'first') {
      out[k] = 1 / (ds * ds);
      continue;
    }
    const dp = sd[set.previousStratum];
    const rd = powInt(rho, set.gap);
    const denom = 1 - rd * rd;
    const mixed = -rd / (ds * dp * denom);
    out[k] = set.kind === 'sum' ? mixed : set.kind === 'current' ? 1 / (ds * ds * denom) - mixed : (rd * rd) / (dp * dp * denom) - mixed;
  }
  return out;
}

/**
 * e'Be for e = y − Xβ − Σ_k Z_k a_k from one set's blocks B: with w = y − Xβ and r_k the partial
 * residual Z_k'B(w − Σ_{t≠k} Z_t a_t), e'Be = w'Bw − Σ_k a_k'Z_k'Bw − Σ_k a_k'r_k + Σ_k a_k'Z_k'BZ_k a_k.
 */
export function quadraticForm(cp: CrossProducts, shapes: readonly BlockShape[], p: number, beta: Float64Array, b: readonly Float64Array[], work: Float64Array[]): number {
  const P = p + 1;
  const X = cp.XytXy;
  let s = X[P * P - 1];
  for (let a = 0; a < p; a++) {
    s -= 2 * beta[a] * X[a * P + p];
    for (let c = 0; c < p; c++) s += beta[a] * X[a * P + c] * beta[c];
  }
  for (let k = 0; k < shapes.length; k++) {
    const { q, nlevels } = shapes[k];
    const { ZtZ, ZtXy } = cp.terms[k];
    const ak = b[k];
    const rk = partialResiduals(cp, shapes, p, k, beta, b, work[k]);
    for (let j = 0; j < nlevels; j++) {
      for (let r = 0; r < q; r++) {
        const o = j * q * P + r * P;
        let zw = ZtXy[o + p];
        for (let a = 0; a < p; a++) zw -= ZtXy[o + a] * beta[a];
        const v = ak[j * q + r];
        let zz = 0;
        for (let c = 0; c < q; c++) zz += ZtZ[j * q * q + r * q + c] * ak[j * q + c];
        s += v * (zz - zw - rk[j * q + r]);
      }
    }
  }
  return s;
}

/**
 * One slice sampling update (Neal 2003, stepping out then shrinking) of x on the log density
 * `logf`, within (lower, upper). Returns the new x (x0 itself if `logf(x0)` is not finite).
 */
export function sliceStep(rng: Rng, x0: number, logf: (x: number) => number, width: number, lower: number, upper: number, maxSteps = 32): number {
  const f0 = logf(x0);
  if (!Number.isFinite(f0)) return x0;
  const height = f0 + log(1 - rng.uniform());
  let left = x0 - width * rng.uniform();
  let right = left + width;
  const j = Math.floor(maxSteps * rng.uniform());
  let kLeft = j;
  let kRight = maxSteps - 1 - j;
  while (kLeft-- > 0 && left > lower && logf(left) > height) left -= width;
  while (kRight-- > 0 && right < upper && logf(right) > height) right += width;
  if (left < lower) left = lower;
  if (right > upper) right = upper;
  for (let t = 0; t < 200; t++) {
    const x = left + (right - left) * rng.uniform();
    if (x > lower && x < upper && logf(x) > height) return x;
    if (x < x0) left = x;
    else right = x;
  }
  return x0;
}

/** The residual structure's steps of one chain (see the header). */
export class ResidualSteps {
  /** [Z X y]'V⁻¹[Z X y]·σ_0² at the chain's current (ρ, δ): the blocks the kernel's other steps use. */
  readonly whitened: CrossProducts;
  private readonly q: Float64Array;
  private readonly c: Float64Array;
  private readonly sd: Float64Array;
  private readonly work: Float64Array[];
  /** Per stratum: whether its σ²_s has the conjugate inverse-gamma conditional (no set pairs it with another stratum). */
  private readonly conjugate: boolean[];
  private readonly strata: number;
  /** Whether every stratum's σ²_s is conjugate (then ρ is drawn with them integrated out). */
  private readonly allConjugate: boolean;
  private readonly ones: Float64Array;
  private readonly stratumQ: Float64Array;

  constructor(private readonly residuals: SamplerResiduals, private readonly crossprod: CrossProducts, private readonly shapes: readonly BlockShape[], private readonly p: number, private readonly rhoPrior: RhoPrior, private readonly sigma2Prior: Sigma2Prior) {
    this.whitened = emptyLike(crossprod);
    const m = residuals.sets.length;
    this.q = new Float64Array(m);
    this.c = new Float64Array(m);
    this.strata = residuals.stratumRows.length;
    this.sd = new Float64Array(this.strata);
    this.work = shapes.map((s) => new Float64Array(s.q * s.nlevels));
    this.conjugate = Array.from({ length: this.strata }, (_, s) => residuals.sets.every((set) => set.kind === 'first' || (set.stratum === s) === (set.previousStratum === s)));
    this.allConjugate = this.conjugate.every((c) => c);
    this.ones = new Float64Array(this.strata).fill(1);
    this.stratumQ = new Float64Array(this.strata);
    this.whiten({ rho: 0, sigma2: new Float64Array(this.strata).fill(1), lambda: new Float64Array(this.strata) });
  }

  /** Whether the structure has a variance per stratum (the kernel's own σ² step is then replaced). */
  get byStratum(): boolean {
    return this.residuals.strata !== null;
  }

  /**
   * The starting (ρ, σ²_s): ρ uniform on the middle half of its prior's support, σ²_0 = the
   * kernel's dispersed σ², each other σ²_s that times e^{U(−1, 1)}; then the whitened blocks.
   */
  init(rng: Rng, sigma2: number): ResidualState {
    const state: ResidualState = { rho: 0, sigma2: new Float64Array(this.strata), lambda: new Float64Array(this.strata) };
    if (this.residuals.ar1) {
      const [lo, hi] = rhoSupport(this.rhoPrior);
      state.rho = lo + ((hi - lo) * (1 + 2 * rng.uniform())) / 4;
    }
    state.sigma2[0] = sigma2;
    for (let s = 1; s < this.strata; s++) state.sigma2[s] = sigma2 * exp(2 * rng.uniform() - 1);
    if (this.byStratum) for (let s = 0; s < this.strata; s++) this.drawLambda(rng, state, s);
    this.whiten(state);
    return state;
  }

  /** The whitened blocks at (ρ, δ_s = σ_s/σ_0). */
  whiten(state: ResidualState): void {
    const s0 = state.sigma2[0];
    for (let s = 0; s < this.strata; s++) this.sd[s] = Math.sqrt(state.sigma2[s] / s0);
    accumulateSets(this.residuals.sets, setCoefficients(this.residuals, state.rho, this.sd, this.c), this.whitened);
  }

  /**
   * log p(ρ | β, a, λ) up to a constant with every σ²_s integrated out, for strata whose
   * conditionals are all conjugate: −½ Σ_d m_d log(1 − ρ^{2d}) − Σ_s (shape_s + n_s/2)·log(rate_s + Q_s(ρ)/2),
   * Q_s(ρ) = Σ_{k of stratum s} c_k(ρ, 1)·q_k (the inverse-gamma integral of each σ²_s).
   */
  private logCollapsed(rho: number, residual: ResidualState): number {
    let s = 0;
    for (const [d, m] of this.residuals.pairsByGap) {
      const r2 = powInt(rho, 2 * d);
      if (!(r2 < 1)) return -Infinity;
      s -= 0.5 * m * log1p(-r2);
    }
    setCoefficients(this.residuals, rho, this.ones, this.c);
    const Q = this.stratumQ;
    Q.fill(0);
    this.residuals.sets.forEach((set, k) => (Q[set.stratum] += this.c[k] * this.q[k]));
    for (let t = 0; t < this.strata; t++) {
      const [shape, rate] = this.priorShapeRate(residual, t);
      s -= (shape + this.residuals.stratumRows[t] / 2) * log(rate + Math.max(Q[t], 0) / 2);
    }
    return Number.isFinite(s) ? s : -Infinity;
  }

  /** ℓ(ρ, σ) of the header from the current quadratic forms, at the SDs `sd`. */
  private logLikelihood(rho: number, sd: Float64Array): number {
    let s = 0;
    const rows = this.residuals.stratumRows;
    for (let k = 0; k < this.strata; k++) s -= rows[k] * log(sd[k]);
    for (const [d, m] of this.residuals.pairsByGap) {
      const r2 = powInt(rho, 2 * d);
      if (!(r2 < 1)) return -Infinity;
      s -= 0.5 * m * log1p(-r2);
    }
    setCoefficients(this.residuals, rho, sd, this.c);
    let quad = 0;
    for (let k = 0; k < this.q.length; k++) quad += this.c[k] * this.q[k];
    s -= 0.5 * quad;
    return Number.isFinite(s) ? s : -Infinity;
  }

  /**
   * The steps after the kernel's σ² step, in place: the quadratic forms at the drawn (β, a), each
   * σ²_s (with `var`; `state.sigma2` and its λ then follow the reference stratum's), ρ (with
   * `ar1`), and the whitened blocks at the new values. Without `var`, σ²_0 is the kernel's σ².
   */
  advance(rng: Rng, residual: ResidualState, beta: Float64Array, b: readonly Float64Array[], kernelState: { sigma2: number; lambdaSigma2: number }): void {
    const { sets } = this.residuals;
    for (let k = 0; k < sets.length; k++) this.q[k] = quadraticForm(sets[k].blocks, this.shapes, this.p, beta, b, this.work);
    const sd = this.sd;
    if (this.residuals.ar1 && this.allConjugate) {
      // (ρ, σ²_0, …) jointly: ρ with the variances integrated out, then each σ²_s | ρ.
      if (!this.byStratum) residual.lambda[0] = kernelState.lambdaSigma2;
      const [lo, hi] = rhoSupport(this.rhoPrior);
      residual.rho = sliceStep(rng, residual.rho, (r) => this.logCollapsed(r, residual) + logRhoPrior(this.rhoPrior, r), 0.25 * (hi - lo), lo, hi);
      for (let s = 0; s < this.strata; s++) {
        this.drawStratum(rng, residual, s);
        this.drawLambda(rng, residual, s);
      }
      kernelState.sigma2 = residual.sigma2[0];
      kernelState.lambdaSigma2 = residual.lambda[0];
      this.whiten(residual);
      return;
    }
    if (this.byStratum) {
      for (let s = 0; s < this.strata; s++) {
        for (let t = 0; t < this.strata; t++) sd[t] = Math.sqrt(residual.sigma2[t]);
        this.drawStratum(rng, residual, s);
        this.drawLambda(rng, residual, s);
      }
      kernelState.sigma2 = residual.sigma2[0];
      kernelState.lambdaSigma2 = residual.lambda[0];
    } else residual.sigma2[0] = kernelState.sigma2;
    for (let t = 0; t < this.strata; t++) sd[t] = Math.sqrt(residual.sigma2[t]);
    if (this.residuals.ar1) {
      const [lo, hi] = rhoSupport(this.rhoPrior);
      residual.rho = sliceStep(rng, residual.rho, (r) => this.logLikelihood(r, sd) + logRhoPrior(this.rhoPrior, r), 0.25 * (hi - lo), lo, hi);
    }
    this.whiten(residual);
  }

  /** The prior's inverse-gamma (shape, rate) of σ²_s (given λ_s under the half-t prior). */
  private priorShapeRate(residual: ResidualState, s: number): [number, number] {
    const prior = this.sigma2Prior;
    return prior.kind === 'halfT' ? [prior.nu / 2, prior.nu / residual.lambda[s]] : [prior.shape, prior.rate];
  }

  /** σ²_s | rest: conjugate inverse-gamma where it applies, else a slice update of log σ²_s (sd holds √σ²_t). */
  private drawStratum(rng: Rng, residual: ResidualState, s: number): void {
    const [shape, rate] = this.priorShapeRate(residual, s);
    const sd = this.sd;
    const n = this.residuals.stratumRows[s];
    if (this.conjugate[s]) {
      // Q_s = Σ over the sets of stratum s of c_k(ρ, σ with σ_s = 1)·q_k (those sets involve σ_s alone).
      sd.fill(1);
      setCoefficients(this.residuals, residual.rho, sd, this.c);
      let Q = 0;
      this.residuals.sets.forEach((set, k) => {
        if (set.stratum === s) Q += this.c[k] * this.q[k];
      });
      residual.sigma2[s] = drawInverseGamma(rng, shape + n / 2, rate + Math.max(Q, 0) / 2);
      return;
    }
    // Density of u = log σ²_s: ℓ + log IG(e^u; shape, rate) + u = ℓ − shape·u − rate·e^{−u}.
    const logf = (u: number): number => {
      sd[s] = Math.sqrt(exp(u));
      return this.logLikelihood(residual.rho, sd) - shape * u - rate * exp(-u);
    };
    const u = sliceStep(rng, log(residual.sigma2[s]), logf, 1, -Infinity, Infinity);
    residual.sigma2[s] = exp(u);
  }

  /** λ_s | σ²_s ~ IG((ν + 1)/2, ν/σ²_s + 1/A²) under the half-t prior; nothing otherwise. */
  private drawLambda(rng: Rng, residual: ResidualState, s: number): void {
    const prior = this.sigma2Prior;
    if (prior.kind !== 'halfT') return;
    residual.lambda[s] = drawInverseGamma(rng, (prior.nu + 1) / 2, prior.nu / residual.sigma2[s] + 1 / (prior.scale * prior.scale));
  }
}
