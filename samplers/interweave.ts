import type { CrossProducts } from '../src/model/crossprod.js';
import { backSolve, forwardSolve } from '../src/linalg/dense.js';
import { choleskyInto, logHalfTPriorOfFactor, logPriorOfFactor } from './distributions.js';
import type { CollapsedPrior } from './collapsed.js';
import type { BlockShape } from '../src/fit/blocked.js';
import { partialResiduals } from './residuals.js';
import type { Rng } from './rng.js';
import { log } from './elementary.js';

/**
 * Ancillarity–sufficiency interweaving (Yu & Meng 2011) for one random-effects term's Ψ.
 *
 * The Gibbs sweep updates Ψ_k given a_k (the centred parametrisation, in which Ψ_k and a_k are
 * strongly dependent when the data say little about each level). This step then updates the
 * Cholesky factor C of Ψ_k = CC' in the non-centred parametrisation a_kj = Cξ_j, ξ_j ~ N(0, I),
 * holding ξ fixed: there the likelihood is a linear regression in the free elements c of C,
 *
 *   y − Xβ − Σ_{t≠k} Z_t a_t = Σ_j Z_kj C ξ_j + ε = D c + ε,
 *
 * with D'D = G, G[(r,s),(r',s')] = Σ_j ξ_js ξ_js' (Z_kj'Z_kj)_rr' and D'r = h, h[(r,s)] = Σ_j ξ_js (Z_kj'r)_r,
 * all from the cross-product blocks. The prior of C is the inverse-Wishart of CC' times the
 * Jacobian |∂Ψ/∂C| = 2^q Π_i |C_ii|^{q−i+1} (Muirhead 1982, Thm 2.1.9); under the half-t prior,
 * the Huang–Wand density with λ integrated out (`logHalfTPriorOfFactor`), for the reason the
 * collapsed step gives (collapsed.ts): the caller then draws λ_k | Ψ_k afresh. An independence
 * Metropolis–Hastings step proposes c* ~ N(G^{-1}h, σ²G^{-1}), the normalised likelihood, and
 * accepts with the ratio of the priors. ξ, β and σ² stay fixed during the step, so the proposal
 * (and the work of building G and h) serves `proposals` successive Metropolis–Hastings steps, each
 * leaving the same conditional of C invariant: their composition is a near-exact draw of C given
 * ξ at little extra cost. The signs of C's columns are drawn uniformly first (the map
 * (C, ξ) → (a, Ψ) is 2^q-to-1), so the step leaves the posterior of (a, Ψ) invariant.
 */
export class Interweaving {
  private readonly m: number[];
  /** Per term: row r and column s of each free element of C, in θ order (column by column). */
  private readonly rowOf: Int32Array[];
  private readonly colOf: Int32Array[];
  /** Per term scratch (the step allocates nothing): ξ, partial residual cross-products, G, h, factors and vectors. */
  private readonly work: {
    xi: Float64Array; rk: Float64Array; G: Float64Array; LG: Float64Array; h: Float64Array; mean: Float64Array; z: Float64Array;
    C0: Float64Array; C: Float64Array; LS: Float64Array; col: Float64Array; c0: Float64Array; c: Float64Array; cProp: Float64Array;
  }[];

  /**
   * @param proposals Metropolis–Hastings proposals per step (see the class comment).
   */
  constructor(private readonly crossprod: CrossProducts, private readonly shapes: readonly BlockShape[], private readonly p: number, private readonly proposals = 1) {
    this.m = shapes.map((s) => (s.q * (s.q + 1)) / 2);
    this.rowOf = shapes.map(({ q }) => Int32Array.from({ length: (q * (q + 1)) / 2 }, (_, u) => elementOf(q, u)[0]));
    this.colOf = shapes.map(({ q }) => Int32Array.from({ length: (q * (q + 1)) / 2 }, (_, u) => elementOf(q, u)[1]));
    this.work = shapes.map(({ q, nlevels }, k) => {
      const m = this.m[k];
      return {
        xi: new Float64Array(nlevels * q),
        rk: new Float64Array(nlevels * q),
        G: new Float64Array(m * m),
        LG: new Float64Array(m * m),
        h: new Float64Array(m),
        mean: new Float64Array(m),
        z: new Float64Array(m),
        C0: new Float64Array(q * q),
        C: new Float64Array(q * q),
        LS: new Float64Array(q * q),
        col: new Float64Array(q),
        c0: new Float64Array(m),
        c: new Float64Array(m),
        cProp: new Float64Array(m),
      };
    });
  }

