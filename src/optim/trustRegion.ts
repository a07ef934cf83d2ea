/**
 * Trust-region subproblem with simple bounds, as in BOBYQA's TRSBOX (Powell 2009, §3):
 *
 *     minimise  Q(x+d) − Q(x) = gᵀd + ½ dᵀGd   subject to  ‖d‖ ≤ Δ,  lower ≤ x + d ≤ upper.
 *
 * Stage 1 is a truncated conjugate-gradient iteration on the free variables. A variable is "fixed"
 * (held at a bound) either from the start, when x is on the bound and −g points outwards, or when a
 * CG step reaches the bound, after which CG restarts from steepest descent on the remaining free
 * variables. CG stops at the solution of the reduced Newton system, on a sufficiently small reduction
 * of Q, or when the step reaches the trust-region boundary.
 *
 * Stage 2 (only when the boundary ‖d‖ = Δ was reached) improves d while staying on the boundary:
 * with s ⟂ d in the free subspace, ‖s‖ = ‖d_free‖ and sᵀ∇Q(x+d) < 0, it searches along
 * d(θ) = d cos θ + s sin θ, θ ∈ [0, min(π/2, θ_bound)] (Powell 2009, eq. 3.8ff.), fixing a variable
 * whenever the search stops on its bound, until the reduction becomes small.
 *
 * The step is computed in WebAssembly (interpolationKernel.wat `trustRegion`, operation for
 * operation as the JavaScript it replaced, with the engine-independent cos, sin, atan2 and hypot
 * of samplers/elementary.ts): compiled before its first call, where a fresh process would run
 * this loop in V8's baseline tier.
 */
import { trustRegionKernel } from './interpolationKernel.js';

/** Result of the bounded trust-region subproblem. */
export interface TrustRegionStep {
  /** The step d (x + d is feasible; components on a bound are exact). */
  d: Float64Array;
  /**
   * Least curvature dᵀGd/‖d‖² seen along CG search directions when the step ended inside the trust
   * region; 0 if the trust-region boundary was reached; −1 if no curvature was computed.
   */
  crvmin: number;
}

/**
 * Approximate minimiser of gᵀd + ½dᵀGd subject to ‖d‖ ≤ delta and lower ≤ x + d ≤ upper.
 * `G` is row-major n×n and symmetric; x must be feasible.
 */
export function boundedTrustRegionStep(
  g: Float64Array,
  G: Float64Array,
  x: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  delta: number,
): TrustRegionStep {
  const kernel = trustRegionKernel(g.length);
  kernel.g.set(g);
  kernel.G.set(G);
  kernel.x.set(x);
  kernel.lower.set(lower);
  kernel.upper.set(upper);
  const crvmin = kernel.step(delta);
  return { d: Float64Array.from(kernel.d), crvmin };
}
