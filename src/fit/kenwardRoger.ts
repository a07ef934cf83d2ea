/**
 * Kenward & Roger's (1997, Biometrics 53:983–997) adjusted covariance of β̂ and denominator df,
 * as pbkrtest computes them (Halekoh & Højsgaard 2014, J. Stat. Softw. 59(9), sec. 3) and
 * lmerTest reports them (`ddf = "Kenward-Roger"`).
 *
 * Σ = Σ_r γ_r G_r with γ the covariance parameters (per term the entries Ψ_ab, a ≤ b, of its
 * covariance; then σ²), G_r = Z_a Z_b' + Z_b Z_a' within levels (Z_a Z_a' for a = b) and I.
 * With Φ = (X'Σ⁻¹X)⁻¹, P_r = −X'Σ⁻¹G_rΣ⁻¹X, Q_rs = X'Σ⁻¹G_rΣ⁻¹G_sΣ⁻¹X, the information
 * I_rs = tr(G_rΣ⁻¹G_sΣ⁻¹) − 2 tr(ΦQ_rs) + tr(ΦP_rΦP_s), W = 2I⁻¹ and
 * Φ_A = Φ + 2Φ [Σ_rs W_rs (Q_rs − P_rΦP_s)] Φ. For a contrast L of rank q, with Θ = L'(LΦL')⁻¹L,
 * A1 = Σ_rs W_rs tr(ΘΦP_rΦ) tr(ΘΦP_sΦ), A2 = Σ_rs W_rs tr(ΘΦP_rΦΘΦP_sΦ), and
 * B = (A1 + 6A2)/2q, g = ((q+1)A1 − (q+4)A2)/((q+2)A2), c1 = g/(3q + 2(1−g)), c2 = (q−g)/(…),
 * c3 = (q+2−g)/(…), ρ = [(1 − A2/q)/(1 − c2B)]² (1 + c1B)/(q(1 − c3B)), the df are
 * m = 4 + (q+2)/(qρ − 1) and the F statistic (Lβ̂)'(LΦ_AL')⁻¹(Lβ̂)/q is scaled by
 * m(1 − A2/q)/(m − 2).
 *
 * Σ is formed densely (n×n): this is for models with at most `maxRows` rows.
 */
import { LmmError } from '../errors.js';
import { choleskyInPlace, lowerInverse } from '../linalg/dense.js';
import { symmetricEigen } from '../optim/eigen.js';
import { fisherUpper, studentTwoSided } from '../stats/distributions.js';
import { modelRows } from '../model/model.js';
import type { LmmFit } from './lmm.js';
import type { CoefficientRow, FTest } from './satterthwaite.js';

/** Largest number of rows for which Σ (n×n) is formed. */
export const maxRows = 3000;

/** Φ, Φ_A, the P_r and W of a REML fit. */
export interface KenwardRogerBasis {
  Phi: Float64Array;
  PhiA: Float64Array;
  P: Float64Array[];
  W: Float64Array;
}

function matmul(A: Float64Array, B: Float64Array, n: number, k: number, m: number): Float64Array {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < k; l++) {
      const a = A[i * k + l];
      if (a === 0) continue;
      for (let j = 0; j < m; j++) C[i * m + j] += a * B[l * m + j];
    }
  }
  return C;
}

function transpose(A: Float64Array, n: number, m: number): Float64Array {
  const T = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[j * n + i] = A[i * m + j];
  return T;
}

/** Inverse of a symmetric positive definite matrix; its pseudo-inverse by eigenvalues otherwise. */
function symmetricInverse(A: Float64Array, n: number, pseudo = false): Float64Array {
  if (!pseudo) {
    const L = Float64Array.from(A);
    if (choleskyInPlace(L, n)) {
      const Li = lowerInverse(L, n);
      return matmul(transpose(Li, n, n), Li, n, n, n);
    }
  }
  const { values, vectors } = symmetricEigen(A, n);
  const out = new Float64Array(n * n);
  const tol = 1e-10 * Math.max(...Array.from(values, Math.abs));
  for (let e = 0; e < n; e++) {
    if (Math.abs(values[e]) <= tol) continue;
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) out[a * n + b] += (vectors[a * n + e] * vectors[b * n + e]) / values[e];
  }
  return out;
}

const trace = (A: Float64Array, n: number) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += A[i * n + i];
  return s;
};

