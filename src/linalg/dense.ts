/**
 * Dense kernels on row-major Float64Array matrices, written for the hot paths of the fitters:
 * no allocation, explicit indexing.
 */
import { chunkWidth, choleskySupernodal, densePlan, type CholeskyHelper, type SupernodalPlan } from './supernodal.js';

/**
 * In-place Cholesky factorisation A = LL' of the symmetric n×n matrix stored row-major at
 * `a[offset ...]`, reading and writing the lower triangle only (Cholesky–Banachiewicz: each
 * entry is a dot product of two contiguous row prefixes). Returns false when A is not
 * numerically positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number, offset = 0): boolean {
  for (let i = 0; i < n; i++) {
    const ri = offset + i * n;
    for (let j = 0; j <= i; j++) {
      const rj = offset + j * n;
      let s = a[ri + j];
      let k = 0;
      // Unrolled dot product of row prefixes i and j.
      for (; k + 3 < j; k += 4) {
        s -= a[ri + k] * a[rj + k] + a[ri + k + 1] * a[rj + k + 1] + a[ri + k + 2] * a[rj + k + 2] + a[ri + k + 3] * a[rj + k + 3];
      }
      for (; k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j];
      }
    }
  }
  return true;
}

/**
 * Solve L x = b in place (`b` overwritten by x) for the lower-triangular n×n matrix L stored
 * row-major at `L[offset]` with row stride `stride` (a leading submatrix of a larger matrix).
 */
export function forwardSolve(L: Float64Array, n: number, b: Float64Array, offset = 0, bOffset = 0, stride = n): void {
  for (let i = 0; i < n; i++) {
    let s = b[bOffset + i];
    const ri = offset + i * stride;
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[bOffset + k];
    b[bOffset + i] = s / L[ri + i];
  }
}

/** Solve L' x = b in place for lower-triangular L (as in {@link forwardSolve}). */
export function backSolve(L: Float64Array, n: number, b: Float64Array, offset = 0, bOffset = 0, stride = n): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[bOffset + i];
    for (let k = i + 1; k < n; k++) s -= L[offset + k * stride + i] * b[bOffset + k];
    b[bOffset + i] = s / L[offset + i * stride + i];
  }
}

/** out = the inverse of the q×q lower-triangular block of L at `offset` (row-major). */
export function lowerTriangularInverse(L: Float64Array, offset: number, q: number, out: Float64Array): void {
  out.fill(0);
  for (let c = 0; c < q; c++) {
    out[c * q + c] = 1 / L[offset + c * q + c];
    for (let r = c + 1; r < q; r++) {
      let t = 0;
      for (let k = c; k < r; k++) t -= L[offset + r * q + k] * out[k * q + c];
      out[r * q + c] = t / L[offset + r * q + r];
    }
  }
}

/**
 * A 4×2 register tile of dot products: out[o + r·outStride + c] = Σ_{k ∈ [from, to)}
 * X[x0 + r·xStride + k] · Y[y0 + c·yStride + k] for rows r < 4 of X and c < 2 of Y, each sum
 * over k in increasing order (8 sums kept in registers for 6 loads per step).
 */
export function dotTile4x2(
  X: Float64Array, x0: number, xStride: number, Y: Float64Array, y0: number, yStride: number,
  from: number, to: number, out: Float64Array, o: number, outStride: number,
): void {
  const a0 = x0, a1 = a0 + xStride, a2 = a1 + xStride, a3 = a2 + xStride;
  const b0 = y0, b1 = y0 + yStride;
  let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
  for (let k = from; k < to; k++) {
    const v0 = Y[b0 + k], v1 = Y[b1 + k];
    const u0 = X[a0 + k], u1 = X[a1 + k], u2 = X[a2 + k], u3 = X[a3 + k];
    s00 += u0 * v0; s01 += u0 * v1;
    s10 += u1 * v0; s11 += u1 * v1;
    s20 += u2 * v0; s21 += u2 * v1;
    s30 += u3 * v0; s31 += u3 * v1;
  }
  out[o] = s00; out[o + 1] = s01;
  out[o + outStride] = s10; out[o + outStride + 1] = s11;
  out[o + 2 * outStride] = s20; out[o + 2 * outStride + 1] = s21;
  out[o + 3 * outStride] = s30; out[o + 3 * outStride + 1] = s31;
}

