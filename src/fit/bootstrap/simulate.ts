/**
 * Parametric bootstrap responses drawn as cross-products, never as rows.
 *
 * A replicate is y* = Xβ̂ + Zb* + ε*, b* = Λ̂u*, u* ~ N(0, σ̂²I), ε* ~ N(0, σ̂²I_n) (MixedModels.jl's
 * `parametricbootstrap`, lme4's `simulate`). The fitters read y* only through Z'y*, X'y* and
 * y*'y*. With C = [Z X] (weighted: W^{1/2}[Z X]) and γ = (b*, β̂), the mean μ = Cγ lies in the
 * span of C, so
 *
 *     C'y* = C'Cγ + w,   y*'y* = γ'C'Cγ + 2γ'w + ‖ε*‖²,   w = C'ε* ~ N(0, σ̂² C'C).
 *
 * With a root C'C = RR' (R of full column rank r, found from the blocks below), w = Rξ with
 * ξ ~ N(0, σ̂²I_r), and ‖ε*‖² = ‖P_C ε*‖² + ‖(I − P_C)ε*‖² = ‖ξ‖² + σ̂²·χ²_{n−r}, the two parts
 * independent. So a replicate costs O(blocks), whatever n.
 *
 * The root, from the block structure of C'C (term 0 level-diagonal, the rest dense):
 * A_j = Z_0j'Z_0j = U_jU_j' by eigen-decomposition (rank r_j), B_j = Z_0j'[Z_rest X], and the
 * Schur complement S = D − Σ_j B_j'A_j⁻B_j = R_sR_s' by pivoted Cholesky (rank r_s). Then
 * R = [[U, 0], [B'A⁻U, R_s]] (A⁻U = D⁻¹V_rΛ_r^{-1/2} per level), which reproduces C'C exactly
 * because B_j lies in the range of A_j.
 *
 * Everything is in the cross-products' own parametrisation (centred X, shifted y: reparam.ts),
 * so β̂ here is the fit's β'.
 */
import { symmetricEigen } from '../../optim/eigen.js';
import type { CrossProducts } from '../../model/crossprod.js';

/** Relative size (eigenvalue of a scaled block, or pivot over the original diagonal) below which a direction is dropped. */
export const ROOT_TOLERANCE = 1e-10;

/** The stream a simulator draws from: standard normals and gamma variates. */
export interface NormalSource {
  normal(): number;
  gamma(shape: number): number;
}

/** Shapes of the random-effects terms (lme4 order). */
export interface TermShape {
  q: number;
  nlevels: number;
}

/**
 * Draws the y-parts of the cross-products of parametric bootstrap replicates, from the fixed
 * blocks [Z X]'[Z X] of a model and the estimates (β', Λ, σ) of its fit.
 */
export class CrossProductSimulator {
  /** Random effects in all (Σ q_k·J_k). */
  readonly Q: number;
  /** Rank of C'C: the directions w lives in (Σ r_j + r_s). */
  readonly rank: number;
  private readonly offsets: number[];
  private readonly P: number;
  /** Per level of term 0: D V_r Λ_r^{1/2} (q0×q0, unused columns zero), and D⁻¹ V_r Λ_r^{-1/2}. */
  private readonly U0: Float64Array;
  private readonly T0: Float64Array;
  /** Per level of term 0, its rank. */
  private readonly r0: Int32Array;
  /** Per level j of term 0: the rest coordinates B_j touches and B_j's columns there (q0 values each). */
  private readonly restRows: { rows: Int32Array; vals: Float64Array }[] = [];
  /** Size of the dense rest (terms ≥ 1, then X). */
  private readonly m: number;
  /** Pivoted Cholesky of the Schur complement: m×r_s, row-major (row = rest coordinate). */
  private readonly Rs: Float64Array;
  private readonly rs: number;
  // Scratch for one replicate.
  private readonly gamma: Float64Array;
  private readonly g: Float64Array;
  private readonly w: Float64Array;
  private readonly t: Float64Array;
  private readonly xi: Float64Array;
  private readonly xs: Float64Array;
  private readonly restW: Float64Array;

