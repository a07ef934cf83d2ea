/**
 * Quadratic interpolation machinery of the BOBYQA-style minimiser in `bobyqa.ts`: the mathematics,
 * and JavaScript access to the WebAssembly kernel's pieces that carry it out (interpolationKernel.ts;
 * the optimiser's loop runs wholly in the kernel, these are for checking them one at a time).
 *
 * Notation follows Powell (2004, "Least Frobenius norm updating of quadratic models that satisfy
 * interpolation conditions", Math. Program. 100) and Powell (2009, "The BOBYQA algorithm for bound
 * constrained optimization without derivatives", DAMTP 2009/NA06):
 *
 * - m = 2n+1 interpolation points y_1..y_m with values F_1..F_m;
 * - a base point x_b (here always the current best point x_opt) and a scale σ_s; the scaled
 *   displacements are s_k = (y_k − x_b)/σ_s;
 * - the KKT matrix of the least-Frobenius-norm problem (Powell 2004, eq. 2.7 / BOBYQA eq. 2.6)
 *
 *        W = [ A   Eᵀ ]      A_kj = ½ (s_k·s_j)²,      E = [ 1 … 1 ; s_1 … s_m ]  ((n+1) × m),
 *            [ E   0  ]
 *
 *   and its inverse H = W⁻¹ (size m+n+1).
 *
 * H is built once by Gauss–Jordan elimination with partial pivoting (order m+n+1: O(m³)) and then,
 * after each replacement of one interpolation point, updated by Powell's O(m²) formula (Powell 2004,
 * eq. 4.11 with the denominator σ = αβ + τ² of eq. 4.12; NEWUOA's UPDATE without the factored form):
 *
 *   H⁺ = H + σ⁻¹ [ α (e_t − Hw)(e_t − Hw)ᵀ − β H e_t e_tᵀ H + τ { H e_t (e_t − Hw)ᵀ + (e_t − Hw) e_tᵀ H } ].
 *
 * The base point and the scale σ_s stay fixed between rebuilds; the optimiser rebuilds H around x_opt
 * (which re-chooses the base, restores the RMS scaling and discards the updates' rounding errors)
 * when x_opt has moved far from the base compared with the trust region, every m updates, and
 * whenever an update's denominator is not safely positive. Mathematically the models, Lagrange
 * functions and denominators are the ones of BOBYQA.
 *
 * H, the s_k and the loops over them live in the kernel's memory; its sums run in the order the
 * JavaScript they replaced did.
 */
import { SystemKernel } from './interpolationKernel.js';

/** The inverse KKT matrix of the current interpolation set, in scaled coordinates around `base`. */
export interface InterpolationSystem {
  n: number;
  m: number;
  /** Base point x_b (the current best interpolation point). */
  base: Float64Array;
  /** Scale σ_s: scaled displacement t = (x − x_b)/σ_s. */
  scale: number;
  /** Scaled displacements s_k of the interpolation points (m arrays of length n). */
  s: Float64Array[];
  /** H = W⁻¹, row-major, order N = m+n+1 (symmetric). */
  H: Float64Array;
  /** The kernel whose memory holds H and the s_k (views of it). */
  kernel: SystemKernel;
}

/**
 * Build W for the points `points` around `base` and invert it. Returns `undefined` when W is
 * numerically singular (the interpolation set has lost its poisedness), in which case the caller
 * must re-sample the set. The scale is the RMS length of the non-zero displacements unless
 * `fixedScale` is given (tests compare an updated H with the rebuilt one at the same scale).
 */
export function buildSystem(points: readonly Float64Array[], base: Float64Array, fixedScale?: number): InterpolationSystem | undefined {
  const m = points.length;
  const n = base.length;
  let sumsq = 0;
  let nonzero = 0;
  for (let k = 0; k < m; k++) {
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = points[k]![i]! - base[i]!;
      ss += v * v;
    }
    if (ss > 0) {
      sumsq += ss;
      nonzero++;
    }
  }
  if (nonzero === 0) return undefined;
  // Unit RMS length of the non-zero displacements.
  const scale = fixedScale ?? Math.sqrt(sumsq / nonzero);
  const kernel = new SystemKernel(n, m);
  const s = kernel.rows;
  for (let k = 0; k < m; k++) for (let i = 0; i < n; i++) s[k]![i] = (points[k]![i]! - base[i]!) / scale;
  if (!kernel.build(1e-13)) return undefined;
  return { n, m, base: Float64Array.from(base), scale, s, H: kernel.H, kernel };
}

