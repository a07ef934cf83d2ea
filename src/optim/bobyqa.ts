/**
 * Bound-constrained derivative-free minimisation in the manner of Powell's BOBYQA
 * (M.J.D. Powell, "The BOBYQA algorithm for bound constrained optimization without derivatives",
 * DAMTP 2009/NA06), the optimiser lme4 uses for the profiled deviance.
 *
 * Method (section numbers refer to Powell 2009):
 * - m = 2n+1 interpolation points; the initial ones are x0 and x0 ± ρ_beg e_i, or x0 + ρ_beg e_i,
 *   x0 + 2ρ_beg e_i when x0 is on a bound (§2). x0 is first moved onto a bound when it is closer to
 *   it than ρ_beg, or to ρ_beg from it, so that all initial points are feasible.
 * - The quadratic model is updated after every new point by the least Frobenius norm change of its
 *   Hessian subject to the interpolation conditions (§2, Powell 2004); see `interpolation.ts`.
 * - Each iteration computes a trust-region step from the best point x_opt subject to the bounds (§3,
 *   TRSBOX: truncated conjugate gradients, then rotation on the boundary). A step shorter than ½ρ
 *   is not evaluated; instead either the geometry of the interpolation set is improved or ρ is
 *   reduced, following BOBYQA's tests on the recent model errors and on the gradient at active
 *   bounds (§6).
 * - After a trust-region step, Δ is revised from the ratio of actual to predicted reduction (§5:
 *   ratio ≤ 0.1 → Δ = min(½Δ, ‖d‖); ≤ 0.7 → max(½Δ, ‖d‖); else max(½Δ, 2‖d‖); Δ ≤ 1.5ρ → Δ = ρ) and the
 *   point to be replaced maximises max(1, (‖y_k − x_opt‖/Δ)⁴)·|σ_k| (σ_k the updating denominator, §4).
 * - When the model is poor, the interpolation point furthest from x_opt (if further than
 *   max(2Δ, 10ρ)) is replaced by a geometry-improving point that makes |σ| large (§3, ALTMOV).
 * - ρ decreases from ρ_beg to ρ_end as in BOBYQA: ρ ← ρ_end if ρ/ρ_end ≤ 16, √(ρ ρ_end) if ≤ 250,
 *   else ρ/10.
 *
 * Differences from Powell's Fortran: the inverse KKT matrix H is kept whole (not in factored form),
 * updated in O(m²) by Powell's formula and rebuilt around x_opt every m updates, when x_opt is far
 * from the base point, or when an update's denominator is not safely positive; when the interpolation set
 * becomes numerically degenerate it is re-sampled around x_opt at radius ρ (2n evaluations) instead of
 * calling RESCUE. A trust-region step at which f is not finite (Infinity/NaN) only shrinks Δ and is not
 * added to the interpolation set; at initial and geometry points such values are replaced by a finite
 * penalty larger than every value seen.
 *
 * Where it runs: this file checks the options and the starting point; the loop itself, with the
 * interpolation system, the model and the trust-region step, is WebAssembly (interpolationKernel.wat
 * `run`, called through interpolationKernel.ts), which calls f back for every point. In a fresh
 * process the same loop in JavaScript ran in V8's baseline tier and was most of a small fit's time.
 */

import { SystemKernel } from './interpolationKernel.js';

/** Options of {@link minimizeBounded}. */
export interface MinimizeOptions {
  /** Lower bounds (default −Infinity for every coordinate). */
  lower?: ArrayLike<number>;
  /** Upper bounds (default +Infinity for every coordinate). */
  upper?: ArrayLike<number>;
  /**
   * Initial trust-region radius ρ_beg (default 0.2, lme4's choice for θ-scale problems). It is reduced
   * to half the narrowest (non-degenerate) box width if necessary.
   */
  rhobeg?: number;
  /** Final trust-region radius ρ_end (default 2e-7, as lme4's lmer uses for bobyqa; at most ρ_beg). */
  rhoend?: number;
  /** Maximum number of function evaluations (default 10000); hitting it means non-convergence. */
  maxEvaluations?: number;
  /**
   * Optional early stop: when ρ is about to be reduced, and the ρ stage now ending contained at least
   * one successful trust-region step but improved the best value by less than `ftolAbs` in total, stop
   * and report convergence ('ftolAbs reached').
   */
  ftolAbs?: number;
}

/** Result of {@link minimizeBounded}. */
export interface MinimizeResult {
  /** Best point found (components on an active bound equal the bound exactly). */
  x: Float64Array;
  /** f(x). */
  fval: number;
  /** Number of calls of f. */
  evaluations: number;
  /** True when ρ reached ρ_end (or the ftolAbs test was met); false when stopped early. */
  converged: boolean;
  /** 'rho reached rhoend', 'ftolAbs reached', 'maximum evaluations reached', … */
  message: string;
  /**
   * Starting point actually used: the given x0 projected onto the bounds and, for coordinates closer
   * than ρ_beg to a bound, moved onto that bound or to distance ρ_beg from it (as in BOBYQA).
   */
  x0: Float64Array;
  /** f(x0) for that starting point. */
  f0: number;
}

/**
 * Minimise f(x) subject to lower ≤ x ≤ upper without derivatives, by a BOBYQA-type method (quadratic
 * models from 2n+1 interpolation points with least-Frobenius-norm Hessian updates, a bounded
 * trust-region step, geometry-improving steps and a trust-region radius decreasing from ρ_beg to ρ_end).
 *
 * The function may return Infinity or NaN at points where it is undefined; such values are treated as
 * larger than every finite value seen. Coordinates with lower = upper are held fixed. The method is
 * deterministic: the same inputs give bit-identical results.
 *
 * @param f objective; receives a fresh copy of the trial point
 * @param x0 starting point
 * @param options bounds, radii and limits (see {@link MinimizeOptions})
 */