  /**
   * @param cp the model's cross-products (the y-parts are not read)
   * @param shapes the terms' q and number of levels
   */
  constructor(readonly cp: CrossProducts, readonly shapes: readonly TermShape[]) {
    this.P = cp.p + 1;
    this.offsets = [];
    let Q = 0;
    for (const { q, nlevels } of shapes) {
      this.offsets.push(Q);
      Q += q * nlevels;
    }
    this.Q = Q;
    const { q: q0, nlevels: n0 } = shapes[0];
    this.m = Q - q0 * n0 + cp.p;
    this.U0 = new Float64Array(n0 * q0 * q0);
    this.T0 = new Float64Array(n0 * q0 * q0);
    this.r0 = new Int32Array(n0);
    const schur = this.restBlock();
    this.rootFirstTerm(schur);
    const { R, rank } = pivotedCholesky(schur, this.m, ROOT_TOLERANCE);
    this.Rs = R;
    this.rs = rank;
    this.rank = this.r0.reduce((s, r) => s + r, 0) + rank;
    this.gamma = new Float64Array(Q + cp.p);
    this.g = new Float64Array(Q + cp.p);
    this.w = new Float64Array(Q + cp.p);
    this.t = new Float64Array(q0);
    this.xi = new Float64Array(q0);
    this.xs = new Float64Array(rank);
    this.restW = new Float64Array(this.m);
  }

  /** Index of rest coordinate i (terms ≥ 1 then X) in the full vector. */
  private full(i: number): number {
    return i + this.shapes[0].q * this.shapes[0].nlevels;
  }

