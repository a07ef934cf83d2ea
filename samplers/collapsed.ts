import type { BlockShape } from '../src/fit/blocked.js';
import type { CrossProducts } from '../src/model/crossprod.js';
import { choleskyInto, logHalfTPriorOfFactor, logPriorOfFactor } from './distributions.js';
import { elementOf } from './interweave.js';
import { PhiProposal } from './proposal.js';
import { partialResiduals } from './residuals.js';
import type { Rng } from './rng.js';
import { atan2, cos, exp, hypot, log, sin } from './elementary.js';
import type { LevelKernel } from './levelKernel.js';

/**
 * Partially collapsed update of one term's Ψ (van Dyk & Park 2008): Metropolis–Hastings steps
 * targeting p(Ψ_k | β, a_{−k}, σ², y), the conditional with term k's random effects a_k
 * integrated out.
 *
 * Given everything but a_k, the levels j of term k are independent: with r_j = y_j − X_jβ −
 * Σ_{t≠k} Z_t a_t on level j's rows, r_j ~ N(0, σ²I + Z_jΨZ_j'). With Ψ = CC' (C lower
 * triangular), N_j = σ²I_q + C'Z_j'Z_jC and w_j = C'Z_j'r_j, the matrix determinant lemma and
 * Woodbury's identity give (Henderson & Searle 1981)
 *
 *   log p(r_j | Ψ) = const − ½ log|N_j| − (r_j'r_j − w_j'N_j^{-1}w_j)/(2σ²),
 *
 * so only the q×q blocks Z_j'Z_j and the q-vectors Z_j'r_j enter, as in the exact fitter's
 * profiled criterion per level. The chain moves on φ = (log C_ii, C_rs for r > s), in θ order
 * (column by column), where the target is p(Ψ = CC') |∂Ψ/∂C| Π_i C_ii (the last factor from
 * the logarithm of the diagonal; |∂Ψ/∂C| as in `logPriorOfFactor`). The prior p(Ψ) is the one
 * the caller passes (`CollapsedPrior`): an inverse-Wishart (df, S), or the Huang–Wand half-t
 * prior with its λ integrated out as well (`logHalfTPriorOfFactor`), so that the step targets
 * p(Ψ_k | β, a_{−k}, σ², y) with both a_k and λ_k integrated out. (Holding λ fixed instead, with
 * the conditional prior IW(ν + q − 1, 2ν·diag(1/λ)), is valid too but slow where the posterior
 * reaches toward Ψ_rr = 0: there λ_r | Ψ grows like 1/Ψ_rr and the prior given λ then keeps Ψ_rr
 * small; on hsb's slope variance the bulk-ESS fell to ~13 of 8,000 draws.) After a half-t step
 * λ_k must be drawn afresh from λ_k | Ψ_k before anything uses it, as a_k must.
 *
 * Validity (van Dyk & Park 2008, §3): the step leaves p(Ψ_k | β, a_{−k}, σ², y) invariant but
 * not a_k's value consistent with the new Ψ_k, so a_k must be drawn afresh from its conditional
 * before any step uses it; the Gibbs kernel runs this step for its single term right before the
 * joint draw of (β, a), which conditions on neither.
 */
/** The prior of Ψ_k in the collapsed step: inverse-Wishart (df, S), or half-t (ν, A_r) with λ integrated out. */
export type CollapsedPrior = { kind: 'invWishart'; df: number; scale: Float64Array } | { kind: 'halfT'; nu: number; scale: Float64Array };

export class CollapsedPsi {
  private readonly m: number[];
  private readonly rowOf: Int32Array[];
  private readonly colOf: Int32Array[];
  /** Per term: the proposal (tuned in warmup). */
  readonly proposals: PhiProposal[];
  private readonly work: { rk: Float64Array; C: Float64Array; phi: Float64Array; phiProp: Float64Array; LS: Float64Array; col: Float64Array; T: Float64Array; N: Float64Array; w: Float64Array }[];

