/**
 * Gradient and Hessian of a function by finite differences at a point, on chosen coordinates,
 * respecting lower bounds (as lme4's `deriv12`, with forward formulas where a central step would
 * leave the box). Used to check an optimum found without derivatives.
 *
 * Per coordinate i with step h (f₀ = f(x), f±ᵢ = f(x ± h eᵢ)):
 * - central where x − h eᵢ is feasible: gᵢ = (f₊ᵢ − f₋ᵢ)/2h, Hᵢᵢ = (f₊ᵢ − 2f₀ + f₋ᵢ)/h² (errors O(h²));
 * - forward otherwise: gᵢ = (−3f₀ + 4f₊ᵢ − f₊₊ᵢ)/2h, Hᵢᵢ = (f₀ − 2f₊ᵢ + f₊₊ᵢ)/h² with
 *   f₊₊ᵢ = f(x + 2h eᵢ) (errors O(h²) and O(h));
 * - Hᵢⱼ where both steps are central: (f₊₊ − f₊ᵢ − f₊ⱼ + 2f₀ − f₋ᵢ − f₋ⱼ + f₋₋)/2h² with
 *   f₊₊ = f(x + h eᵢ + h eⱼ), f₋₋ = f(x − h eᵢ − h eⱼ) (error O(h²)); otherwise the forward
 *   (f₊₊ − f₊ᵢ − f₊ⱼ + f₀)/h² (error O(h)). The whole cost is at most 2m + m(m−1) evaluations for
 *   m coordinates (lme4's deriv12 takes 2m²). The O(h) formula is not enough everywhere: along a
 *   degenerate direction (a column of Λ whose diagonal is 0) f rises like the fourth power of the
 *   step, and its error h·f‴/2 shows up as a spurious negative eigenvalue.
 */

/** Result of {@link finiteDifferences}. */
export interface FiniteDifferences {
  /** The coordinates differentiated, in the order of `gradient` and `hessian`. */
  coordinates: Int32Array;
  /** ∂f/∂x at x for those coordinates. */
  gradient: Float64Array;
  /** Their Hessian, m×m row-major (symmetric). */
  hessian: Float64Array;
  /** Whether each coordinate used the forward formulas (it was within h of its lower bound). */
  forward: Uint8Array;
  /** Number of calls of f. */
  evaluations: number;
  /** The lowest point evaluated and its value (x itself when no trial point was lower). */
  best: { x: Float64Array; f: number };
}

/**
 * Finite-difference gradient and Hessian of f at x on `coordinates`.
 *
 * @param f the function (may return Infinity or NaN: the derivatives are then not finite)
 * @param x the point
 * @param fx f(x)
 * @param coordinates indices of the coordinates to differentiate
 * @param lower lower bounds (−Infinity where none); steps never go below them
 * @param step h (default 1e-4, lme4's `deriv12` delta)
 */
export function finiteDifferences(
  f: (x: Float64Array) => number,
  x: ArrayLike<number>,
  fx: number,
  coordinates: ArrayLike<number>,
  lower: ArrayLike<number>,
  step = 1e-4,
): FiniteDifferences {
  const m = coordinates.length;
  const h = step;
  const base = Float64Array.from(x);
  let evaluations = 0;
  let best = { x: Float64Array.from(base), f: fx };
  const at = (shifts: [number, number][]): number => {
    const y = Float64Array.from(base);
    for (const [i, d] of shifts) y[i] += d;
    const v = f(y);
    evaluations++;
    if (v < best.f) best = { x: Float64Array.from(y), f: v };
    return v;
  };
  const coords = Int32Array.from(coordinates);
  const plus = new Float64Array(m);
  const minus = new Float64Array(m);
  const gradient = new Float64Array(m);
  const hessian = new Float64Array(m * m);
  const forward = new Uint8Array(m);
  for (let a = 0; a < m; a++) {
    const i = coords[a];
    plus[a] = at([[i, h]]);
    if (base[i] - h >= lower[i]) {
      minus[a] = at([[i, -h]]);
      gradient[a] = (plus[a] - minus[a]) / (2 * h);
      hessian[a * m + a] = (plus[a] - 2 * fx + minus[a]) / (h * h);
    } else {
      forward[a] = 1;
      const plus2 = at([[i, 2 * h]]);
      gradient[a] = (-3 * fx + 4 * plus[a] - plus2) / (2 * h);
      hessian[a * m + a] = (fx - 2 * plus[a] + plus2) / (h * h);
    }
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < a; b++) {
      const both = at([[coords[a], h], [coords[b], h]]);
      const v =
        forward[a] || forward[b]
          ? (both - plus[a] - plus[b] + fx) / (h * h)
          : (both - plus[a] - plus[b] + 2 * fx - minus[a] - minus[b] + at([[coords[a], -h], [coords[b], -h]])) / (2 * h * h);
      hessian[a * m + b] = v;
      hessian[b * m + a] = v;
    }
  }
  return { coordinates: coords, gradient, hessian, forward, evaluations, best };
}

/** A function's value and gradient at a point (the gradient undefined where f is not finite). */
export type ValueAndGradient = (x: Float64Array) => { f: number; g: Float64Array | undefined };

/**
 * The gradient of f at x from an analytic gradient, and its Hessian by central differences of
 * that gradient: column i is (∇f(x + h eᵢ) − ∇f(x − h eᵢ))/2h (error O(h²)), then symmetrised
 * (H + H')/2. 2m + 1 gradient evaluations for m coordinates (all of x's), instead of the
 * criterion's ≈ m² (`finiteDifferences`). No bounds: the callers difference across them.
 */
export function gradientDifferences(fg: ValueAndGradient, x: ArrayLike<number>, step = 1e-4): FiniteDifferences & { fx: number } {
  const m = x.length;
  const h = step;
  const base = Float64Array.from(x);
  const at0 = fg(base);
  let evaluations = 1;
  let best = { x: Float64Array.from(base), f: at0.f };
  const gradient = at0.g ? Float64Array.from(at0.g) : new Float64Array(m).fill(NaN);
  const hessian = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    const cols: (Float64Array | undefined)[] = [];
    for (const d of [h, -h]) {
      const y = Float64Array.from(base);
      y[i] += d;
      const r = fg(y);
      evaluations++;
      if (r.f < best.f) best = { x: y, f: r.f };
      cols.push(r.g && Number.isFinite(r.f) ? r.g : undefined);
    }
    const [gp, gm] = cols;
    for (let a = 0; a < m; a++) hessian[a * m + i] = gp && gm ? (gp[a] - gm[a]) / (2 * h) : NaN;
  }
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < a; b++) {
      const v = 0.5 * (hessian[a * m + b] + hessian[b * m + a]);
      hessian[a * m + b] = v;
      hessian[b * m + a] = v;
    }
  }
  return { coordinates: Int32Array.from({ length: m }, (_, i) => i), gradient, hessian, forward: new Uint8Array(m), evaluations, best, fx: at0.f };
}