  /**
   * Update (a_k, Ψ_k) in place; returns the new residual sum of squares given the old one and
   * whether a proposal was accepted.
   */
  step(k: number, rng: Rng, beta: Float64Array, b: Float64Array[], Psi: Float64Array[], sigma2: number, psiPrior: CollapsedPrior, rss: number): { rss: number; accepted: boolean } {
    const { q, nlevels } = this.shapes[k];
    const m = this.m[k];
    const { xi, G, LG, h, mean, z, C0, C, LS, col, c0, c, cProp } = this.work[k];
    // C0 = chol(Ψ_k) with random column signs; ξ_j = C0^{-1} a_kj.
    if (!choleskyInto(Psi[k], q, C0)) throw new Error('internal: Ψ is not positive definite');
    for (let s = 0; s < q; s++) {
      if (rng.uniform() < 0.5) for (let r = s; r < q; r++) C0[r * q + s] = -C0[r * q + s];
    }
    const a = b[k];
    const rowOf = this.rowOf[k];
    const colOf = this.colOf[k];
    if (q === 2 && this.shapes.length === 1) {
      accumulateQ2(this.crossprod.terms[0], a, C0, beta, this.p, nlevels, xi, G, h);
    } else {
      for (let j = 0; j < nlevels; j++) {
        for (let r = 0; r < q; r++) {
          let s = a[j * q + r];
          for (let l = 0; l < r; l++) s -= C0[r * q + l] * xi[j * q + l];
          xi[j * q + r] = s / C0[r * q + r];
        }
      }
      const rk = partialResiduals(this.crossprod, this.shapes, this.p, k, beta, b, this.work[k].rk);
      // G and h over the free elements (r, s), r ≥ s, in θ order (column by column).
      G.fill(0);
      h.fill(0);
      const ZtZ = this.crossprod.terms[k].ZtZ;
      for (let j = 0; j < nlevels; j++) {
        const o = j * q * q;
        const x = j * q;
        for (let u = 0; u < m; u++) {
          const r = rowOf[u];
          const xs = xi[x + colOf[u]];
          h[u] += xs * rk[x + r];
          for (let v = 0; v <= u; v++) G[u * m + v] += xs * xi[x + colOf[v]] * ZtZ[o + r * q + rowOf[v]];
        }
      }
    }
    for (let u = 0; u < m; u++) for (let v = 0; v < u; v++) G[v * m + u] = G[u * m + v];
    for (let u = 0; u < m; u++) c0[u] = C0[rowOf[u] * q + colOf[u]];
    // Proposal c* = G^{-1}h + σ L_G^{-T} z with G = L_G L_G'.
    if (!choleskyInto(G, m, LG)) return { rss, accepted: false }; // ξ carries no information on C (degenerate design)
    mean.set(h);
    forwardSolve(LG, m, mean);
    backSolve(LG, m, mean);
    if (psiPrior.kind === 'invWishart' && !choleskyInto(psiPrior.scale, q, LS)) throw new Error('internal: prior scale of Ψ is not positive definite');
    const logPriorOf = (F: Float64Array) => (psiPrior.kind === 'halfT' ? logHalfTPriorOfFactor(F, q, psiPrior.nu, psiPrior.scale, col) : logPriorOfFactor(F, q, psiPrior.df, LS, col));
    const sigma = Math.sqrt(sigma2);
    c.set(c0);
    let logPrior = logPriorOf(C0);
    let accepted = false;
    for (let t = 0; t < this.proposals; t++) {
      for (let u = 0; u < m; u++) z[u] = rng.normal();
      backSolve(LG, m, z);
      for (let u = 0; u < m; u++) {
        cProp[u] = mean[u] + sigma * z[u];
        C[rowOf[u] * q + colOf[u]] = cProp[u];
      }
      const logPriorProp = logPriorOf(C);
      if (log(rng.uniform()) < logPriorProp - logPrior) {
        c.set(cProp);
        logPrior = logPriorProp;
        accepted = true;
      }
    }
    if (!accepted) return { rss, accepted: false };
    for (let u = 0; u < m; u++) C[rowOf[u] * q + colOf[u]] = c[u];

    // RSS changes by −2(c − c0)'h + c'Gc − c0'Gc0 (same partial residual, same D).
    let dh = 0;
    for (let u = 0; u < m; u++) dh += (c[u] - c0[u]) * h[u];
    const rssNew = rss - 2 * dh + quadratic(G, m, c) - quadratic(G, m, c0);
    for (let j = 0; j < nlevels; j++) {
      for (let r = 0; r < q; r++) {
        let s = 0;
        for (let l = 0; l <= r; l++) s += C[r * q + l] * xi[j * q + l];
        a[j * q + r] = s;
      }
    }
    const P = Psi[k];
    for (let r = 0; r < q; r++) for (let s = 0; s < q; s++) {
      let v = 0;
      for (let l = 0; l <= Math.min(r, s); l++) v += C[r * q + l] * C[s * q + l];
      P[r * q + s] = v;
    }
    return { rss: Math.max(rssNew, 1e-300), accepted: true };
  }
}