/** Φ, Φ_A, P_r and W at the REML estimates (pbkrtest's `vcovAdj`). */
export function kenwardRogerBasis(fit: LmmFit): KenwardRogerBasis {
  const { model } = fit;
  const { n, p } = model;
  if (fit.method !== 'REML') throw new LmmError('option', "Kenward-Roger's method is only available for REML fits (drop --ml)");
  if (model.weighted) throw new LmmError('option', "Kenward-Roger's method is not implemented for models with prior weights");
  if (n > maxRows) throw new LmmError('option', `Kenward-Roger's method forms n×n matrices here; ${n} rows is above the limit of ${maxRows}`);
  const rows = modelRows(model, "Kenward-Roger's method");
  const { X } = rows;
  const { terms } = rows;
  // The covariance parameters' G_r, as functions (i, j) → value, with each row's same-level rows.
  const sameLevel = terms.map((term) => {
    const members: number[][] = Array.from({ length: term.nlevels }, () => []);
    for (let i = 0; i < n; i++) members[term.refs[i]].push(i);
    return members;
  });
  const G: { k: number; a: number; b: number; value: number }[] = [];
  terms.forEach((term, k) => {
    for (let a = 0; a < term.q; a++) for (let b = a; b < term.q; b++) G.push({ k, a, b, value: fit.Psi[k][a * term.q + b] });
  });
  const sigma2 = fit.sigma * fit.sigma;
  const g = G.length + 1;
  const entry = (r: number, i: number, j: number): number => {
    const { k, a, b } = G[r];
    const { q, Z } = terms[k];
    return a === b ? Z[i * q + a] * Z[j * q + a] : Z[i * q + a] * Z[j * q + b] + Z[i * q + b] * Z[j * q + a];
  };
  // Σ and Σ⁻¹.
  const Sigma = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Sigma[i * n + i] = sigma2;
  G.forEach((gr, r) => {
    if (gr.value === 0) return;
    for (let i = 0; i < n; i++) for (const j of sameLevel[gr.k][terms[gr.k].refs[i]]) Sigma[i * n + j] += gr.value * entry(r, i, j);
  });
  const SigmaInv = symmetricInverse(Sigma, n);
  // H_r = G_r Σ⁻¹ (the residual's G is I).
  const H: Float64Array[] = G.map((gr, r) => {
    const Hr = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (const j of sameLevel[gr.k][terms[gr.k].refs[i]]) {
        const v = entry(r, i, j);
        if (v === 0) continue;
        for (let c = 0; c < n; c++) Hr[i * n + c] += v * SigmaInv[j * n + c];
      }
    }
    return Hr;
  });
  H.push(SigmaInv);
  const TT = matmul(SigmaInv, X, n, n, p);
  const OO = H.map((Hr) => matmul(Hr, X, n, n, p));
  const OOt = OO.map((O) => transpose(O, n, p));
  const SinvOO = OO.map((O) => matmul(SigmaInv, O, n, n, p));
  const P = OOt.map((Ot) => matmul(Ot, TT, p, n, p).map((v) => -v));
  const Q = (r: number, s: number) => matmul(OOt[r], SinvOO[s], p, n, p);
  const Phi = symmetricInverse(matmul(transpose(X, n, p), TT, p, n, p), p);
  const IE2 = new Float64Array(g * g);
  const Qs: Float64Array[][] = Array.from({ length: g }, () => []);
  for (let r = 0; r < g; r++) {
    const PhiPr = matmul(Phi, P[r], p, p, p);
    for (let s = r; s < g; s++) {
      const Qrs = Q(r, s);
      Qs[r][s] = Qrs;
      let ktrace = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) ktrace += H[r][j * n + i] * H[s][i * n + j];
      let phiQ = 0;
      for (let t = 0; t < p * p; t++) phiQ += Phi[t] * Qrs[t];
      const PsPhi = matmul(P[s], Phi, p, p, p);
      let phiPP = 0;
      // pbkrtest's sum(ΦP_r ∘ P_sΦ), elementwise: tr((ΦP_r)'P_sΦ) = tr(P_rΦP_sΦ).
      for (let t = 0; t < p * p; t++) phiPP += PhiPr[t] * PsPhi[t];
      IE2[r * g + s] = IE2[s * g + r] = ktrace - 2 * phiQ + phiPP;
    }
  }
  const minAbsEigen = Math.min(...Array.from(symmetricEigen(IE2, g).values, Math.abs));
  const W = symmetricInverse(IE2, g, !(minAbsEigen > 1e-10)).map((v) => 2 * v);
  const UU = new Float64Array(p * p);
  for (let r = 0; r < g; r++) {
    for (let s = r; s < g; s++) {
      const PPP = matmul(matmul(P[r], Phi, p, p, p), P[s], p, p, p);
      const w = W[r * g + s];
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) {
          const v = w * (Qs[r][s][a * p + b] - PPP[a * p + b]);
          if (r === s) UU[a * p + b] += v;
          else {
            UU[a * p + b] += v;
            UU[b * p + a] += v;
          }
        }
      }
    }
  }
  const Gamma = matmul(matmul(Phi, UU, p, p, p), Phi, p, p, p);
  const PhiA = Float64Array.from(Phi, (v, t) => v + 2 * Gamma[t]);
  return { Phi, PhiA, P, W };
}