  /**
   * @param walks random-walk proposals per step
   * @param independents independence proposals per step (used once tuned; see `PhiProposal`)
   * @param untunedSd per term, standard deviations of the untuned walk on φ
   * @param levels the WebAssembly level kernel of a one-term q = 2 model (levelKernel.ts), for
   *   the partial residuals and the likelihood of `step` (the same values), or null
   */
  constructor(private readonly crossprod: CrossProducts, private readonly shapes: readonly BlockShape[], private readonly p: number, untunedSd: ArrayLike<number>[], private readonly walks: number, private readonly independents: number, private readonly levels: LevelKernel | null = null) {
    this.m = shapes.map((s) => (s.q * (s.q + 1)) / 2);
    this.rowOf = shapes.map(({ q }) => Int32Array.from({ length: (q * (q + 1)) / 2 }, (_, u) => elementOf(q, u)[0]));
    this.colOf = shapes.map(({ q }) => Int32Array.from({ length: (q * (q + 1)) / 2 }, (_, u) => elementOf(q, u)[1]));
    this.proposals = untunedSd.map((sd) => new PhiProposal(sd));
    this.work = shapes.map(({ q, nlevels }, k) => ({
      rk: new Float64Array(nlevels * q),
      C: new Float64Array(q * q),
      phi: new Float64Array(this.m[k]),
      phiProp: new Float64Array(this.m[k]),
      LS: new Float64Array(q * q),
      col: new Float64Array(q),
      T: new Float64Array(q * q),
      N: new Float64Array(q * q),
      w: new Float64Array(q),
    }));
  }

  /** φ of Ψ_k's Cholesky factor C into `out`. */
  phiOf(k: number, C: Float64Array, out: Float64Array): Float64Array {
    const q = this.shapes[k].q;
    const rowOf = this.rowOf[k];
    const colOf = this.colOf[k];
    for (let u = 0; u < this.m[k]; u++) {
      const r = rowOf[u];
      const s = colOf[u];
      out[u] = r === s ? log(C[r * q + r]) : C[r * q + s];
    }
    return out;
  }

  /** The factor C of φ into `out` (upper triangle zero). */
  factorOf(k: number, phi: Float64Array, out: Float64Array): Float64Array {
    const q = this.shapes[k].q;
    const rowOf = this.rowOf[k];
    const colOf = this.colOf[k];
    out.fill(0);
    for (let u = 0; u < this.m[k]; u++) {
      const r = rowOf[u];
      const s = colOf[u];
      out[r * q + s] = r === s ? exp(phi[u]) : phi[u];
    }
    return out;
  }

  /**
   * Σ_j [−½ log|N_j| + w_j'N_j^{-1}w_j/(2σ²)] for Ψ_k = CC' given the partial residual
   * cross-products `rk` (Z_kj'r_j per level, see `partialResiduals`): log p(y | Ψ_k, β, a_{−k},
   * σ²) up to terms free of Ψ_k (class comment).
   */
  logLikelihood(k: number, C: Float64Array, sigma2: number, rk: Float64Array): number {
    const { q, nlevels } = this.shapes[k];
    const ZtZ = this.crossprod.terms[k].ZtZ;
    if (q === 1) return logLikelihoodQ1(ZtZ, rk, nlevels, C[0], sigma2);
    if (q === 2) return logLikelihoodQ2(ZtZ, rk, nlevels, C[0], C[2], C[3], sigma2);
    const { T, N, w } = this.work[k];
    let logdet = 0;
    let quad = 0;
    for (let j = 0; j < nlevels; j++) {
      const o = j * q * q;
      // T = Z_j'Z_j C, N = σ²I + C'T (lower triangle), w = C'Z_j'r_j.
      for (let r = 0; r < q; r++) {
        for (let s = 0; s < q; s++) {
          let v = 0;
          for (let l = s; l < q; l++) v += ZtZ[o + r * q + l] * C[l * q + s];
          T[r * q + s] = v;
        }
      }
      for (let r = 0; r < q; r++) {
        for (let s = 0; s <= r; s++) {
          let v = r === s ? sigma2 : 0;
          for (let l = r; l < q; l++) v += C[l * q + r] * T[l * q + s];
          N[r * q + s] = v;
        }
        let v = 0;
        for (let l = r; l < q; l++) v += C[l * q + r] * rk[j * q + l];
        w[r] = v;
      }
      // N = LL' in place; log|N| = 2 Σ log L_ii; w'N^{-1}w = ||L^{-1}w||².
      for (let r = 0; r < q; r++) {
        for (let s = 0; s <= r; s++) {
          let v = N[r * q + s];
          for (let l = 0; l < s; l++) v -= N[r * q + l] * N[s * q + l];
          if (r === s) {
            N[r * q + r] = Math.sqrt(v);
            logdet += log(v);
          } else N[r * q + s] = v / N[s * q + s];
        }
        let v = w[r];
        for (let l = 0; l < r; l++) v -= N[r * q + l] * w[l];
        w[r] = v / N[r * q + r];
        quad += w[r] * w[r];
      }
    }
    // |N_j| = σ^{2q}|I + Λ'Z_j'Z_jΛ| with Λ = C/σ: drop the factors free of Ψ, as for q ≤ 2.
    logdet -= nlevels * q * log(sigma2);
    return -0.5 * logdet + (0.5 * quad) / sigma2;
  }