/**
 * The q = 2, single-term case of `step`'s accumulation in one pass over the levels: ξ_j, the
 * partial residual cross-products Z_j'(y − Xβ), and G, h over the free elements
 * (0,0), (1,0), (1,1) of C (lower triangle of G only).
 */
function accumulateQ2(blocks: { ZtZ: Float64Array; ZtXy: Float64Array }, a: Float64Array, C: Float64Array, beta: Float64Array, p: number, nlevels: number, xi: Float64Array, G: Float64Array, h: Float64Array): void {
  const { ZtZ, ZtXy } = blocks;
  const P = p + 1;
  const c00 = C[0];
  const c10 = C[2];
  const c11 = C[3];
  let g00 = 0, g10 = 0, g11 = 0, g20 = 0, g21 = 0, g22 = 0, h0 = 0, h1 = 0, h2 = 0;
  for (let j = 0; j < nlevels; j++) {
    const x0 = a[2 * j] / c00;
    const x1 = (a[2 * j + 1] - c10 * x0) / c11;
    xi[2 * j] = x0;
    xi[2 * j + 1] = x1;
    const o = 2 * j * P;
    let r0 = ZtXy[o + p];
    let r1 = ZtXy[o + P + p];
    for (let t = 0; t < p; t++) {
      r0 -= ZtXy[o + t] * beta[t];
      r1 -= ZtXy[o + P + t] * beta[t];
    }
    const z00 = ZtZ[4 * j];
    const z10 = ZtZ[4 * j + 2];
    const z11 = ZtZ[4 * j + 3];
    const x00 = x0 * x0;
    const x10 = x1 * x0;
    h0 += x0 * r0;
    h1 += x0 * r1;
    h2 += x1 * r1;
    g00 += x00 * z00;
    g10 += x00 * z10;
    g11 += x00 * z11;
    g20 += x10 * z10;
    g21 += x10 * z11;
    g22 += x1 * x1 * z11;
  }
  G[0] = g00;
  G[3] = g10;
  G[4] = g11;
  G[6] = g20;
  G[7] = g21;
  G[8] = g22;
  h[0] = h0;
  h[1] = h1;
  h[2] = h2;
}

/** Row and column of the u-th free element of a q×q lower-triangular factor, column by column. */
export function elementOf(q: number, u: number): [number, number] {
  for (let s = 0; s < q; s++) {
    if (u < q - s) return [s + u, s];
    u -= q - s;
  }
  throw new Error('internal: element index out of range');
}

/** x'Gx for a symmetric m×m G. */
function quadratic(G: Float64Array, m: number, x: Float64Array): number {
  let s = 0;
  for (let u = 0; u < m; u++) for (let v = 0; v < m; v++) s += x[u] * G[u * m + v] * x[v];
  return s;
}
