/**
 * Minimisation with an analytic gradient under lower bounds: a projected BFGS method (Bertsekas
 * 1982, "Projected Newton methods for optimization problems with simple constraints"; Nocedal &
 * Wright 2006, eq. 6.17 for the inverse-Hessian update). Per iteration:
 *
 * - the active set A: coordinates on their bound whose gradient points out of the box (they stay
 *   on it); the others are free;
 * - the direction d_F = −H_FF g_F from the inverse-Hessian approximation H on the free
 *   coordinates (steepest descent, and H reset, when that is not a descent direction);
 * - a backtracking line search on the projected path x(α) = max(l, x + αd) with Armijo's
 *   condition f(x(α)) ≤ f(x) + c₁ g'(x(α) − x), shortening α by quadratic interpolation;
 * - the BFGS update H ← (I − ρsy')H(I − ρys') + ρss' (ρ = 1/y's), skipped when y's is not
 *   safely positive; H is scaled by y's/y'y before the first update (Nocedal & Wright, eq. 6.20).
 *
 * It stops when the projected gradient is below `gtol` (∞-norm), or when `stallIterations`
 * iterations in a row lower f by less than `ftol`·max(1, |f|), or at `maxIterations`.
 * Deterministic: the same inputs give bit-identical results.
 */

/** Options of {@link minimizeQuasiNewton}. */
export interface QuasiNewtonOptions {
  /** Lower bounds (default −Infinity). */
  lower?: ArrayLike<number>;
  /** Largest step of the first iteration, in the ∞-norm (default 0.2, as BOBYQA's ρ_beg). */
  firstStep?: number;
  /** Stop when max |projected gradient| ≤ gtol (default 1e-6). */
  gtol?: number;
  /** Relative decrease counted as no progress (default 1e-12). */
  ftol?: number;
  /** Iterations in a row without progress before stopping (default 3). */
  stallIterations?: number;
  /** Most iterations (default 2000). */
  maxIterations?: number;
  /**
   * f alone, where it is much cheaper than `fg` and gives the same values: the line search then
   * tries each step with it and calls `fg` only on the step it accepts (a step that is cut back
   * costs one value instead of a value and a gradient).
   */
  value?: (x: Float64Array) => number;
}

/** Result of {@link minimizeQuasiNewton}. */
export interface QuasiNewtonResult {
  x: Float64Array;
  fval: number;
  /** Calls of `fg` (each a value and a gradient) and of `value`. */
  evaluations: number;
  /** Calls of `fg` alone. */
  gradients: number;
  iterations: number;
  /** The projected gradient test or the stall test was met. */
  converged: boolean;
  message: string;
  /** The starting point (projected onto the bounds) and its value. */
  x0: Float64Array;
  f0: number;
}

/** Armijo's sufficient-decrease constant, and the most halvings of a step. */
const armijo = 1e-4;
const maxHalvings = 40;

/**
 * Minimise f within x ≥ lower from x0, given `fg` returning f and its gradient (g undefined or
 * f not finite where f is undefined: the step is then shortened).
 */
