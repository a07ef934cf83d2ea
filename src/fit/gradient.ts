/**
 * The analytic gradient of the profiled criterion with respect to θ, from the blocked Cholesky
 * factor (blocked.ts) and the cross-product blocks: no n×n matrix, no dense inverse of the
 * random effects' system (only of the factor's dense rest, which the factor holds anyway).
 *
 * The maths. With C = [Z X y]'W[Z X y], Λ̃ = diag(Λ, I_p, 1) and D₀ = diag(I_q, 0, 0), the
 * factor is of Ω = Λ̃'CΛ̃ + D₀ = LL'. Its leading principal blocks give every piece of the
 * criterion: log|Λ'Z'WZΛ + I| = log det Ω_u, log|R_X|² = log det Ω_uβ − log det Ω_u and
 * r² = det Ω / det Ω_uβ (Bates et al. 2015, eqs. 18, 34, 41). Up to constants
 *
 *   ML:   d(θ) = log det Ω_u + n (log det Ω − log det Ω_uβ),
 *   REML: d(θ) = log det Ω_uβ + (n − p)(log det Ω − log det Ω_uβ).
 *
 * For a leading block X, ∂ log det Ω_X = tr(Ω_X^{-1} ∂Ω_X), and Ω_X^{-1}, padded with zeros, is
 * L^{-T} P_X L^{-1} (P_X the projection on X's rows: L^{-1} is lower triangular). So
 * ∂d = tr(Γ ∂Ω) with Γ = L^{-T} D L^{-1}, D = diag(1 on u, w_β on β, w_y on y), where
 * (w_β, w_y) = (0, n) for ML and (1, n − p) for REML. With ∂Ω = E'CΛ̃ + Λ̃'CE for
 * E = ∂Λ̃/∂Λ_k[r, c] = Σ_j e_{(k,j,r)} e_{(k,j,c)}',
 *
 *   ∂d/∂Λ_k[r, c] = 2 Σ_j (CΛ̃Γ)[(k,j,r), (k,j,c)],
 *
 * which needs Γ only where C is structurally non-zero (Takahashi's selected inverse). With the
 * factor's blocks L = [L₀ 0; W L_R] (term 0 block diagonal, the rest dense):
 *
 *   Γ_RR = L_R^{-T} D_R L_R^{-1},  Γ_R0 = −Γ_RR W L₀^{-1},  Γ_00,j = L₀_j^{-T}(I + W_j'Γ_RR W_j)L₀_j^{-1},
 *
 * and Γ_R0 is needed (and computed) only on the rows of W_j: W_j is zero elsewhere. No Λ^{-1}
 * appears, so the formula holds on the boundary (zero diagonal elements of Λ) and across it.
 */
import { dotTile4x2, lowerInverse, lowerTriangularInverse } from '../linalg/dense.js';
import type { BlockedCholesky } from './blocked.js';
import { firstTermLevelRows } from '../model/crossprod.js';

/**
 * ∂/∂θ of the criterion `f.objective(reml)` at the θ of the factor's last `update` or
 * `evaluateFactored` (which must have succeeded: `f.ok`). Returns one entry per θ element, in
 * the layout's order. Cost: two M³/6 triangular products for Γ_RR, Γ_RR W_j per level of term 0
 * (by observations where the factor takes that route), and small blocks on C's structure.
 */
