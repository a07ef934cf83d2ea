/**
 * lme4's θ: per random-effects term (in lme4's order), the lower triangle of the q×q relative
 * covariance factor Λ, column by column (Bates et al. 2015, sec. 2.2). Ψ = σ² ΛΛ'.
 */

/** Where each term's θ elements start, and the lower bounds (0 on diagonals). */
export interface ThetaLayout {
  /** Per term: q. */
  q: number[];
  /** Per term: offset of its first θ element. */
  offset: number[];
  /** Total number of θ elements. */
  length: number;
  /** Lower bound of each θ element: 0 for diagonal elements of Λ, −∞ otherwise. */
  lower: Float64Array;
  /** Starting value: identity Λ (1 on diagonals, 0 elsewhere), as lme4 starts. */
  start: Float64Array;
}

/** The θ layout for terms with q columns each. */
export function thetaLayout(qs: readonly number[]): ThetaLayout {
  const offset: number[] = [];
  let length = 0;
  for (const q of qs) {
    offset.push(length);
    length += (q * (q + 1)) / 2;
  }
  const lower = new Float64Array(length).fill(-Infinity);
  const start = new Float64Array(length);
  qs.forEach((q, k) => {
    let t = offset[k];
    for (let c = 0; c < q; c++) {
      for (let r = c; r < q; r++, t++) {
        if (r === c) {
          lower[t] = 0;
          start[t] = 1;
        }
      }
    }
  });
  return { q: [...qs], offset, length, lower, start };
}

/** Fill Λ_k (q×q row-major, lower triangular) from θ. */
export function lambdaOf(theta: ArrayLike<number>, layout: ThetaLayout, k: number, out: Float64Array = new Float64Array(layout.q[k] ** 2)): Float64Array {
  const q = layout.q[k];
  out.fill(0);
  let t = layout.offset[k];
  for (let c = 0; c < q; c++) for (let r = c; r < q; r++) out[r * q + c] = theta[t++];
  return out;
}