export function minimizeQuasiNewton(
  fg: (x: Float64Array) => { f: number; g: Float64Array | undefined },
  x0: ArrayLike<number>,
  options: QuasiNewtonOptions = {},
): QuasiNewtonResult {
  const m = x0.length;
  const lower = options.lower ?? new Float64Array(m).fill(-Infinity);
  const gtol = options.gtol ?? 1e-6;
  const ftol = options.ftol ?? 1e-12;
  const stallIterations = options.stallIterations ?? 3;
  const maxIterations = options.maxIterations ?? 2000;
  const project = (v: Float64Array) => {
    for (let i = 0; i < m; i++) if (v[i] < lower[i]) v[i] = lower[i];
    return v;
  };
  let x = project(Float64Array.from(x0));
  let evaluations = 1;
  let gradients = 1;
  let { f, g } = fg(x);
  const start = { x0: Float64Array.from(x), f0: f };
  if (!Number.isFinite(f) || !g) {
    return { x, fval: f, evaluations, gradients, iterations: 0, converged: false, message: 'the function is not finite at the start', ...start };
  }
  const value = options.value;
  let grad: Float64Array = Float64Array.from(g);
  const H = identity(m);
  let scaled = false;
  let stall = 0;
  const free = new Uint8Array(m);
  const d = new Float64Array(m);
  const trial = new Float64Array(m);
  let message = 'maximum iterations reached';
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    // Active set and the projected gradient.
    let pgMax = 0;
    for (let i = 0; i < m; i++) {
      free[i] = x[i] > lower[i] || grad[i] < 0 ? 1 : 0;
      if (free[i]) pgMax = Math.max(pgMax, Math.abs(grad[i]));
    }
    if (pgMax <= gtol) {
      message = 'projected gradient below gtol';
      converged = true;
      break;
    }
    let slope = direction(H, grad, free, m, d);
    if (!(slope < 0)) {
      // Not a descent direction: back to steepest descent with a fresh H.
      H.set(identity(m));
      scaled = false;
      slope = direction(H, grad, free, m, d);
    }
    let alpha = 1;
    if (iterations === 0) {
      let dMax = 0;
      for (let i = 0; i < m; i++) dMax = Math.max(dMax, Math.abs(d[i]));
      alpha = Math.min(1, (options.firstStep ?? 0.2) / dMax);
    }
    let accepted: { f: number; g: Float64Array } | undefined;
    for (let h = 0; h < maxHalvings; h++) {
      for (let i = 0; i < m; i++) trial[i] = x[i] + alpha * d[i];
      project(trial);
      let decrease = 0;
      for (let i = 0; i < m; i++) decrease += grad[i] * (trial[i] - x[i]);
      let r: { f: number; g: Float64Array | undefined };
      if (value) {
        const v = value(Float64Array.from(trial));
        evaluations++;
        r = Number.isFinite(v) && v <= f + armijo * decrease ? fg(Float64Array.from(trial)) : { f: v, g: undefined };
        if (r.g) {
          evaluations++;
          gradients++;
        }
      } else {
        r = fg(Float64Array.from(trial));
        evaluations++;
        gradients++;
      }
      if (Number.isFinite(r.f) && r.g && r.f <= f + armijo * decrease) {
        accepted = { f: r.f, g: Float64Array.from(r.g) };
        break;
      }
      // Shorter: the minimiser of the quadratic through f, the slope and f(α) (Nocedal & Wright
      // 2006, eq. 3.57), kept within [0.1α, 0.5α]; halving where f(α) is not finite.
      const curvature = r.f - f - decrease;
      const quadratic = Number.isFinite(r.f) && curvature > 0 ? (-decrease * alpha) / (2 * curvature) : 0.5 * alpha;
      alpha = Math.min(0.5 * alpha, Math.max(0.1 * alpha, quadratic));
    }
    if (!accepted) {
      message = 'line search failed';
      converged = stall > 0;
      break;
    }
    const s = new Float64Array(m);
    const y = new Float64Array(m);
    let sy = 0, yy = 0, ss = 0;
    for (let i = 0; i < m; i++) {
      s[i] = trial[i] - x[i];
      y[i] = accepted.g[i] - grad[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
      ss += s[i] * s[i];
    }
    const progress = f - accepted.f;
    x = Float64Array.from(trial);
    f = accepted.f;
    grad = accepted.g;
    if (sy > 1e-10 * Math.sqrt(ss * yy)) {
      if (!scaled) {
        H.set(identity(m, sy / yy));
        scaled = true;
      }
      bfgsUpdate(H, s, y, sy, m);
    }
    stall = progress < ftol * Math.max(1, Math.abs(f)) ? stall + 1 : 0;
    if (stall >= stallIterations) {
      message = `no progress in ${stallIterations} iterations`;
      converged = true;
      iterations++;
      break;
    }
  }
  return { x, fval: f, evaluations, gradients, iterations, converged, message, ...start };
}

/** d = −H_FF g_F on the free coordinates (0 elsewhere); returns g'd. */
function direction(H: Float64Array, g: Float64Array, free: Uint8Array, m: number, d: Float64Array): number {
  let slope = 0;
  for (let i = 0; i < m; i++) {
    let s = 0;
    if (free[i]) for (let j = 0; j < m; j++) if (free[j]) s -= H[i * m + j] * g[j];
    d[i] = s;
    slope += g[i] * s;
  }
  return slope;
}

/** H ← (I − ρsy')H(I − ρys') + ρss', ρ = 1/y's (symmetric, m×m row-major), in O(m²). */
function bfgsUpdate(H: Float64Array, s: Float64Array, y: Float64Array, sy: number, m: number): void {
  const rho = 1 / sy;
  // Hy, and y'Hy: H⁺ = H − ρ(Hy s' + s y'H) + (ρ² y'Hy + ρ) ss'.
  const Hy = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let t = 0;
    for (let j = 0; j < m; j++) t += H[i * m + j] * y[j];
    Hy[i] = t;
  }
  let yHy = 0;
  for (let i = 0; i < m; i++) yHy += y[i] * Hy[i];
  const c = rho * rho * yHy + rho;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) H[i * m + j] += -rho * (Hy[i] * s[j] + s[i] * Hy[j]) + c * s[i] * s[j];
  }
}

function identity(m: number, value = 1): Float64Array {
  const I = new Float64Array(m * m);
  for (let i = 0; i < m; i++) I[i * m + i] = value;
  return I;
}