export function criterionGradient(f: BlockedCholesky, reml: boolean): Float64Array {
  if (!f.ok) throw new Error('criterionGradient: the factor was not updated at a positive-definite θ');
  const { M, P, p, n, S, xOffset, shapes, restOffset, crossprod, L0, Wre, WXy, layout } = f;
  const K = shapes.length;
  const { q: q0, nlevels: n0 } = shapes[0];
  const wBeta = reml ? 1 : 0;
  const wY = reml ? n - p : n;

  const G = weightedInverse(S, M, xOffset, wBeta, wY);
  const { GWre, GWXy, G00 } = firstTermInverse(f, G);

  // Q_k = Σ_j (CΛ̃Γ)[(k,j), (k,j)], block by block of C's structure.
  const Q = shapes.map((s) => new Float64Array(s.q * s.q));
  const qmax = Math.max(P, ...shapes.map((s) => s.q));
  const V = new Float64Array(qmax * qmax);
  const Gm = new Float64Array(qmax * qmax);
  const T = new Float64Array(qmax * qmax);
  const lambdas = shapes.map((_, k) => f.lambda(k));
  const Lam0 = lambdas[0];
  {
    const { ZtZ, ZtXy } = crossprod.terms[0];
    for (let j = 0; j < n0; j++) {
      // Term 0's own block, and its [X y] columns.
      addTriple(Q[0], q0, ZtZ, j * q0 * q0, q0, Lam0, G00, j * q0 * q0, T);
      addTriple(Q[0], q0, ZtXy, j * q0 * P, P, null, GWXy, j * P * q0, T);
    }
  }
  for (let k = 1; k < K; k++) {
    const qk = shapes[k].q;
    const Lamk = lambdas[k];
    const { ZtZ, ZtXy } = crossprod.terms[k];
    for (let l = 0; l < shapes[k].nlevels; l++) {
      const base = restOffset[k] + l * qk;
      // Own block: ZtZ_l Λ_k Γ[(k,l), (k,l)].
      for (let m = 0; m < qk; m++) for (let c = 0; c < qk; c++) Gm[m * qk + c] = G[(base + m) * M + base + c];
      addTriple(Q[k], qk, ZtZ, l * qk * qk, qk, Lamk, Gm, 0, T);
      // [X y] columns: Z_l'[X y] Γ[[X y], (k,l)].
      for (let a = 0; a < P; a++) for (let c = 0; c < qk; c++) Gm[a * qk + c] = G[(xOffset + a) * M + base + c];
      addTriple(Q[k], qk, ZtXy, l * qk * P, P, null, Gm, 0, T);
    }
    // Blocks with term 0: C[(k,l), (0,j)] = V (qk×q0), and its transpose for Q_0.
    {
      const { colPtr, values } = crossprod.cross[k][0];
      const GW = GWre[k];
      for (let j = 0; j < n0; j++) {
        for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
          const o = s * qk * q0;
          // Q_k += V Λ0 Γ[(0,j), (k,l)], Γ[(0,j)m, (k,l)c] = GW[(s qk + c) q0 + m].
          for (let m = 0; m < q0; m++) for (let c = 0; c < qk; c++) Gm[m * qk + c] = GW[o + c * q0 + m];
          addTriple(Q[k], qk, values, o, q0, Lam0, Gm, 0, T);
          // Q_0 += V' Λ_k Γ[(k,l), (0,j)], the latter GW's block as stored (qk×q0).
          for (let m = 0; m < q0; m++) for (let c = 0; c < qk; c++) V[m * qk + c] = values[o + c * q0 + m];
          addTriple(Q[0], q0, V, 0, qk, Lamk, GW, o, T);
        }
      }
    }
    // Blocks between terms t and k, 1 ≤ t < k.
    for (let t = 1; t < k; t++) {
      const qt = shapes[t].q;
      const Lamt = lambdas[t];
      const { colPtr, rowLevel, values } = crossprod.cross[k][t];
      for (let j = 0; j < shapes[t].nlevels; j++) {
        const colBase = restOffset[t] + j * qt;
        for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
          const rowBase = restOffset[k] + rowLevel[s] * qk;
          const o = s * qk * qt;
          for (let m = 0; m < qt; m++) for (let c = 0; c < qk; c++) Gm[m * qk + c] = G[(colBase + m) * M + rowBase + c];
          addTriple(Q[k], qk, values, o, qt, Lamt, Gm, 0, T);
          for (let m = 0; m < qt; m++) for (let c = 0; c < qk; c++) V[m * qk + c] = values[o + c * qt + m];
          for (let m = 0; m < qk; m++) for (let c = 0; c < qt; c++) Gm[m * qt + c] = G[(rowBase + m) * M + colBase + c];
          addTriple(Q[t], qt, V, 0, qk, Lamk, Gm, 0, T);
        }
      }
    }
  }

  // ∂d/∂θ for θ_t = Λ_k[r, c] (column-major lower triangle, theta.ts) is 2 Q_k[r, c].
  const gradient = new Float64Array(layout.length);
  for (let k = 0; k < K; k++) {
    const q = shapes[k].q;
    let t = layout.offset[k];
    for (let c = 0; c < q; c++) for (let r = c; r < q; r++) gradient[t++] = 2 * Q[k][r * q + c];
  }
  return gradient;
}

/**
 * Q (qa×qa, lower triangle) += V Λ Γ for V (qa×qb at `vo`), Λ (qb×qb lower triangular, or the
 * identity when null) and Γ (qb×qa at `go`). `T` is scratch (≥ qa·qb).
 */