export function minimizeBounded(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: MinimizeOptions = {},
): MinimizeResult {
  const n = x0.length;
  if (n === 0) throw new RangeError('minimizeBounded: x0 must have at least one coordinate');
  const lower = new Float64Array(n).fill(-Infinity);
  const upper = new Float64Array(n).fill(Infinity);
  if (options.lower !== undefined) {
    if (options.lower.length !== n) throw new RangeError('minimizeBounded: lower has the wrong length');
    for (let i = 0; i < n; i++) lower[i] = options.lower[i]!;
  }
  if (options.upper !== undefined) {
    if (options.upper.length !== n) throw new RangeError('minimizeBounded: upper has the wrong length');
    for (let i = 0; i < n; i++) upper[i] = options.upper[i]!;
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(lower[i]!) || Number.isNaN(upper[i]!) || lower[i]! > upper[i]!) {
      throw new RangeError(`minimizeBounded: invalid bounds for coordinate ${i}`);
    }
    if (!Number.isFinite(x0[i]!)) throw new RangeError(`minimizeBounded: x0[${i}] is not finite`);
  }
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (lower[i]! < upper[i]!) free.push(i);
  if (free.length === n) return minimizeFree(f, Float64Array.from(x0), lower, upper, options);

  // Hold coordinates with lower = upper fixed and optimise over the others.
  const full = Float64Array.from(x0);
  for (let i = 0; i < n; i++) if (lower[i] === upper[i]) full[i] = lower[i]!;
  const expand = (z: ArrayLike<number>): Float64Array => {
    const x = Float64Array.from(full);
    for (let j = 0; j < free.length; j++) x[free[j]!] = z[j]!;
    return x;
  };
  if (free.length === 0) {
    const fx = f(Float64Array.from(full));
    return {
      x: Float64Array.from(full),
      fval: fx,
      evaluations: 1,
      converged: true,
      message: 'all coordinates fixed by the bounds',
      x0: Float64Array.from(full),
      f0: fx,
    };
  }
  const sub = minimizeFree(
    (z) => f(expand(z)),
    Float64Array.from(free, (i) => full[i]!),
    Float64Array.from(free, (i) => lower[i]!),
    Float64Array.from(free, (i) => upper[i]!),
    options,
  );
  return { ...sub, x: expand(sub.x), x0: expand(sub.x0) };
}

/** The algorithm proper; all coordinates have lower < upper. */
function minimizeFree(
  f: (x: Float64Array) => number,
  xstart: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
  options: MinimizeOptions,
): MinimizeResult {
  const n = xstart.length;
  const m = 2 * n + 1;
  const maxEval = Math.max(1, Math.floor(options.maxEvaluations ?? 10000));
  let minWidth = Infinity;
  for (let i = 0; i < n; i++) minWidth = Math.min(minWidth, upper[i]! - lower[i]!);
  let rhobeg = options.rhobeg ?? 0.2;
  if (!(rhobeg > 0)) throw new RangeError('minimizeBounded: rhobeg must be positive');
  rhobeg = Math.min(rhobeg, 0.5 * minWidth);
  let rhoend = options.rhoend ?? 2e-7;
  if (!(rhoend > 0)) throw new RangeError('minimizeBounded: rhoend must be positive');
  rhoend = Math.min(rhoend, rhobeg);
  const ftolAbs = options.ftolAbs;

  // Starting point: project onto the box; coordinates within ρ_beg of a bound go onto the bound
  // (if at or beyond it) or to distance ρ_beg from it, so that the initial points x0 ± ρ_beg e_i
  // (or x0 + ρ_beg e_i, x0 + 2ρ_beg e_i at a bound) are feasible.
  const x0 = Float64Array.from(xstart);
  for (let i = 0; i < n; i++) {
    const lo = lower[i]!;
    const hi = upper[i]!;
    if (x0[i]! <= lo) x0[i] = lo;
    else if (x0[i]! < lo + rhobeg) x0[i] = lo + rhobeg;
    if (x0[i]! >= hi) x0[i] = hi;
    else if (x0[i]! > hi - rhobeg) x0[i] = Math.max(lo, hi - rhobeg);
  }

  const f0raw = f(Float64Array.from(x0));
  if (!Number.isFinite(f0raw)) {
    return finish(x0, f0raw, 1, false, 'objective is not finite at the starting point');
  }
  // The loop runs in the WebAssembly kernel (interpolationKernel.wat `run`, the same steps and
  // arithmetic as the JavaScript it replaced), which calls f with a fresh copy of each point.
  const kernel: SystemKernel = new SystemKernel(n, m, (address) => f(new Float64Array(kernel.buffer, address, n).slice()));
  kernel.x0.set(x0);
  kernel.lower.set(lower);
  kernel.upper.set(upper);
  const { code, evaluations, fval, stopReason } = kernel.run(f0raw, rhobeg, rhoend, maxEval, ftolAbs);
  if (code === -1) throw new Error('minimizeBounded: initial interpolation set is degenerate');
  const message =
    code === 1
      ? 'rho reached rhoend'
      : code === 2
        ? 'ftolAbs reached'
        : stopReason === 1
          ? 'maximum evaluations reached'
          : 'interpolation set degenerate (rounding errors prevent further progress)';
  return finish(kernel.best, fval, evaluations, code > 0, message);

  function finish(x: Float64Array, fx: number, nf: number, conv: boolean, msg: string): MinimizeResult {
    return {
      x: Float64Array.from(x),
      fval: fx,
      evaluations: nf,
      converged: conv,
      message: msg,
      x0: Float64Array.from(x0),
      f0: f0raw,
    };
  }
}
