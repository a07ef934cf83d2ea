/**
 * Effective degrees of freedom of the random-effects terms (seed 004, "Shrinkage and Random
 * Effects - EDF"), generalised from the seed's model without fixed effects to any model the
 * fitter takes.
 *
 * At a given θ (Ψ_k = σ²Λ_kΛ_k'), the fitted values are ŷ = H y with the hat matrix of the
 * penalised least-squares problem (Bates et al. 2015, eq. 13),
 *
 *     H = [ZΛ X] M⁻¹ [ZΛ X]',    M = [[Λ'Z'ZΛ + I, Λ'Z'X], [X'ZΛ, X'X]] = L L',
 *
 * and since [ZΛ X]'[ZΛ X] = M − diag(I, 0), tr(H) = (Q + p) − tr((M⁻¹)_uu) for Q random effects.
 * The random effects' share, tr(H) − p, splits over the terms by the diagonal blocks:
 *
 *     EDF_k = q_k·J_k − tr((M⁻¹)_kk),   (M⁻¹)_uu = S⁻¹ + S⁻¹B G⁻¹ B'S⁻¹,
 *
 * with S = Λ'Z'ZΛ + I, B = Λ'Z'X and G = X'X − B'S⁻¹B = L_X L_X' (the fixed-effects block of the
 * factor): the first part is the blocks of S⁻¹ (lme4's condVar before the scaling by σ²Λ·Λ'),
 * the second Σ_a ‖(L^{-T} e_a)_k‖² over the p fixed-effects unit vectors, p solves with the
 * blocked factor. Without fixed effects it is Σ_j tr[(Ψ A_j + σ² I)⁻¹ Ψ A_j] (A_j = Z_j'Z_j), the
 * seed's n·r/(r + σ²/τ²) for a balanced random intercept; with an estimated intercept the same
 * design gives (n − 1)·r/(r + σ²/τ²): one degree of freedom goes to the mean the levels are pulled
 * toward. EDF_k runs from 0 (Ψ_k = 0) to the no-pooling fit's degrees of freedom beyond X,
 * rank[X Z_k] − rank X (see {@link noPoolingDf}), which it reaches as Ψ_k → ∞.
 */
import { symmetricEigen } from '../optim/eigen.js';
import type { MixedModel } from '../model/model.js';
import type { BlockedCholesky } from './blocked.js';
import { randomEffectsInverseBlocks, solve } from './solution.js';

/**
 * EDF_k of every random-effects term (lme4 order) at the θ the factor was last updated with.
 * The caller checks that the update succeeded.
 */
export function randomEffectsEdf(f: BlockedCholesky): Float64Array {
  const { shapes, p } = f;
  const V = randomEffectsInverseBlocks(f);
  const edf = Float64Array.from(shapes, ({ q, nlevels }, k) => {
    let e = 0;
    for (let j = 0; j < nlevels; j++) {
      // q − tr(S⁻¹_jj) level by level: each term of the sum is in [0, q].
      let t = q;
      for (let r = 0; r < q; r++) t -= V[k][j * q * q + r * (q + 1)];
      e += t;
    }
    return e;
  });
  // The S⁻¹B G⁻¹ B'S⁻¹ part: x = L^{-T} e_a has u-part −S⁻¹B L_X^{-T} e_a.
  const Q = shapes.reduce((s, { q, nlevels }) => s + q * nlevels, 0);
  const z = new Float64Array(Q + p);
  for (let a = 0; a < p; a++) {
    z.fill(0);
    z[Q + a] = 1;
    const x = solve(f, { z, scale: 1, response: false });
    for (let k = 0; k < shapes.length; k++) {
      let s = 0;
      for (const v of x.u[k]) s += v * v;
      edf[k] -= s;
    }
  }
  return edf;
}

/** Relative eigenvalue (of a matrix scaled to unit diagonal) below which a direction is rank-deficient. */
export const RANK_TOLERANCE = 1e-9;

/**
 * The no-pooling fit's degrees of freedom beyond the fixed effects for term k:
 * rank[X Z_k] − rank X, the supremum of EDF_k (every level's coefficients free, the fixed columns
 * that lie in the span of the levels' columns, such as the intercept or a group-level predictor,
 * absorbed). From the cross-product blocks: rank[X Z] = Σ_j rank(A_j) + rank(X'X − Σ_j B_j'A_j⁻B_j)
 * with A_j = Z_j'Z_j, B_j = Z_j'X and A_j⁻ any generalised inverse (the Schur complement of the
 * block-diagonal Z'Z; B_j lies in the range of A_j, so the choice does not matter).
 */