function addTriple(Q: Float64Array, qa: number, Vs: Float64Array, vo: number, qb: number, Lam: Float64Array | null, Gs: Float64Array, go: number, T: Float64Array): void {
  let Tv = Vs;
  let to = vo;
  if (Lam) {
    for (let r = 0; r < qa; r++) {
      for (let m = 0; m < qb; m++) {
        let s = 0;
        for (let l = m; l < qb; l++) s += Vs[vo + r * qb + l] * Lam[l * qb + m];
        T[r * qb + m] = s;
      }
    }
    Tv = T;
    to = 0;
  }
  for (let r = 0; r < qa; r++) {
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let m = 0; m < qb; m++) s += Tv[to + r * qb + m] * Gs[go + m * qa + c];
      Q[r * qa + c] += s;
    }
  }
}

/**
 * Γ_RR = L_R^{-T} D_R L_R^{-1} (M×M, both triangles) for the factored rest L_R in the lower
 * triangle of S, with D_R = 1 on the random-effects rows (before `xOffset`), wBeta on the fixed
 * effects' rows and wY on the last (response) row: summed row by row of L_R^{-1}.
 */
function weightedInverse(S: Float64Array, M: number, xOffset: number, wBeta: number, wY: number): Float64Array {
  const Linv = lowerInverse(S, M, 0, M);
  // U = (L_R^{-1})' (row a holds column a of L_R^{-1}, non-zero from a on) and Uw = U D, so that
  // Γ[a][b] = Σ_e Uw[a][e] U[b][e]: dot products of contiguous rows, in 4×2 register tiles
  // below the diagonal blocks. Each sum runs over e upwards from the tile's first row, where
  // U's leading zeros add nothing, so every entry is Σ_{e ≥ a} (w_e L^{-1}[e][a]) L^{-1}[e][b].
  const U = new Float64Array(M * M);
  const Uw = new Float64Array(M * M);
  for (let e = 0; e < M; e++) {
    const w = e < xOffset ? 1 : e < M - 1 ? wBeta : wY;
    const le = e * M;
    for (let a = 0; a <= e; a++) {
      const v = Linv[le + a];
      U[a * M + e] = v;
      Uw[a * M + e] = w * v;
    }
  }
  const G = new Float64Array(M * M);
  for (let ib = 0; ib < M; ib += 4) {
    const full = ib + 4 <= M;
    if (full) {
      for (let jb = 0; jb < ib; jb += 2) dotTile4x2(Uw, ib * M, M, U, jb * M, M, ib, M, G, ib * M + jb, M);
    }
    for (let a = ib; a < Math.min(ib + 4, M); a++) {
      for (let b = full ? ib : 0; b <= a; b++) {
        let s = 0;
        for (let e = a; e < M; e++) s += Uw[a * M + e] * U[b * M + e];
        G[a * M + b] = s;
      }
    }
  }
  for (let a = 0; a < M; a++) for (let b = 0; b < a; b++) G[b * M + a] = G[a * M + b];
  return G;
}

/**
 * Term 0's part of Γ, level by level: Γ_R0 = −Γ_RR W_j L₀_j^{-1} on the rows of W_j (stored in
 * W's layout: `GWre[k]` as `f.Wre[k]`, `GWXy` as `f.WXy`) and the diagonal blocks
 * Γ_00,j = L₀_j^{-T}(I + W_j'Γ_RR W_j)L₀_j^{-1} (`G00`, q0×q0 per level).
 */
