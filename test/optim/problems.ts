/** Test problems for the bound-constrained minimiser, each with a known solution. */

/** Chained Rosenbrock function; global minimum 0 at (1, …, 1). */
export function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
  return s;
}

/**
 * ML profiled deviance of a balanced one-way random-effects model (a groups of size nPer) as a
 * function of θ = σ_b/σ: log|L|² + N(1 + log(2π r²/N)), with |L|² = (1 + nθ²)^a and penalised RSS
 * r² = SSW + SSB/(1 + nθ²). Its minimiser is θ* = sqrt((u − 1)/n) with u = SSB(n − 1)/SSW if u > 1,
 * else θ* = 0 (a singular fit).
 */
export function oneWayDeviance(a: number, nPer: number, ssb: number, ssw: number): (x: Float64Array) => number {
  const N = a * nPer;
  return (x) => {
    const u = 1 + nPer * x[0]! ** 2;
    return a * Math.log(u) + N * (1 + Math.log((2 * Math.PI * (ssw + ssb / u)) / N));
  };
}

export function oneWayThetaHat(nPer: number, ssb: number, ssw: number): number {
  const u = (ssb * (nPer - 1)) / ssw;
  return u > 1 ? Math.sqrt((u - 1) / nPer) : 0;
}

/**
 * A smooth, non-quadratic function of a lower-triangular Cholesky factor θ whose constrained minimum
 * is known by construction: with z = x − x*,
 *
 *   f(x) = f* + zᵀAz + 40·log(1 + zᵀBz) + Σ_{j∈J} b_j z_j + Σ_i z_i⁴,
 *
 * A, B positive definite, b_j > 0 and x*_j = lower_j = 0 for j ∈ J. On the feasible set z_j ≥ 0 for
 * j ∈ J, so every term is ≥ 0 and x* is the unique constrained minimiser with value f*.
 */
export function choleskyLike(
  xStar: readonly number[],
  boundIdx: readonly number[],
  fStar: number,
): (x: Float64Array) => number {
  const n = xStar.length;
  // Deterministic SPD matrices with off-diagonal coupling.
  const A = new Float64Array(n * n);
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      A[i * n + j] = i === j ? 3 + i : 1 / (1 + Math.abs(i - j)) ** 2;
      B[i * n + j] = i === j ? 2 : 0.5 ** (1 + Math.abs(i - j));
    }
  }
  return (x) => {
    const z = new Float64Array(n);
    for (let i = 0; i < n; i++) z[i] = x[i]! - xStar[i]!;
    let za = 0;
    let zb = 0;
    let quart = 0;
    for (let i = 0; i < n; i++) {
      quart += z[i]! ** 4;
      for (let j = 0; j < n; j++) {
        za += z[i]! * A[i * n + j]! * z[j]!;
        zb += z[i]! * B[i * n + j]! * z[j]!;
      }
    }
    let lin = 0;
    for (const j of boundIdx) lin += 2.5 * z[j]!;
    return fStar + za + 40 * Math.log1p(zb) + lin + quart;
  };
}
