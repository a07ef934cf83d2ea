/**
 * Derivatives by central differences refined by Richardson extrapolation, in the manner of R's
 * numDeriv (Gilbert & Varadhan; `method = "Richardson"`), which lmerTest uses for the Hessian of
 * the deviance and the Jacobian of Cov(β). With steps h, h/2, h/4, h/8 (v = 2, r = 4) the central
 * formulas have errors in even powers of h, so the extrapolation
 * A_k^(m) = (4^m A_{k+1}^(m−1) − A_k^(m−1)) / (4^m − 1) removes the h², h⁴ and h⁶ terms.
 * The first step is d·|x_i|, or `zeroStep` where |x_i| is below `zeroTolerance` (as numDeriv).
 */

/** Options of the extrapolated differences. */
export interface RichardsonOptions {
  /** Relative first step (numDeriv: 0.1 for the Hessian, 1e-4 for the Jacobian). */
  d?: number;
  /** First step where x_i is (near) zero (numDeriv's eps, 1e-4). */
  zeroStep?: number;
  /** Below this |x_i| counts as zero (numDeriv: √(ε/7e-7)). */
  zeroTolerance?: number;
  /** Number of step sizes (numDeriv's r, 4). */
  levels?: number;
}

function steps(x: ArrayLike<number>, options: RichardsonOptions): Float64Array {
  const d = options.d ?? 1e-4;
  const zeroStep = options.zeroStep ?? 1e-4;
  const zeroTolerance = options.zeroTolerance ?? Math.sqrt(2.220446049250313e-16 / 7e-7);
  return Float64Array.from(x, (v) => Math.abs(d * v) + (Math.abs(v) < zeroTolerance ? zeroStep : 0));
}

/** Richardson extrapolation of estimates made with steps h/2^k (errors in even powers of h). */
function extrapolate(estimates: Float64Array[]): Float64Array {
  let level = estimates.map((e) => Float64Array.from(e));
  for (let m = 1; level.length > 1; m++) {
    const factor = 4 ** m;
    level = level.slice(0, -1).map((a, k) => Float64Array.from(a, (v, i) => (factor * level[k + 1][i] - v) / (factor - 1)));
  }
  return level[0];
}

/**
 * Jacobian of a vector function f: R^n → R^m at x, m×n row-major (entry [i, j] = ∂f_i/∂x_j).
 */
export function richardsonJacobian(f: (x: Float64Array) => Float64Array, x: ArrayLike<number>, options: RichardsonOptions = {}): Float64Array {
  const n = x.length;
  const h0 = steps(x, { d: 1e-4, ...options });
  const levels = options.levels ?? 4;
  let m = -1;
  const columns: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const estimates: Float64Array[] = [];
    for (let k = 0; k < levels; k++) {
      const h = h0[j] / 2 ** k;
      const up = Float64Array.from(x);
      const down = Float64Array.from(x);
      up[j] += h;
      down[j] -= h;
      const fu = f(up);
      const fd = f(down);
      estimates.push(Float64Array.from(fu, (v, i) => (v - fd[i]) / (2 * h)));
    }
    const column = extrapolate(estimates);
    m = column.length;
    columns.push(column);
  }
  const J = new Float64Array(Math.max(m, 0) * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < m; i++) J[i * n + j] = columns[j][i];
  return J;
}

/**
 * Hessian of a scalar function at x, n×n row-major (symmetric): diagonal entries from
 * (f(x+h) − 2f(x) + f(x−h))/h², off-diagonal ones from the four-point cross difference
 * (f(x+h_i+h_j) − f(x+h_i−h_j) − f(x−h_i+h_j) + f(x−h_i−h_j))/(4h_ih_j), each extrapolated.
 */
export function richardsonHessian(f: (x: Float64Array) => number, x: ArrayLike<number>, options: RichardsonOptions = {}): Float64Array {
  const n = x.length;
  const h0 = steps(x, { d: 0.1, ...options });
  const levels = options.levels ?? 4;
  const f0 = f(Float64Array.from(x));
  const at = (i: number, si: number, j: number, sj: number, k: number): number => {
    const y = Float64Array.from(x);
    y[i] += (si * h0[i]) / 2 ** k;
    if (j >= 0) y[j] += (sj * h0[j]) / 2 ** k;
    return f(y);
  };
  const H = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const estimates: Float64Array[] = [];
      for (let k = 0; k < levels; k++) {
        const hi = h0[i] / 2 ** k;
        const hj = h0[j] / 2 ** k;
        const value = i === j
          ? (at(i, 1, -1, 0, k) - 2 * f0 + at(i, -1, -1, 0, k)) / (hi * hi)
          : (at(i, 1, j, 1, k) - at(i, 1, j, -1, k) - at(i, -1, j, 1, k) + at(i, -1, j, -1, k)) / (4 * hi * hj);
        estimates.push(Float64Array.of(value));
      }
      const v = extrapolate(estimates)[0];
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}
