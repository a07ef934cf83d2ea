/**
 * Decorrelation of the random-effects columns for the optimiser. A term (1 + x | g) whose x lies
 * far from 0 relative to its spread (a year, Days + 1000), or (x + x² | g), has nearly collinear
 * columns, and the criterion, as a function of θ, a long curved valley that BOBYQA crawls along
 * (sleepstudy with Days + 1000: 556 evaluations instead of 59), though the optimum is the same.
 *
 * For such a term the optimiser works on the relative factor Λ̃ of the columns Z̃ = Z B with
 * B = R⁻¹, R'R = Z'WZ/n the term's column cross-products (so Z̃'WZ̃/n = I). The model is the same:
 * ZΛΛ'Z' = Z̃Λ̃Λ̃'Z̃' for ΛΛ' = BΛ̃Λ̃'B', and the criterion depends on Λ only through ΛΛ'. Λ is
 * recovered as the lower-triangular L of BΛ̃ = LQ (Householder QR of (BΛ̃)'), with its columns'
 * signs set so that the diagonal is non-negative: θ in lme4's layout, whatever the rank (a zero
 * variance of Λ̃ stays an exact zero of Λ). A term is decorrelated when the condition number of
 * its columns' cross-products, each column scaled by its root mean square, exceeds
 * {@link decorrelateThreshold}; the others keep optimize.ts's map by the scales alone.
 */
import type { MixedModel } from '../model/model.js';
import { choleskyInPlace, lowerInverse } from '../linalg/dense.js';
import { symmetricEigen } from '../optim/eigen.js';
import type { ThetaLayout } from './theta.js';

/**
 * Condition number of a term's scaled column cross-products above which its columns are
 * decorrelated: 18, that of (1, x) with |mean(x)| = 2·SD(x) (sleepstudy's (1, Days): 11.5).
 */
export const decorrelateThreshold = 18;

/** The map θ̃ → θ when some term is decorrelated. */
export interface ThetaDecorrelation {
  /** θ (lme4's layout, model units) from the optimiser's θ̃. */
  toTheta(t: Float64Array): Float64Array;
  /** The terms decorrelated (their text). */
  terms: string[];
}

/**
 * The decorrelation of `model`'s terms, or undefined where no term's columns are nearly
 * collinear (the optimiser then maps θ̃ by the scales alone). `scale` is optimize.ts's d_r per θ
 * element.
 */
export function thetaDecorrelation(model: MixedModel, layout: ThetaLayout, scale: Float64Array): ThetaDecorrelation | undefined {
  const B: (Float64Array | null)[] = model.terms.map((term, k) => {
    const { q, nlevels } = term;
    if (q < 2) return null;
    // C = Z'WZ/n from the per-level blocks.
    const C = new Float64Array(q * q);
    const { ZtZ } = model.crossprod.terms[k];
    for (let j = 0; j < nlevels; j++) for (let e = 0; e < q * q; e++) C[e] += ZtZ[j * q * q + e];
    for (let e = 0; e < q * q; e++) C[e] /= model.n;
    const d = Float64Array.from({ length: q }, (_, r) => Math.sqrt(C[r * q + r]));
    if (!d.every((v) => v > 0 && Number.isFinite(v))) return null;
    const scaled = Float64Array.from(C, (v, e) => v / (d[Math.floor(e / q)] * d[e % q]));
    const { values } = symmetricEigen(scaled, q);
    if (!(values[0] > 0) || values[q - 1] / values[0] <= decorrelateThreshold) return null;
    // R'R = C with R = L' (L C's lower Cholesky factor), so B = R⁻¹ = (L⁻¹)' (upper).
    const L = C.slice();
    if (!choleskyInPlace(L, q)) return null;
    const Linv = lowerInverse(L, q);
    const b = new Float64Array(q * q);
    for (let r = 0; r < q; r++) for (let c = r; c < q; c++) b[r * q + c] = Linv[c * q + r];
    return b;
  });
  if (B.every((b) => b === null)) return undefined;
  return {
    terms: model.terms.flatMap((term, k) => (B[k] ? [term.text] : [])),
    toTheta(t: Float64Array): Float64Array {
      const theta = new Float64Array(t.length);
      model.terms.forEach((term, k) => {
        const q = term.q;
        const o = layout.offset[k];
        const width = (q * (q + 1)) / 2;
        const b = B[k];
        if (!b) {
          for (let i = o; i < o + width; i++) theta[i] = t[i] / scale[i];
          return;
        }
        // Λ̃ (lower, column-major in θ̃), M = BΛ̃ (B upper), then L of M = LQ.
        const lam = new Float64Array(q * q);
        let i = o;
        for (let c = 0; c < q; c++) for (let r = c; r < q; r++) lam[r * q + c] = t[i++];
        const M = new Float64Array(q * q);
        for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) {
          let s = 0;
          for (let m = Math.max(r, c); m < q; m++) s += b[r * q + m] * lam[m * q + c];
          M[r * q + c] = s;
        }
        const L = lowerOfLQ(M, q);
        i = o;
        for (let c = 0; c < q; c++) for (let r = c; r < q; r++) theta[i++] = L[r * q + c];
      });
      return theta;
    },
  };
}

/**
 * L (lower triangular, non-negative diagonal) with M = LQ, Q orthogonal: R' of the Householder
 * QR of M' (Golub & Van Loan, algorithm 5.2.1), each column of L negated where its diagonal is
 * negative. LL' = MM'.
 */
export function lowerOfLQ(M: Float64Array, q: number): Float64Array {
  // A = M' (row-major), reduced in place to R.
  const A = new Float64Array(q * q);
  for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) A[c * q + r] = M[r * q + c];
  const v = new Float64Array(q);
  for (let k = 0; k < q; k++) {
    let ss = 0;
    for (let i = k; i < q; i++) ss += A[i * q + k] * A[i * q + k];
    const norm = Math.sqrt(ss);
    if (norm === 0) continue;
    const alpha = A[k * q + k] > 0 ? -norm : norm;
    let vv = 0;
    for (let i = k; i < q; i++) {
      v[i] = A[i * q + k] - (i === k ? alpha : 0);
      vv += v[i] * v[i];
    }
    if (vv === 0) continue;
    for (let c = k; c < q; c++) {
      let s = 0;
      for (let i = k; i < q; i++) s += v[i] * A[i * q + c];
      const f = (2 * s) / vv;
      for (let i = k; i < q; i++) A[i * q + c] -= f * v[i];
    }
    for (let i = k + 1; i < q; i++) A[i * q + k] = 0;
  }
  // L = R', columns signed so that the diagonal is non-negative.
  const L = new Float64Array(q * q);
  for (let c = 0; c < q; c++) {
    const sign = A[c * q + c] < 0 ? -1 : 1;
    for (let r = c; r < q; r++) L[r * q + c] = sign * A[c * q + r];
  }
  return L;
}
