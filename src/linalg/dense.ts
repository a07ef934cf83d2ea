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
 * A second thread that takes part of {@link choleskyBlocked}'s work on the same (shared)
 * matrix. `panel` (rows kend..n of the panel solve) and `trailing` (rows 0..rows of the trailing
 * update) start the helper on the last part and return where the caller's part ends (a multiple
 * of 4 for the trailing update, so the register tiles, and so the arithmetic, do not depend on
 * the split); `wait` blocks until the helper is done.
 */
export interface CholeskyHelper {
  panelBuffer: Float64Array;
  panel(kb: number, nb: number, from: number, to: number): number;
  trailing(kend: number, nb: number, rows: number): number;
  /**
   * The supernodal kernel's steps (`choleskySupernodal`): the chunk's rows below are in
   * `rowsBuffer`; `rowsPanel` and `scatter` start the helper on the last part of `count` rows
   * and return where the caller's part ends (a multiple of 4 for `scatter`).
   */
  rowsBuffer: Int32Array;
  rowsPanel(kb: number, ke: number, count: number): number;
  scatter(w: number, count: number): number;
  wait(): void;
}

/**
 * Rows [from, to) of the panel below the diagonal block at kb: solve X L_kk' = A for each row and
 * pack it into `panel` (row stride nb, row kend first).
 */
export function panelSolve(a: Float64Array, n: number, kb: number, nb: number, panel: Float64Array, from: number, to: number): void {
  const kend = kb + nb;
  for (let i = from; i < to; i++) {
    const ri = i * n;
    const pi = (i - kend) * nb;
    for (let j = kb; j < kend; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = kb; k < j; k++) s -= a[ri + k] * a[rj + k];
      const v = s / a[rj + j];
      a[ri + j] = v;
      panel[pi + j - kb] = v;
    }
  }
}

/** Reused packed-panel buffer of {@link choleskyBlocked} (grown on demand, never shrunk). */
let panelScratch = new Float64Array(0);

/** Panel width of {@link choleskyBlocked}: a 48-column panel of a 1000-row matrix stays in L2. */
export const panelWidth = 48;

/**
 * In-place Cholesky of a large symmetric matrix (row-major n×n, lower triangle), right-looking
 * and blocked: factor a diagonal block, solve the panel below it, then update the trailing
 * matrix with the panel's outer product in 4×2 register tiles over a packed copy of the panel.
 * Same arithmetic as {@link choleskyInPlace} up to the order of summation, several times faster
 * once the matrix no longer fits in cache. Returns false when A is not positive definite.
 */
export function choleskyBlocked(a: Float64Array, n: number, helper?: CholeskyHelper): boolean {
  if (n <= 2 * panelWidth) return choleskyInPlace(a, n);
  if (!helper && panelScratch.length < n * panelWidth) panelScratch = new Float64Array(n * panelWidth);
  const panel = helper ? helper.panelBuffer : panelScratch;
  for (let kb = 0; kb < n; kb += panelWidth) {
    const nb = Math.min(panelWidth, n - kb);
    const kend = kb + nb;
    // 1. Diagonal block (its trailing updates from earlier panels are already applied).
    for (let i = kb; i < kend; i++) {
      const ri = i * n;
      for (let j = kb; j <= i; j++) {
        const rj = j * n;
        let s = a[ri + j];
        for (let k = kb; k < j; k++) s -= a[ri + k] * a[rj + k];
        if (i === j) {
          if (!(s > 0)) return false;
          a[ri + i] = Math.sqrt(s);
        } else {
          a[ri + j] = s / a[rj + j];
        }
      }
    }
    if (kend === n) break;
    // 2. Panel: rows below solve X L_kk' = A, then pack them contiguously (stride nb).
    const rows = n - kend;
    if (helper) {
      const split = helper.panel(kb, nb, kend, n);
      panelSolve(a, n, kb, nb, panel, kend, split);
      helper.wait();
    } else {
      panelSolve(a, n, kb, nb, panel, kend, n);
    }
    // 3. Trailing update A[i][j] -= panel_i · panel_j for kend ≤ j ≤ i: 4×2 register tiles
    //    strictly below the diagonal, then the remaining lower-triangle entries one by one.
    //    With a helper thread, this thread takes the first row blocks and the helper the rest.
    if (helper) {
      const split = helper.trailing(kend, nb, rows);
      trailingUpdate(a, n, kend, panel, rows, nb, 0, split);
      helper.wait();
    } else {
      trailingUpdate(a, n, kend, panel, rows, nb);
    }
  }
  return true;
}

/**
 * A[kend + i][kend + j] −= Σ_k P[i][k] P[j][k] for 0 ≤ j ≤ i < rows (P packed, row stride nb),
 * for the rows i in [ibStart, ibEnd) (ibStart a multiple of 4; rows are independent, so row
 * ranges can go to different threads).
 * 4×2 tiles below the diagonal keep 8 sums in registers for 6 loads per step (16 sums spill).
 */
export function trailingUpdate(a: Float64Array, n: number, kend: number, P: Float64Array, rows: number, nb: number, ibStart = 0, ibEnd = rows): void {
  for (let ib = ibStart; ib < ibEnd; ib += 4) {
    const full = ib + 4 <= rows;
    // Tiles left of the diagonal block: j in [0, ib), 4 rows × 2 columns at a time.
    if (full) {
      const p0 = ib * nb, p1 = p0 + nb, p2 = p1 + nb, p3 = p2 + nb;
      const r0 = (kend + ib) * n + kend, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n;
      for (let jb = 0; jb < ib; jb += 2) {
        const q0 = jb * nb, q1 = q0 + nb;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let k = 0; k < nb; k++) {
          const y0 = P[q0 + k], y1 = P[q1 + k];
          const x0 = P[p0 + k], x1 = P[p1 + k], x2 = P[p2 + k], x3 = P[p3 + k];
          s00 += x0 * y0; s01 += x0 * y1;
          s10 += x1 * y0; s11 += x1 * y1;
          s20 += x2 * y0; s21 += x2 * y1;
          s30 += x3 * y0; s31 += x3 * y1;
        }
        a[r0 + jb] -= s00; a[r0 + jb + 1] -= s01;
        a[r1 + jb] -= s10; a[r1 + jb + 1] -= s11;
        a[r2 + jb] -= s20; a[r2 + jb + 1] -= s21;
        a[r3 + jb] -= s30; a[r3 + jb + 1] -= s31;
      }
    }
    // Diagonal block (and every entry of a partial last block row): entry by entry.
    const iEnd = Math.min(ib + 4, rows);
    for (let i = ib; i < iEnd; i++) {
      const pi = i * nb;
      const ri = (kend + i) * n + kend;
      for (let j = full ? ib : 0; j <= i; j++) {
        const pj = j * nb;
        let s = 0;
        for (let k = 0; k < nb; k++) s += P[pi + k] * P[pj + k];
        a[ri + j] -= s;
      }
    }
  }
}

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
