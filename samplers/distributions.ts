import { choleskyInPlace } from '../src/linalg/dense.js';
import type { Rng } from './rng.js';
import { log } from './elementary.js';

/**
 * Draw Ψ ~ InverseWishart(df, S) with density ∝ |Ψ|^{-(df+q+1)/2} exp(−tr(SΨ^{-1})/2)
 * (CONTRACT.md's parametrisation, E[Ψ] = S/(df−q−1)), q×q row-major.
 *
 * Ψ^{-1} ~ Wishart(df, S^{-1}). With S = CC' (Cholesky) and Bartlett's decomposition
 * W = AA' ~ Wishart(df, I) (A lower triangular, A_ii² ~ χ²_{df−i}, A_ij ~ N(0,1) below the
 * diagonal), Ψ = C W^{-1} C' = (C A^{-T})(C A^{-T})'. `work` (3q² entries) is scratch, for loops that
 * must not allocate.
 */
export function drawInverseWishart(rng: Rng, df: number, S: Float64Array, q: number, out: Float64Array = new Float64Array(q * q), work: Float64Array = new Float64Array(3 * q * q)): Float64Array {
  // Scratch: C = chol(S), the Bartlett factor A and B = C A^{-T}, q×q each, at offsets 0, a and
  // b of `work` (offsets rather than subarray views, which would allocate on every draw).
  const a = q * q;
  const bo = 2 * q * q;
  if (!choleskyInto(S, q, work)) throw new Error('matrix is not positive definite');
  for (let i = 0; i < q * q; i++) work[a + i] = 0;
  for (let i = 0; i < q; i++) {
    work[a + i * q + i] = Math.sqrt(2 * rng.gamma((df - i) / 2));
    for (let j = 0; j < i; j++) work[a + i * q + j] = rng.normal();
  }
  // B = C A^{-T}: solve B A' = C row by row (A' upper triangular).
  for (let r = 0; r < q; r++) {
    for (let c = 0; c < q; c++) {
      // (B A')[r][c] = Σ_k B[r][k] A[c][k], k ≤ c.
      let s = work[r * q + c];
      for (let k = 0; k < c; k++) s -= work[bo + r * q + k] * work[a + c * q + k];
      work[bo + r * q + c] = s / work[a + c * q + c];
    }
  }
  for (let r = 0; r < q; r++) {
    for (let c = 0; c <= r; c++) {
      let s = 0;
      for (let k = 0; k < q; k++) s += work[bo + r * q + k] * work[bo + c * q + k];
      out[r * q + c] = s;
      out[c * q + r] = s;
    }
  }
  return out;
}

/** Draw σ² ~ InverseGamma(shape, rate) with density ∝ (σ²)^{-(shape+1)} exp(−rate/σ²). */
export function drawInverseGamma(rng: Rng, shape: number, rate: number): number {
  return rate / rng.gamma(shape);
}

/** Cholesky factor of a small SPD matrix (lower, row-major, a new array); throws if not positive definite. */
export function cholesky(S: Float64Array, q: number): Float64Array {
  const L = new Float64Array(q * q);
  if (!choleskyInto(S, q, L)) throw new Error('matrix is not positive definite');
  return L;
}

/**
 * Cholesky factor of a small SPD matrix into `L` (lower, row-major, upper triangle zeroed), for
 * loops that must not allocate; returns false if S is not positive definite.
 */
export function choleskyInto(S: Float64Array, q: number, L: Float64Array): boolean {
  for (let i = 0; i < q * q; i++) L[i] = S[i];
  if (!choleskyInPlace(L, q)) return false;
  for (let i = 0; i < q; i++) for (let j = i + 1; j < q; j++) L[i * q + j] = 0;
  return true;
}

/**
 * log of the prior density of a (lower-triangular) factor C with Ψ = CC' ~ IW(df, S), up to a
 * constant: −(df+q+1) Σ log|C_ii| − ½ tr(S (CC')^{-1}) + Σ_i (q−i+1) log|C_ii| (i from 1).
 * `LS` is chol(S); `col` is scratch of length q.
 */