  /** D: the rest's block of C'C (terms ≥ 1 and X), dense m×m row-major, both triangles. */
  private restBlock(): Float64Array {
    const { cp, shapes, m, P, offsets } = this;
    const base0 = shapes[0].q * shapes[0].nlevels;
    const D = new Float64Array(m * m);
    const set = (a: number, b: number, v: number): void => {
      D[a * m + b] = v;
      D[b * m + a] = v;
    };
    const xo = m - cp.p;
    for (let k = 1; k < shapes.length; k++) {
      const { q, nlevels } = shapes[k];
      const o = offsets[k] - base0;
      const { ZtZ, ZtXy } = cp.terms[k];
      for (let i = 0; i < nlevels; i++) {
        for (let r = 0; r < q; r++) {
          for (let c = 0; c < q; c++) D[(o + i * q + r) * m + o + i * q + c] = ZtZ[i * q * q + r * q + c];
          for (let a = 0; a < cp.p; a++) set(o + i * q + r, xo + a, ZtXy[(i * q + r) * P + a]);
        }
      }
      for (let t = 1; t < k; t++) {
        const qt = shapes[t].q;
        const ot = offsets[t] - base0;
        const { colPtr, rowLevel, values } = cp.cross[k][t];
        for (let j = 0; j < shapes[t].nlevels; j++) {
          for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
            for (let r = 0; r < q; r++) for (let c = 0; c < qt; c++) set(o + rowLevel[s] * q + r, ot + j * qt + c, values[(s * q + r) * qt + c]);
          }
        }
      }
    }
    for (let a = 0; a < cp.p; a++) for (let b = 0; b < cp.p; b++) D[(xo + a) * m + xo + b] = cp.XytXy[a * P + b];
    return D;
  }

  /**
   * Roots of term 0's level blocks, and the Schur complement D −= Σ_j B_j'A_j⁻B_j in place
   * (A_j⁻ = D_j⁻¹V_rΛ_r⁻¹V_r'D_j⁻¹ on the kept eigenvectors of the unit-diagonal scaling).
   */
  private rootFirstTerm(D: Float64Array): void {
    const { cp, shapes, m, U0, T0, r0 } = this;
    const { q, nlevels } = shapes[0];
    const A = new Float64Array(q * q);
    const d = new Float64Array(q);
    for (let j = 0; j < nlevels; j++) {
      const o = j * q * q;
      for (let r = 0; r < q; r++) d[r] = Math.sqrt(cp.terms[0].ZtZ[o + r * q + r]);
      for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) A[r * q + c] = d[r] > 0 && d[c] > 0 ? cp.terms[0].ZtZ[o + r * q + c] / (d[r] * d[c]) : 0;
      const { values, vectors: V } = symmetricEigen(A, q);
      const largest = Math.max(...values);
      let rank = 0;
      for (let e = 0; e < q; e++) {
        if (!(values[e] > ROOT_TOLERANCE * largest)) continue;
        const up = Math.sqrt(values[e]);
        for (let r = 0; r < q; r++) {
          if (d[r] === 0) continue;
          U0[o + r * q + rank] = d[r] * V[r * q + e] * up;
          T0[o + r * q + rank] = V[r * q + e] / (d[r] * up);
        }
        rank++;
      }
      r0[j] = rank;
      // B_j' T_j (m × rank), sparse in the rest's term columns: then D −= (B_j'T_j)(B_j'T_j)'.
      const level = this.levelRows(j);
      this.restRows.push(level);
      const { rows, vals } = level;
      const H = new Float64Array(rows.length * rank);
      for (let i = 0; i < rows.length; i++) {
        for (let e = 0; e < rank; e++) {
          let s = 0;
          for (let r = 0; r < q; r++) s += vals[i * q + r] * T0[o + r * q + e];
          H[i * rank + e] = s;
        }
      }
      for (let a = 0; a < rows.length; a++) {
        for (let b = 0; b < rows.length; b++) {
          let s = 0;
          for (let e = 0; e < rank; e++) s += H[a * rank + e] * H[b * rank + e];
          D[rows[a] * m + rows[b]] -= s;
        }
      }
    }
  }

  /**
   * The rest coordinates that B_j (level j of term 0) touches, and B_j's column for each (q0
   * values per row): the other terms' levels crossed with j, then every X column.
   */
  private levelRows(j: number): { rows: Int32Array; vals: Float64Array } {
    const { cp, shapes, offsets, P, m } = this;
    const q0 = shapes[0].q;
    const base0 = q0 * shapes[0].nlevels;
    const rows: number[] = [];
    const vals: number[] = [];
    for (let k = 1; k < shapes.length; k++) {
      const qk = shapes[k].q;
      const { colPtr, rowLevel, values } = cp.cross[k][0];
      for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
        for (let r = 0; r < qk; r++) {
          rows.push(offsets[k] - base0 + rowLevel[s] * qk + r);
          for (let c = 0; c < q0; c++) vals.push(values[(s * qk + r) * q0 + c]);
        }
      }
    }
    const xo = m - cp.p;
    for (let a = 0; a < cp.p; a++) {
      rows.push(xo + a);
      for (let c = 0; c < q0; c++) vals.push(cp.terms[0].ZtXy[(j * q0 + c) * P + a]);
    }
    return { rows: Int32Array.from(rows), vals: Float64Array.from(vals) };
  }

  /**
   * One replicate: writes Z'y*, X'y* and y*'y* into the y-parts of `out` (a copy of the model's
   * cross-products whose other blocks are the model's).
   *
   * @param betaPrime β̂ in the cross-products' parametrisation
   * @param lambdas Λ̂_k per term (q×q row-major, lower triangular)
   * @param sigma σ̂
   * @param b the random effects to hold fixed instead of drawing them (per term, level-major):
   *   lme4's `use.u = TRUE`, a bootstrap conditional on the levels' estimated effects
   */
  simulate(rng: NormalSource, betaPrime: ArrayLike<number>, lambdas: readonly Float64Array[], sigma: number, out: CrossProducts, b?: readonly Float64Array[]): void {
    const { cp, shapes, offsets, Q, gamma, g, w, P } = this;
    const p = cp.p;
    // γ = (Λ̂u*, β̂'), u* ~ N(0, σ̂²I); or γ = (b, β̂').
    shapes.forEach(({ q, nlevels }, k) => {
      if (b) {
        gamma.set(b[k], offsets[k]);
        return;
      }
      const Lam = lambdas[k];
      const o = offsets[k];
      const u = new Float64Array(q);
      for (let j = 0; j < nlevels; j++) {
        for (let r = 0; r < q; r++) u[r] = sigma * rng.normal();
        for (let r = 0; r < q; r++) {
          let s = 0;
          for (let c = 0; c <= r; c++) s += Lam[r * q + c] * u[c];
          gamma[o + j * q + r] = s;
        }
      }
    });
    for (let a = 0; a < p; a++) gamma[Q + a] = betaPrime[a];
    this.multiply(gamma, g);
    // w = Rξ, ξ ~ N(0, σ̂²I_r).
    w.fill(0);
    let xi2 = 0;
    const { q: q0, nlevels: n0 } = shapes[0];
    const { xi, xs, restW } = this;
    restW.fill(0);
    for (let j = 0; j < n0; j++) {
      const o = j * q0 * q0;
      const rank = this.r0[j];
      for (let e = 0; e < rank; e++) {
        xi[e] = sigma * rng.normal();
        xi2 += xi[e] * xi[e];
      }
      for (let r = 0; r < q0; r++) {
        let s = 0;
        let tr = 0;
        for (let e = 0; e < rank; e++) {
          s += this.U0[o + r * q0 + e] * xi[e];
          tr += this.T0[o + r * q0 + e] * xi[e];
        }
        w[j * q0 + r] = s;
        this.t[r] = tr;
      }
      // The rest's share B_j' A_j⁻ U_j ξ_j = B_j' t.
      const { rows, vals } = this.restRows[j];
      for (let i = 0; i < rows.length; i++) {
        let s = 0;
        for (let r = 0; r < q0; r++) s += vals[i * q0 + r] * this.t[r];
        restW[rows[i]] += s;
      }
    }
    for (let e = 0; e < this.rs; e++) {
      xs[e] = sigma * rng.normal();
      xi2 += xs[e] * xs[e];
    }
    for (let i = 0; i < this.m; i++) {
      let s = restW[i];
      for (let e = 0; e < this.rs; e++) s += this.Rs[i * this.rs + e] * xs[e];
      w[this.full(i)] = s;
    }
    // ‖ε*‖² = ‖ξ‖² + σ̂²χ²_{n−r} (χ²_k = 2·Gamma(k/2)).
    const df = cp.n - this.rank;
    const e2 = xi2 + (df > 0 ? sigma * sigma * 2 * rng.gamma(df / 2) : 0);
    let yy = e2;
    for (let i = 0; i < gamma.length; i++) yy += gamma[i] * (g[i] + 2 * w[i]);

    shapes.forEach(({ q, nlevels }, k) => {
      const ZtXy = out.terms[k].ZtXy;
      const o = offsets[k];
      for (let j = 0; j < nlevels; j++) for (let r = 0; r < q; r++) ZtXy[(j * q + r) * P + p] = g[o + j * q + r] + w[o + j * q + r];
    });
    for (let a = 0; a < p; a++) {
      const v = g[Q + a] + w[Q + a];
      out.XytXy[a * P + p] = v;
      out.XytXy[p * P + a] = v;
    }
    out.XytXy[p * P + p] = yy;
  }

  /** g = C'C·x over the blocks (x, g: random effects in lme4 order, then the fixed effects). */
  multiply(x: Float64Array, g: Float64Array): void {
    const { cp, shapes, offsets, Q, P } = this;
    const p = cp.p;
    g.fill(0);
    shapes.forEach(({ q, nlevels }, k) => {
      const o = offsets[k];
      const { ZtZ, ZtXy } = cp.terms[k];
      for (let j = 0; j < nlevels; j++) {
        for (let r = 0; r < q; r++) {
          let s = 0;
          for (let c = 0; c < q; c++) s += ZtZ[j * q * q + r * q + c] * x[o + j * q + c];
          for (let a = 0; a < p; a++) {
            const v = ZtXy[(j * q + r) * P + a];
            s += v * x[Q + a];
            g[Q + a] += v * x[o + j * q + r];
          }
          g[o + j * q + r] += s;
        }
      }
      for (let t = 0; t < k; t++) {
        const qt = shapes[t].q;
        const ot = offsets[t];
        const { colPtr, rowLevel, values } = cp.cross[k][t];
        for (let j = 0; j < shapes[t].nlevels; j++) {
          for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
            const i = rowLevel[s];
            for (let r = 0; r < q; r++) {
              for (let c = 0; c < qt; c++) {
                const v = values[(s * q + r) * qt + c];
                g[o + i * q + r] += v * x[ot + j * qt + c];
                g[ot + j * qt + c] += v * x[o + i * q + r];
              }
            }
          }
        }
      }
    });
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let b = 0; b < p; b++) s += cp.XytXy[a * P + b] * x[Q + b];
      g[Q + a] += s;
    }
  }
}

