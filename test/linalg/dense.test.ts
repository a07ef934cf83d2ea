/** Dense kernels against direct definitions (tolerances relative to the matrix scale). */
import { describe, expect, it } from 'vitest';
import { backSolve, choleskyBlocked, choleskyInPlace, forwardSolve, lowerInverse } from '../../src/linalg/dense.js';

/** A random SPD matrix from a fixed linear congruential stream: B B' + n I. */
function spd(n: number, seed = 1): Float64Array {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  const B = Float64Array.from({ length: n * n }, next);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
    A[i * n + j] = A[j * n + i] = s + (i === j ? n : 0);
  }
  return A;
}

describe('dense Cholesky', () => {
  for (const n of [1, 5, 130, 300]) {
    it(`blocked and unblocked agree and reproduce A (n = ${n})`, () => {
      const A = spd(n, n);
      const L1 = A.slice();
      const L2 = A.slice();
      expect(choleskyInPlace(L1, n)).toBe(true);
      expect(choleskyBlocked(L2, n)).toBe(true);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) expect(Math.abs(L1[i * n + j] - L2[i * n + j])).toBeLessThan(1e-12 * n);
      // LL' = A on the lower triangle.
      for (let i = 0; i < n; i += 7) for (let j = 0; j <= i; j += 3) {
        let s = 0;
        for (let k = 0; k <= j; k++) s += L2[i * n + k] * L2[j * n + k];
        expect(Math.abs(s - A[i * n + j])).toBeLessThan(1e-10 * n);
      }
    });
  }
  it('reports a matrix that is not positive definite', () => {
    const A = spd(200, 3);
    A[150 * 200 + 150] = -1;
    expect(choleskyBlocked(A, 200)).toBe(false);
    expect(choleskyInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toBe(false);
  });
  it('lowerInverse: the row-by-row recurrence bit for bit (dense and sparse L, sizes not multiples of 4, an offset block)', () => {
    // The recurrence X_i = (e_i − Σ_{k<i} L_ik X_k)/L_ii as an axpy per k (the former kernel).
    const reference = (L: Float64Array, n: number, offset: number, stride: number): Float64Array => {
      const inv = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        const ri = offset + i * stride;
        for (let k = 0; k < i; k++) {
          const lik = L[ri + k];
          if (lik === 0) continue;
          for (let j = 0; j <= k; j++) inv[i * n + j] -= lik * inv[k * n + j];
        }
        inv[i * n + i] = 1;
        const d = 1 / L[ri + i];
        for (let j = 0; j <= i; j++) inv[i * n + j] *= d;
      }
      return inv;
    };
    for (const [n, zeros] of [[1, 0], [6, 0], [41, 0], [130, 0], [97, 0.7]] as const) {
      const L = spd(n, 11 + n);
      choleskyInPlace(L, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) if (Math.abs(Math.sin(i * 7 + j * 3)) < zeros) L[i * n + j] = 0;
      const a = lowerInverse(L, n);
      const b = reference(L, n, 0, n);
      let differ = 0;
      for (let e = 0; e < n * n; e++) if (!Object.is(a[e], b[e])) differ++;
      expect(differ).toBe(0);
      if (n > 10) {
        const m = n - 5;
        const c = lowerInverse(L, m, 5 * n + 5, n);
        const d = reference(L, m, 5 * n + 5, n);
        for (let e = 0; e < m * m; e++) if (!Object.is(c[e], d[e])) differ++;
        expect(differ).toBe(0);
      }
    }
  });
  it('triangular solves and inverse are consistent', () => {
    const n = 40;
    const L = spd(n, 7);
    choleskyInPlace(L, n);
    const inv = lowerInverse(L, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (k <= i ? L[i * n + k] : 0) * (j <= k ? inv[k * n + j] : 0);
      expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-12);
    }
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = b.slice();
    forwardSolve(L, n, x);
    backSolve(L, n, x);
    // (LL') x = b
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        let a = 0;
        for (let k = 0; k <= Math.min(i, j); k++) a += L[i * n + k] * L[j * n + k];
        s += a * x[j];
      }
      expect(s).toBeCloseTo(b[i], 10);
    }
  });
});

describe('envelope Cholesky', () => {
  it('agrees with the dense kernel on a block-diagonal-plus-dense-rows matrix, and choleskyAuto picks it', async () => {
    const { choleskyEnvelope, choleskyAuto } = await import('../../src/linalg/dense.js');
    const n = 60;
    const dense = spd(n, 11);
    // Keep the first 50×50 block diagonal; the last 10 rows stay dense (nested factor + fixed effects).
    const A = dense.slice();
    for (let i = 0; i < 50; i++) for (let j = 0; j < 50; j++) if (i !== j) A[i * n + j] = 0;
    const first = new Int32Array(n);
    for (let i = 0; i < n; i++) first[i] = i < 50 ? i : 0;
    const L1 = A.slice();
    const L2 = A.slice();
    const L3 = A.slice();
    expect(choleskyInPlace(L1, n)).toBe(true);
    expect(choleskyEnvelope(L2, n, first)).toBe(true);
    expect(choleskyAuto(L3, n, new Int32Array(n))).toBe(true);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
      expect(Math.abs(L1[i * n + j] - L2[i * n + j])).toBeLessThan(1e-12 * n);
      expect(Math.abs(L1[i * n + j] - L3[i * n + j])).toBeLessThan(1e-12 * n);
    }
  });
});