export function logPriorOfFactor(C: Float64Array, q: number, df: number, LS: Float64Array, col: Float64Array): number {
  let logdet = 0;
  let jacobian = 0;
  for (let i = 0; i < q; i++) {
    const d = Math.abs(C[i * q + i]);
    if (!(d > 0)) return -Infinity;
    const logd = log(d);
    logdet += logd;
    jacobian += (q - i) * logd;
  }
  // tr(S C^{-T} C^{-1}) = ||C^{-1} L_S||_F² with S = L_S L_S'.
  let trace = 0;
  for (let s = 0; s < q; s++) {
    for (let r = 0; r < q; r++) col[r] = LS[r * q + s];
    for (let r = 0; r < q; r++) {
      let v = col[r];
      for (let l = 0; l < r; l++) v -= C[r * q + l] * col[l];
      col[r] = v / C[r * q + r];
      trace += col[r] * col[r];
    }
  }
  return -(df + q + 1) * logdet - 0.5 * trace + jacobian;
}

/**
 * The diagonal of Ψ^{-1} for a small SPD Ψ (q×q) into `out`: with Ψ = LL', (Ψ^{-1})_rr = ||L^{-1}e_r||²
 * (no inverse formed). `L` (q²) and `col` (q) are scratch; returns false if Ψ is not positive definite.
 */
export function inverseDiagonal(Psi: Float64Array, q: number, L: Float64Array, col: Float64Array, out: Float64Array): boolean {
  if (q === 1) {
    out[0] = 1 / Psi[0];
    return Psi[0] > 0;
  }
  if (!choleskyInto(Psi, q, L)) return false;
  for (let r = 0; r < q; r++) {
    // Solve L x = e_r (x_i = 0 for i < r).
    let s = 0;
    for (let i = 0; i < q; i++) {
      let v = i === r ? 1 : 0;
      for (let l = r; l < i; l++) v -= L[i * q + l] * col[l];
      col[i] = i < r ? 0 : v / L[i * q + i];
      s += col[i] * col[i];
    }
    out[r] = s;
  }
  return true;
}

/**
 * log of the Huang & Wand (2013) prior density of a (lower-triangular) factor C with Ψ = CC',
 * λ integrated out, up to a constant: from Ψ | λ ~ IW(ν + q − 1, 2ν·diag(1/λ)) and
 * λ_r ~ IG(1/2, 1/A_r²),
 *   p(Ψ) ∝ |Ψ|^{−(ν+2q)/2} Π_r (ν(Ψ^{-1})_rr + 1/A_r²)^{−(ν+q)/2}
 * (each √Ψ_rr half-t(ν, A_r)), times |∂Ψ/∂C| = 2^q Π_i |C_ii|^{q−i+1} as in `logPriorOfFactor`.
 * (Ψ^{-1})_rr = ||C^{-1}e_r||². `col` is scratch of length q.
 */
export function logHalfTPriorOfFactor(C: Float64Array, q: number, nu: number, A: Float64Array, col: Float64Array): number {
  let logdet = 0;
  let jacobian = 0;
  for (let i = 0; i < q; i++) {
    const d = Math.abs(C[i * q + i]);
    if (!(d > 0)) return -Infinity;
    const logd = log(d);
    logdet += logd;
    jacobian += (q - i) * logd;
  }
  let scales = 0;
  for (let r = 0; r < q; r++) {
    // x = C^{-1} e_r by forward substitution (x_i = 0 for i < r).
    let s = 0;
    for (let i = r; i < q; i++) {
      let v = i === r ? 1 : 0;
      for (let l = r; l < i; l++) v -= C[i * q + l] * col[l];
      col[i] = v / C[i * q + i];
      s += col[i] * col[i];
    }
    scales += log(nu * s + 1 / (A[r] * A[r]));
  }
  return -(nu + 2 * q) * logdet - 0.5 * (nu + q) * scales + jacobian;
}