/**
 * Inverse of a lower-triangular n×n matrix (row-major, row stride `stride`), itself lower
 * triangular. Row i of the inverse is X_i = (e_i − Σ_{k<i} L_ik X_k)/L_ii; here each entry
 * X_ij = −(Σ_{k=j}^{i−1} L_ik X_kj)/L_ii is a dot product of row i of L with row j of Xᵀ (kept
 * beside X, so both are contiguous), summed over k upwards: rows in blocks of four, the part
 * with k before the block in 4×2 register tiles, then the block's own rows in order. Every
 * entry's sum runs over k in increasing order (zeros of L add nothing), as in the row-by-row
 * recurrence.
 */
export function lowerInverse(L: Float64Array, n: number, offset = 0, stride = n): Float64Array {
  const X = new Float64Array(n * n);
  const XT = new Float64Array(n * n);
  for (let ib = 0; ib < n; ib += 4) {
    const ie = Math.min(ib + 4, n);
    // Sums over k < ib into X's rows of the block (finished below).
    if (ie - ib === 4) {
      for (let jb = 0; jb < ib; jb += 2) dotTile4x2(L, offset + ib * stride, stride, XT, jb * n, n, jb, ib, X, ib * n + jb, n);
    } else {
      for (let i = ib; i < ie; i++) {
        const li = offset + i * stride;
        for (let j = 0; j < ib; j++) {
          let s = 0;
          const tj = j * n;
          for (let k = j; k < ib; k++) s += L[li + k] * XT[tj + k];
          X[i * n + j] = s;
        }
      }
    }
    // The block's rows in order: the terms k = ib .. i−1, then X_ij = −s/L_ii and X_ii = 1/L_ii.
    for (let i = ib; i < ie; i++) {
      const li = offset + i * stride;
      const xi = i * n;
      const d = 1 / L[li + i];
      for (let j = 0; j < i; j++) {
        let s = j < ib ? X[xi + j] : 0;
        for (let k = Math.max(ib, j); k < i; k++) s += L[li + k] * X[k * n + j];
        // (0 − s), not −s: an empty sum gives +0, as the recurrence's untouched entry does.
        const v = (0 - s) * d;
        X[xi + j] = v;
        XT[j * n + i] = v;
      }
      X[xi + i] = d;
      XT[i * n + i] = d;
    }
  }
  return X;
}

/**
 * In-place Cholesky of a large symmetric matrix (row-major n×n, lower triangle), right-looking
 * and blocked: the supernodal kernel with every column in one supernode (48-column panels, each
 * updating the whole trailing matrix in 4×2 register tiles). Same arithmetic as
 * {@link choleskyInPlace} up to the order of summation, several times faster once the matrix no
 * longer fits in cache; with `helper`, on two threads. Returns false when A is not positive
 * definite.
 */
export function choleskyBlocked(a: Float64Array, n: number, helper?: CholeskyHelper): boolean {
  if (n <= 2 * chunkWidth) return choleskyInPlace(a, n);
  if (!denseCache || denseCache.n !== n) denseCache = densePlan(n);
  return choleskySupernodal(a, denseCache, helper);
}

/** The plan of the last dense size factored (fits refactor the same size many times). */
let denseCache: SupernodalPlan | undefined;

/**
 * In-place Cholesky of a symmetric matrix whose rows start late (row-major, lower triangle):
 * with f_i the first non-zero column of row i, L has the same envelope (no fill before f_i),
 * so each entry's dot product runs from max(f_i, f_j) only. Nested grouping factors and the
 * fixed effects give such matrices: a diagonal block followed by a few dense rows.
 */
export function choleskyEnvelope(a: Float64Array, n: number, first: Int32Array): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const fi = first[i];
    for (let j = fi; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = Math.max(fi, first[j]); k < j; k++) s -= a[ri + k] * a[rj + k];
      if (i === j) {
        if (!(s > 0)) return false;
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j];
      }
    }
  }
  return true;
}

/**
 * Cholesky factorisation choosing the kernel by structure: the envelope kernel when the rows'
 * envelope covers under a third of the lower triangle (nested factors), else the blocked dense
 * kernel (with `helper`, on two threads). `first` receives each row's first non-zero column.
 */
export function choleskyAuto(a: Float64Array, n: number, first: Int32Array, helper?: CholeskyHelper): boolean {
  let envelope = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let f = 0;
    while (f < i && a[ri + f] === 0) f++;
    first[i] = f;
    envelope += i - f + 1;
  }
  return envelope < (n * (n + 1)) / 6 ? choleskyEnvelope(a, n, first) : choleskyBlocked(a, n, helper);
}