/** A1, A2 and the df and F scaling of pbkrtest for the rows of L (rank q). */
function adjust(basis: KenwardRogerBasis, L: readonly ArrayLike<number>[], p: number, q: number): { df: number; scaling: number } {
  const { Phi, P, W } = basis;
  const rows = L.length;
  const Lm = new Float64Array(rows * p);
  L.forEach((l, a) => { for (let i = 0; i < p; i++) Lm[a * p + i] = l[i]; });
  const Lt = transpose(Lm, rows, p);
  const LPhiLt = matmul(matmul(Lm, Phi, rows, p, p), Lt, rows, p, rows);
  const Theta = matmul(matmul(Lt, symmetricInverse(LPhiLt, rows, q < rows), p, rows, rows), Lm, p, rows, p);
  const ThetaPhi = matmul(Theta, Phi, p, p, p);
  const g = P.length;
  const u = P.map((Pr) => matmul(matmul(ThetaPhi, Pr, p, p, p), Phi, p, p, p));
  let A1 = 0;
  let A2 = 0;
  for (let r = 0; r < g; r++) {
    for (let s = r; s < g; s++) {
      const e = r === s ? 1 : 2;
      const w = W[r * g + s];
      A1 += e * w * trace(u[r], p) * trace(u[s], p);
      let tr = 0;
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) tr += u[r][a * p + b] * u[s][b * p + a];
      A2 += e * w * tr;
    }
  }
  const B = (A1 + 6 * A2) / (2 * q);
  const gg = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2);
  const denominator = 3 * q + 2 * (1 - gg);
  const c1 = gg / denominator;
  const c2 = (q - gg) / denominator;
  const c3 = (q + 2 - gg) / denominator;
  let V0 = 1 + c1 * B;
  const V1 = 1 - c2 * B;
  const V2 = 1 - c3 * B;
  if (Math.abs(V0) < 1e-10) V0 = 0;
  const ratio = V1 === 0 ? 0 : (1 - A2 / q) / V1; // pbkrtest's .divZero
  const rho = (1 / q) * ratio * ratio * (V0 / V2);
  const df = 4 + (q + 2) / (q * rho - 1);
  const scaling = Math.abs(df - 2) < 1e-2 ? 1 : (df * (1 - A2 / q)) / (df - 2);
  return { df, scaling };
}

/** lmerTest's `summary(ddf = "Kenward-Roger")` table: SE from Φ_A, df from pbkrtest's `Lb_ddf`. */
export function kenwardRogerCoefficients(fit: LmmFit, basis: KenwardRogerBasis = kenwardRogerBasis(fit)): CoefficientRow[] {
  const p = fit.model.p;
  return fit.model.fixefNames.map((term, j) => {
    const l = new Float64Array(p);
    l[j] = 1;
    const { df } = adjust(basis, [l], p, 1);
    const se = Math.sqrt(basis.PhiA[j * p + j]);
    const t = fit.beta[j] / se;
    return { term, estimate: fit.beta[j], stdError: se, df, t, p: studentTwoSided(t, df) };
  });
}

/** The F test of Lβ = 0 by Kenward–Roger (pbkrtest's `KRmodcomp`, as lmerTest tabulates it). */
export function kenwardRogerFTest(fit: LmmFit, basis: KenwardRogerBasis, L: readonly ArrayLike<number>[], term: string): FTest {
  const p = fit.model.p;
  const rows = L.length;
  // Rank of L by the eigenvalues of LL'.
  const LLt = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) for (let b = 0; b < rows; b++) {
    let s = 0;
    for (let i = 0; i < p; i++) s += L[a][i] * L[b][i];
    LLt[a * rows + b] = s;
  }
  const ev = symmetricEigen(LLt, rows).values;
  const q = Array.from(ev).filter((v) => v > 1e-10 * ev[rows - 1]).length;
  const { df, scaling } = adjust(basis, L, p, q);
  // Wald statistic with Φ_A: (Lβ)'(LΦ_AL')⁻(Lβ).
  const Lb = L.map((l) => { let s = 0; for (let i = 0; i < p; i++) s += l[i] * fit.beta[i]; return s; });
  const LPL = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) for (let b = 0; b < rows; b++) {
    let s = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += L[a][i] * basis.PhiA[i * p + j] * L[b][j];
    LPL[a * rows + b] = s;
  }
  const inv = symmetricInverse(LPL, rows, q < rows);
  let wald = 0;
  for (let a = 0; a < rows; a++) for (let b = 0; b < rows; b++) wald += Lb[a] * inv[a * rows + b] * Lb[b];
  const Fu = wald / q;
  const meanSq = Fu * fit.sigma * fit.sigma;
  const F = Fu * scaling;
  return { term, sumSq: meanSq * q, meanSq, numDF: q, denDF: df, F, p: fisherUpper(F, q, df) };
}