/**
 * Pivoted Cholesky of a symmetric positive semi-definite m×m matrix (row-major, both triangles
 * read): A = R R' with R m×rank (row-major), the pivot chosen as the largest remaining diagonal
 * relative to its original value, stopping when that ratio is ≤ `tol` (the remaining directions
 * are linear combinations of the chosen ones to that precision).
 */
export function pivotedCholesky(A: Float64Array, m: number, tol: number): { R: Float64Array; rank: number } {
  const d = new Float64Array(m);
  const orig = new Float64Array(m);
  for (let i = 0; i < m; i++) d[i] = orig[i] = A[i * m + i];
  const chosen = new Uint8Array(m);
  const cols: Float64Array[] = [];
  for (let k = 0; k < m; k++) {
    let best = -1;
    let ratio = tol;
    for (let i = 0; i < m; i++) {
      if (chosen[i] || !(orig[i] > 0)) continue;
      const rel = d[i] / orig[i];
      if (rel > ratio) {
        ratio = rel;
        best = i;
      }
    }
    if (best < 0) break;
    chosen[best] = 1;
    const piv = Math.sqrt(d[best]);
    const col = new Float64Array(m);
    col[best] = piv;
    for (let i = 0; i < m; i++) {
      if (chosen[i]) continue;
      let s = A[i * m + best];
      for (const c of cols) s -= c[i] * c[best];
      col[i] = s / piv;
      d[i] -= col[i] * col[i];
    }
    cols.push(col);
  }
  const rank = cols.length;
  const R = new Float64Array(m * rank);
  cols.forEach((c, e) => {
    for (let i = 0; i < m; i++) R[i * rank + e] = c[i];
  });
  return { R, rank };
}