  /**
   * The tuned proposal's coordinates x of Ψ_k's Cholesky factor C into `out`: x = (C_00) for
   * q = 1; for q = 2, x = (C_00, s, ω) with (C_10, C_11) = s(cos ω, sin ω), s = √Ψ_11 the second
   * SD and ω ∈ (0, π) (the correlation is cos ω). In (C_10, C_11) the target has a peak ∝ 1/s at
   * the origin where the posterior of that SD reaches toward 0 (its density is bounded there,
   * and the polar Jacobian is s), which no t proposal covers; in x it is bounded.
   */
  tunedOf(k: number, C: Float64Array, out: Float64Array): Float64Array {
    out[0] = C[0];
    if (this.shapes[k].q === 2) {
      out[1] = hypot(C[2], C[3]);
      out[2] = atan2(C[3], C[2]);
    }
    return out;
  }

  /** C of tuned coordinates x into `C` (see `tunedOf`); returns log |∂C/∂x| (log s for q = 2), −∞ outside the support. */
  private factorOfTuned(k: number, x: Float64Array, C: Float64Array): number {
    if (!(x[0] > 0)) return -Infinity;
    C[0] = x[0];
    if (this.shapes[k].q === 1) return 0;
    const s = x[1];
    const omega = x[2];
    if (!(s > 0) || !(omega > 0) || !(omega < Math.PI)) return -Infinity;
    C[1] = 0;
    C[2] = s * cos(omega);
    C[3] = s * sin(omega);
    return log(s);
  }

  /**
   * log of the target density at `point`, up to a constant; −∞ outside its support. In log
   * coordinates (`tuned` false) the point is φ and the density that of φ (class comment); in
   * the tuned coordinates x (`tunedOf`) it is p(Ψ = CC')|∂Ψ/∂C||∂C/∂x| times the likelihood.
   */
  private logTarget(k: number, point: Float64Array, tuned: boolean, sigma2: number, psiPrior: CollapsedPrior): number {
    const q = this.shapes[k].q;
    const { C, LS, col, rk } = this.work[k];
    // One term of q = 2: the same computation in the WebAssembly level kernel.
    if (this.levels) return this.levels.logTarget(point, tuned, sigma2, psiPrior, LS);
    let logDiagonal = 0;
    if (tuned) {
      logDiagonal = this.factorOfTuned(k, point, C);
      if (logDiagonal === -Infinity) return -Infinity;
    } else {
      this.factorOf(k, point, C);
      for (let i = 0; i < q; i++) logDiagonal += point[this.diagonalIndex(q, i)];
    }
    const prior = psiPrior.kind === 'halfT' ? logHalfTPriorOfFactor(C, q, psiPrior.nu, psiPrior.scale, col) : logPriorOfFactor(C, q, psiPrior.df, LS, col);
    if (!Number.isFinite(prior)) return -Infinity;
    const value = prior + logDiagonal + this.logLikelihood(k, C, sigma2, rk);
    return Number.isNaN(value) ? -Infinity : value;
  }

  /** Index in φ of C_ii (column i starts after columns 0..i−1 of lengths q, q−1, ...). */
  private diagonalIndex(q: number, i: number): number {
    return i * q - (i * (i - 1)) / 2;
  }

