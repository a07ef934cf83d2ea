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

/**
 * Inverse of a lower-triangular n×n matrix (row-major, row stride `stride`), itself lower
 * triangular. Row i of the inverse is (e_i − Σ_{k<i} L_ik X_k)/L_ii, accumulated over
 * contiguous row prefixes.
 */
export function lowerInverse(L: Float64Array, n: number, offset = 0, stride = n): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = offset + i * stride;
    const xi = i * n;
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k];
      if (lik === 0) continue;
      const xk = k * n;
      for (let j = 0; j <= k; j++) inv[xi + j] -= lik * inv[xk + j];
    }
    inv[xi + i] = 1;
    const d = 1 / L[ri + i];
    for (let j = 0; j <= i; j++) inv[xi + j] *= d;
  }
  return inv;
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