/**
 * Replace interpolation point `t` by x and update H = W⁻¹ in place by Powell's formula (Powell
 * 2004, eq. 4.11; see the header), in O((m+n)²) operations instead of a new inversion. The base
 * point and scale are kept. Returns false, leaving `sys` unchanged, when the denominator σ_t is
 * not safely positive (relative to the magnitudes it is made of) or not finite: then W would be
 * nearly singular and the caller should rebuild (and possibly re-sample) the set.
 */
export function updateSystem(sys: InterpolationSystem, t: number, x: ArrayLike<number>): boolean {
  const { n, kernel, scale, base } = sys;
  const xs = kernel.t;
  for (let i = 0; i < n; i++) xs[i] = (x[i]! - base[i]!) / scale;
  return kernel.update(t);
}

/**
 * Geometry-improving ("alternative") step of BOBYQA (Powell 2009, §3, subroutine ALTMOV's task):
 * choose x = x_opt + d with ‖d‖ ≤ radius and lower ≤ x ≤ upper that makes |σ_knew(x)| large, so that
 * replacing y_knew by x keeps the interpolation set well poised. x_opt (`xopt`) is interpolation
 * point `kopt` (≠ knew); the system's base point need not be x_opt.
 *
 * Candidates:
 * - on each line through x_opt and another interpolation point y_k, ℓ_knew is the quadratic
 *   ℓ(x_opt + a(y_k − x_opt)) = a D_k + a² (δ_k,knew − D_k) with D_k = ∇ℓ_knew(x_opt)·(y_k − x_opt)
 *   (it interpolates 0 at x_opt and δ_k,knew at y_k; Powell's first alternative); its extreme
 *   points in the feasible a-interval are tried;
 * - steps of length `radius` along ±∇ℓ_knew(x_opt), projected onto the box by fixing components that
 *   hit a bound and rescaling the others (Powell's Cauchy-type alternative);
 * - coordinate steps ±radius·e_i truncated at the bounds.
 * Every candidate gets the exact σ (O((m+n)²) each). Ranking them first by ALTMOV's estimate
 * σ ≈ ℓ²(ℓ² + ½ α (a(1−a)‖y_k − x_opt‖²)²) and computing σ for the best 8 or 32 only was tried on
 * kb07's maximal model (72 θ): cheaper steps, but the first run stopped 6–12 above the optimum
 * and the fit needed two restarts and three checks (28,767 evaluations, 197 s under load), where
 * exact σ for all reached the optimum in one run (13,014 evaluations with the check, 183 s).
 * The search runs in the kernel (interpolationKernel.wat `geometry`), in this order.
 */
export function geometryStep(
  sys: InterpolationSystem,
  knew: number,
  kopt: number,
  xopt: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  radius: number,
): { x: Float64Array; sigma: number } {
  const { n, s, scale, base, kernel } = sys;
  const topt = s[kopt]!;
  // Feasible steps from x_opt, scaled: lo ≤ d ≤ hi (lo ≤ 0 ≤ hi).
  const { lo, hi } = kernel;
  for (let i = 0; i < n; i++) {
    lo[i] = Math.min(0, (lower[i]! - base[i]!) / scale - topt[i]!);
    hi[i] = Math.max(0, (upper[i]! - base[i]!) / scale - topt[i]!);
  }
  const bestSigma = kernel.geometry(knew, kopt, radius / scale);
  const d = kernel.best;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Land exactly on a bound when the scaled step reaches it.
    if (d[i]! <= lo[i]! && lo[i]! < 0) x[i] = lower[i]!;
    else if (d[i]! >= hi[i]! && hi[i]! > 0) x[i] = upper[i]!;
    else x[i] = Math.min(upper[i]!, Math.max(lower[i]!, xopt[i]! + scale * d[i]!));
  }
  return { x, sigma: bestSigma };
}