  /**
   * Update Ψ_k in place by the step's Metropolis–Hastings proposals; a_k is left stale (class
   * comment). Returns the number of accepted proposals. Untuned, the proposals are random walks
   * on φ; once the proposal is tuned, it and its walk live in the coordinates of `tunedOf`,
   * where the target stays bounded as an SD reaches toward 0 (on hsb, log C of the slope has a
   * long left tail, and the elements of C a peak at 0, where proposals fitted in either get stuck).
   */
  step(k: number, rng: Rng, beta: Float64Array, b: readonly Float64Array[], Psi: Float64Array[], sigma2: number, psiPrior: CollapsedPrior): number {
    const q = this.shapes[k].q;
    const { rk, C, phi: point, phiProp: pointProp, LS } = this.work[k];
    const proposal = this.proposals[k];
    const linear = proposal.independent;
    if (this.levels) this.levels.residuals(beta);
    else partialResiduals(this.crossprod, this.shapes, this.p, k, beta, b, rk);
    // chol(S) of an inverse-Wishart prior's scale (cheap for the q ≤ 2 of this step).
    if (psiPrior.kind === 'invWishart' && !choleskyInto(psiPrior.scale, q, LS)) throw new Error('internal: prior scale of Ψ is not positive definite');
    if (!choleskyInto(Psi[k], q, C)) throw new Error('internal: Ψ is not positive definite');
    if (linear) this.tunedOf(k, C, point);
    else this.phiOf(k, C, point);
    let logTarget = this.logTarget(k, point, linear, sigma2, psiPrior);
    let logProposal = linear ? proposal.logDensity(point) : 0;
    let accepted = 0;
    // Untuned: every proposal is a walk; tuned: `independents` independence proposals, then `walks` walks.
    const independents = linear ? this.independents : 0;
    const total = this.independents + this.walks;
    for (let t = 0; t < total; t++) {
      const independent = t < independents;
      if (independent) proposal.draw(rng, pointProp);
      else proposal.walk(rng, point, pointProp);
      const logTargetProp = this.logTarget(k, pointProp, linear, sigma2, psiPrior);
      const logProposalProp = independent ? proposal.logDensity(pointProp) : 0;
      // Independence: ratio π(x*)q(x)/(π(x)q(x*)); random walk: π(x*)/π(x).
      const logRatio = independent ? logTargetProp - logTarget + logProposal - logProposalProp : logTargetProp - logTarget;
      if (log(rng.uniform()) < logRatio) {
        point.set(pointProp);
        logTarget = logTargetProp;
        if (linear) logProposal = independent ? logProposalProp : proposal.logDensity(point);
        accepted++;
      }
    }
    if (accepted > 0) {
      if (linear) this.factorOfTuned(k, point, C);
      else this.factorOf(k, point, C);
      const P = Psi[k];
      for (let r = 0; r < q; r++) {
        for (let s = 0; s <= r; s++) {
          let v = 0;
          for (let l = 0; l <= s; l++) v += C[r * q + l] * C[s * q + l];
          P[r * q + s] = v;
          P[s * q + r] = v;
        }
      }
    }
    return accepted;
  }

  /** Feed Ψ_k to the proposal's warmup statistics (in the tuned proposal's coordinates, `tunedOf`). */
  observe(k: number, Psi: Float64Array): void {
    const { C, phiProp } = this.work[k];
    if (!choleskyInto(Psi, this.shapes[k].q, C)) return;
    this.proposals[k].observe(this.tunedOf(k, C, phiProp));
  }
}

/** `logLikelihood` for q = 1: N_j = σ² + c²z_j, w_j = c r_j. */
function logLikelihoodQ1(ZtZ: Float64Array, rk: Float64Array, nlevels: number, c: number, sigma2: number): number {
  let logdet = 0;
  let quad = 0;
  let product = 1;
  const c2 = c * c;
  for (let j = 0; j < nlevels; j++) {
    const n = sigma2 + c2 * ZtZ[j];
    const w = c * rk[j];
    quad += (w * w) / n;
    product *= n / sigma2;
    if ((j & 15) === 15) {
      logdet += log(product);
      product = 1;
    }
  }
  logdet += log(product);
  return -0.5 * logdet + (0.5 * quad) / sigma2;
}

/**
 * `logLikelihood` for q = 2 in closed form: with T = Z_j'Z_j C, N = σ²I + C'T and w = C'Z_j'r_j,
 * |N| = n00 n11 − n01² and w'N^{-1}w = (n11 w0² − 2 n01 w0 w1 + n00 w1²)/|N|. The logarithm of
 * Π_j |N_j|/σ⁴ (each factor ≥ 1) is taken every 16 levels.
 */
function logLikelihoodQ2(ZtZ: Float64Array, rk: Float64Array, nlevels: number, c00: number, c10: number, c11: number, sigma2: number): number {
  let logdet = 0;
  let quad = 0;
  let product = 1;
  const s4 = sigma2 * sigma2;
  for (let j = 0; j < nlevels; j++) {
    const z00 = ZtZ[4 * j];
    const z01 = ZtZ[4 * j + 1];
    const z11 = ZtZ[4 * j + 3];
    const t0 = z00 * c00 + z01 * c10;
    const t1 = z01 * c00 + z11 * c10;
    const n00 = sigma2 + c00 * t0 + c10 * t1;
    const n01 = c11 * t1;
    const n11 = sigma2 + c11 * c11 * z11;
    const r1 = rk[2 * j + 1];
    const w0 = c00 * rk[2 * j] + c10 * r1;
    const w1 = c11 * r1;
    const det = n00 * n11 - n01 * n01;
    quad += (n11 * w0 * w0 - 2 * n01 * w0 * w1 + n00 * w1 * w1) / det;
    product *= det / s4;
    if ((j & 15) === 15) {
      logdet += log(product);
      product = 1;
    }
  }
  logdet += log(product);
  // Π|N_j| = σ^{4J} Π(|N_j|/σ⁴): the σ⁴ factors are free of Ψ and dropped.
  return -0.5 * logdet + (0.5 * quad) / sigma2;
}
