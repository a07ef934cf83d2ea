/**
 * Dense kernels on row-major Float64Array matrices, written for the hot paths of the fitters:
 * no allocation, explicit indexing.
 */

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

/** Inverse of a lower-triangular n×n matrix (row-major, row stride `stride`), itself lower triangular. */
export function lowerInverse(L: Float64Array, n: number, offset = 0, stride = n): Float64Array {
  const inv = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    inv[j * n + j] = 1 / L[offset + j * stride + j];
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      const ri = offset + i * stride;
      for (let k = j; k < i; k++) s -= L[ri + k] * inv[k * n + j];
      inv[i * n + j] = s / L[ri + i];
    }
  }
  return inv;
}