function firstTermInverse(f: BlockedCholesky, G: Float64Array): { GWre: Float64Array[]; GWXy: Float64Array; G00: Float64Array } {
  const { M, P, xOffset, shapes, restOffset, crossprod, L0, Wre, WXy } = f;
  const observation = f.observationRoute;
  const lambdas = shapes.map((_, k) => f.lambda(k));
  const K = shapes.length;
  const { q: q0, nlevels: n0 } = shapes[0];
  const GWre = Wre.map((w) => new Float64Array(w.length));
  const GWXy = new Float64Array(WXy.length);
  const G00 = new Float64Array(n0 * q0 * q0);
  let maxRows = P;
  for (let j = 0; j < n0; j++) maxRows = Math.max(maxRows, P + firstTermLevelRows(crossprod, shapes, j));
  const rowIndex = new Int32Array(maxRows);
  const Wj = new Float64Array(maxRows * q0);
  const H = new Float64Array(maxRows * q0);
  const R = new Float64Array(maxRows * q0);
  const WT = new Float64Array(maxRows * q0);
  const gRow = new Float64Array(maxRows);
  const L0inv = new Float64Array(q0 * q0);
  const X = new Float64Array(q0 * q0);
  const Tt = observation?.gammaTimesObservations(lambdas, G, M, (j) => P + firstTermLevelRows(crossprod, shapes, j));
  for (let j = 0; j < n0; j++) {
    // Gather W_j's rows (in BlockedCholesky.gatherColumn's order).
    let count = 0;
    for (let k = 1; k < K; k++) {
      const qk = shapes[k].q;
      const { colPtr, rowLevel } = crossprod.cross[k][0];
      const W = Wre[k];
      for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
        for (let r = 0; r < qk; r++, count++) {
          rowIndex[count] = restOffset[k] + rowLevel[s] * qk + r;
          const from = (s * qk + r) * q0;
          for (let c = 0; c < q0; c++) Wj[count * q0 + c] = W[from + c];
        }
      }
    }
    for (let a = 0; a < P; a++, count++) {
      rowIndex[count] = xOffset + a;
      const from = j * P * q0 + a * q0;
      for (let c = 0; c < q0; c++) Wj[count * q0 + c] = WXy[from + c];
    }
    if (observation && observation.byObservation[j]) {
      observation.gammaTimesW(j, lambdas, L0, j * q0 * q0, WXy, j * P * q0, P, G, M, xOffset, rowIndex, count, H, Tt);
    } else {
      gatheredProduct(G, M, rowIndex, count, Wj, q0, H, WT, gRow);
    }
    lowerTriangularInverse(L0, j * q0 * q0, q0, L0inv);
    // X = I + W_j'H, then Γ_00,j = L0inv' X L0inv.
    for (let a = 0; a < q0; a++) {
      for (let c = 0; c < q0; c++) {
        let s = a === c ? 1 : 0;
        for (let b = 0; b < count; b++) s += Wj[b * q0 + a] * H[b * q0 + c];
        X[a * q0 + c] = s;
      }
    }
    const go = j * q0 * q0;
    for (let a = 0; a < q0; a++) {
      for (let c = 0; c < q0; c++) {
        let s = 0;
        for (let m = a; m < q0; m++) {
          const lma = L0inv[m * q0 + a];
          if (lma === 0) continue;
          for (let l = c; l < q0; l++) s += lma * X[m * q0 + l] * L0inv[l * q0 + c];
        }
        G00[go + a * q0 + c] = s;
      }
    }
    // Γ_R0 rows = −H L0inv, scattered back in W's layout.
    for (let t = 0; t < count; t++) {
      for (let c = 0; c < q0; c++) {
        let s = 0;
        for (let m = c; m < q0; m++) s += H[t * q0 + m] * L0inv[m * q0 + c];
        R[t * q0 + c] = -s;
      }
    }
    let t = 0;
    for (let k = 1; k < K; k++) {
      const qk = shapes[k].q;
      const { colPtr } = crossprod.cross[k][0];
      const out = GWre[k];
      for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
        for (let r = 0; r < qk; r++, t++) for (let c = 0; c < q0; c++) out[(s * qk + r) * q0 + c] = R[t * q0 + c];
      }
    }
    for (let a = 0; a < P; a++, t++) for (let c = 0; c < q0; c++) GWXy[j * P * q0 + a * q0 + c] = R[t * q0 + c];
  }
  return { GWre, GWXy, G00 };
}

/**
 * H = G[rows, rows] W for the `count` gathered rows (W and H count×q, row-major): row a of G
 * gathered into a contiguous buffer, then q dot products with the columns of W (`WT`, W
 * transposed, scratch of count·q).
 */
function gatheredProduct(G: Float64Array, M: number, rows: Int32Array, count: number, W: Float64Array, q: number, H: Float64Array, WT: Float64Array, g: Float64Array): void {
  for (let b = 0; b < count; b++) for (let c = 0; c < q; c++) WT[c * count + b] = W[b * q + c];
  for (let a = 0; a < count; a++) {
    const ra = rows[a] * M;
    for (let b = 0; b < count; b++) g[b] = G[ra + rows[b]];
    for (let c = 0; c < q; c++) {
      const wc = c * count;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let b = 0;
      for (; b + 3 < count; b += 4) {
        s0 += g[b] * WT[wc + b];
        s1 += g[b + 1] * WT[wc + b + 1];
        s2 += g[b + 2] * WT[wc + b + 2];
        s3 += g[b + 3] * WT[wc + b + 3];
      }
      for (; b < count; b++) s0 += g[b] * WT[wc + b];
      H[a * q + c] = s0 + s1 + s2 + s3;
    }
  }
}