export function noPoolingDf(model: MixedModel, k: number): number {
  const { q, nlevels } = model.terms[k];
  const { p } = model;
  const P = p + 1;
  const { ZtZ, ZtXy } = model.crossprod.terms[k];
  const XtX = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) XtX[a * p + c] = model.crossprod.XytXy[a * P + c];
  const C = Float64Array.from(XtX);
  let rankZ = 0;
  const A = new Float64Array(q * q);
  const d = new Float64Array(q);
  const GB = new Float64Array(q * p);
  for (let j = 0; j < nlevels; j++) {
    const o = j * q * q;
    for (let r = 0; r < q; r++) d[r] = Math.sqrt(ZtZ[o + r * q + r]);
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) A[r * q + c] = d[r] > 0 && d[c] > 0 ? ZtZ[o + r * q + c] / (d[r] * d[c]) : 0;
    const { values, vectors: W } = symmetricEigen(A, q);
    const largest = Math.max(...values);
    // A_j⁻ = D⁻¹ Ã⁺ D⁻¹ over the kept eigenvectors of the scaled Ã = D⁻¹A_jD⁻¹; GB = A_j⁻ B_j.
    GB.fill(0);
    for (let e = 0; e < q; e++) {
      if (!(values[e] > RANK_TOLERANCE * largest)) continue;
      rankZ++;
      for (let c = 0; c < p; c++) {
        // w'D⁻¹B_j[:, c] / λ_e
        let s = 0;
        for (let r = 0; r < q; r++) if (d[r] > 0) s += (W[r * q + e] * ZtXy[(j * q + r) * P + c]) / d[r];
        s /= values[e];
        for (let r = 0; r < q; r++) if (d[r] > 0) GB[r * p + c] += (W[r * q + e] * s) / d[r];
      }
    }
    for (let a = 0; a < p; a++) {
      for (let c = 0; c < p; c++) {
        let s = 0;
        for (let r = 0; r < q; r++) s += ZtXy[(j * q + r) * P + a] * GB[r * p + c];
        C[a * p + c] -= s;
      }
    }
  }
  return rankZ + scaledRank(C, XtX, p) - scaledRank(XtX, XtX, p);
}

/** Rank of the symmetric p×p `C` scaled by the diagonal of `scale` (its eigenvalues against 1). */
function scaledRank(C: Float64Array, scale: Float64Array, p: number): number {
  if (p === 0) return 0;
  const s = Float64Array.from({ length: p }, (_, a) => Math.sqrt(scale[a * p + a]));
  const Cs = Float64Array.from(C, (v, i) => {
    const a = Math.floor(i / p);
    const c = i % p;
    return s[a] > 0 && s[c] > 0 ? v / (s[a] * s[c]) : 0;
  });
  const { values } = symmetricEigen(Cs, p);
  return values.reduce((n, v) => n + (v > RANK_TOLERANCE ? 1 : 0), 0);
}

/**
 * θ from one draw of (Ψ, σ²): per term the lower Cholesky factor of Ψ_k/σ² in lme4's layout
 * (column by column). A positive semi-definite Ψ_k (a zero pivot) gets a zero column, as on the
 * boundary of the exact fit.
 */
export function thetaFromPsi(Psi: readonly ArrayLike<number>[], qs: readonly number[], sigma2: number, out: Float64Array): Float64Array {
  let t = 0;
  qs.forEach((q, k) => {
    const L = new Float64Array(q * q);
    for (let c = 0; c < q; c++) {
      let dd = Psi[k][c * q + c] / sigma2;
      for (let m = 0; m < c; m++) dd -= L[c * q + m] * L[c * q + m];
      const diag = dd > 0 ? Math.sqrt(dd) : 0;
      L[c * q + c] = diag;
      for (let r = c + 1; r < q; r++) {
        let s = Psi[k][r * q + c] / sigma2;
        for (let m = 0; m < c; m++) s -= L[r * q + m] * L[c * q + m];
        L[r * q + c] = diag > 0 ? s / diag : 0;
      }
    }
    for (let c = 0; c < q; c++) for (let r = c; r < q; r++) out[t++] = L[r * q + c];
  });
  return out;
}
