/**
 * Unweighted moments of one model column over the model's rows, kept in every model so that
 * what needs a column's scale (the optimiser's θ scaling, the sampler's default priors) does
 * not need the rows themselves (a model built from cross-products has none).
 */

/** Mean, sample variance (n − 1), mean square and whether every value is the same. */
export interface ColumnSummary {
  mean: number;
  /** Σ(x − x̄)²/(n − 1) (0 when n = 1). */
  variance: number;
  /** Σx²/n. */
  meanSquare: number;
  /** Whether every value equals the first. */
  constant: boolean;
}

/** The summary of column `offset` of a row-major matrix with `stride` columns (a vector: 1, 0), two-pass. */
export function summarizeColumn(values: Float64Array, stride: number, offset: number, n: number): ColumnSummary {
  let mean = 0;
  let squares = 0;
  let constant = true;
  const first = values[offset];
  for (let i = 0; i < n; i++) {
    const v = values[i * stride + offset];
    mean += v;
    squares += v * v;
    if (v !== first) constant = false;
  }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i * stride + offset] - mean;
    ss += d * d;
  }
  return { mean, variance: n > 1 ? ss / (n - 1) : 0, meanSquare: squares / n, constant };
}
