/**
 * The check of an optimum of the profiled criterion after the optimiser stops, as lme4's
 * `checkConv` (lme4 1.1-31, `lmerControl(check.conv.grad, check.conv.hess)`): gradient and
 * Hessian by finite differences, the gradient scaled by the Hessian, and the Hessian's
 * definiteness. Differences from lme4:
 *
 * - lme4 skips every check when the fit is singular. Here the elements on their bound (zero
 *   diagonal elements of Λ) are checked too, by central differences across the bound: the bound
 *   only fixes a sign (Λ and Λ with a column negated give the same ΛΛ', so the criterion is
 *   defined and smooth across 0 and symmetric under that reflection). A zero variance whose
 *   column is zero below the diagonal leaves the criterion even in that element (slope 0, and
 *   the curvature says whether 0 is a minimum); one with entries below the diagonal is a minimum
 *   only where its slope vanishes too, for otherwise the reflected column moved off the bound
 *   goes down (an optimiser held at the bound cannot see that way). A longer step off each bound
 *   guards against a shallow descent (lme4's `restart_edge` tries one step of 1e-5).
 * - The scaled gradient is taken in the eigenbasis of the Hessian H = VΛV': per direction v,
 *   min(|v'g|/√λ, |v'g|) (the first is lme4's solve(chol(H), g) up to a rotation; the second lets
 *   a flat direction pass when its slope is negligible, as lme4's pmin(|scgrad|, |grad|)), which is
 *   defined also when H is only semi-definite (a singular fit can leave directions of zero
 *   curvature). lme4's own statistic is recorded beside it.
 * - Negative eigenvalues count only beyond the rounding error of the second differences.
 *
 * The check works in the fitter's internal θ coordinates (each row of Λ scaled by the size of its
 * random-effects column, see `optimize.ts`), where a unit step means the same thing in any units.
 */
import { finiteDifferences, gradientDifferences, type ValueAndGradient } from '../optim/derivatives.js';
import { symmetricEigen } from '../optim/eigen.js';

/** lme4's `check.conv.grad` tolerance on the scaled gradient. */
export const gradientTolerance = 2e-3;

/** Finite-difference step in the internal θ coordinates (lme4's `deriv12` delta). */
export const differenceStep = 1e-4;

/** Second trial step off a bound (a first-order test at 1e-4 misses a shallow quadratic descent). */
const boundaryStep = 1e-2;

/** What the check found, kept in the optimisation summary (`optimization.check` in the JSON). */
export interface ConvergenceCheck {
  passed: boolean;
  /** How the derivatives were taken. */
  method: string;
  /** Evaluations of the criterion the check made (those with the gradient included). */
  evaluations: number;
  /** How many of them also computed the analytic gradient (0 for finite differences alone). */
  gradientEvaluations: number;
  /** Indices of the θ elements on their bound (zero diagonal elements of Λ). */
  boundary: number[];
  /** Gradient, in the internal θ coordinates. */
  gradient: number[];
  /** max over Hessian eigen-directions of min(|v'g|/√λ, |v'g|) (∞ for a negative λ with |v'g| above the tolerance). */
  maxScaledGradient: number;
  /** lme4's max(pmin(|solve(chol(H), g)|, |g|)); null when H is not positive definite. */
  lme4ScaledGradient: number | null;
  gradientTolerance: number;
  /** Smallest and largest eigenvalue of the Hessian. */
  hessianEigenvalues: { min: number; max: number } | null;
  /** Below this an eigenvalue counts as negative (rounding of the differences allowed for). */
  negativeTolerance: number;
  /** ½ Σ (v'g)²/λ over directions of positive curvature: the improvement a Newton step predicts. */
  newtonDecrement: number;
  /** Elements on their bound where the criterion is not at a minimum. */
  boundaryDescent: number[];
  /** What failed, one line each, naming the θ element and its model term. */
  messages: string[];
}

/** The check's verdict and the lowest point it evaluated (to restart from when it failed). */
export interface CheckResult {
  check: ConvergenceCheck;
  best: { x: Float64Array; f: number };
  /**
   * x plus the Newton step on the positive-curvature directions, when H has no negative
   * eigenvalue (its diagonal elements of Λ may be negative: reflect before use).
   */
  newton: Float64Array | undefined;
  /**
   * Unit directions of negative curvature (eigenvectors of H for its negative eigenvalues, most
   * negative first, as full-length θ vectors): where the optimiser stopped at a saddle point, the
   * way down.
   */
  negativeCurvature: Float64Array[];
}

/**
 * Check the optimum x (internal θ coordinates, f(x) = fx) of `f`, whose elements equal to their
 * `lower` bound are the zero variances; `label(i)` names θ element i and its model term.
 * With `derivatives` (f and its analytic gradient), the gradient is exact and the Hessian is
 * taken by central differences of the gradient (2m + 1 gradients instead of ≈ m² criteria).
 */
export function checkOptimum(
  f: (x: Float64Array) => number,
  x: Float64Array,
  fx: number,
  lower: Float64Array,
  label: (i: number) => string,
  derivatives?: ValueAndGradient,
): CheckResult {
  const n = x.length;
  const boundary: number[] = [];
  for (let i = 0; i < n; i++) if (x[i] === lower[i]) boundary.push(i);
  const messages: string[] = [];
  // Rounding in the criterion, amplified by the differences: f is summed from logs of O(n)
  // diagonal elements, so allow a hundred ulps of |f| per evaluation.
  const fNoise = 100 * Number.EPSILON * Math.max(1, Math.abs(fx));
  const h = differenceStep;
  const negativeTolerance = Math.max(1e-6, (4 * fNoise) / (h * h));

  // Central differences everywhere, across the bounds too (see above).
  const fd = derivatives
    ? gradientDifferences(derivatives, x, h)
    : finiteDifferences(f, x, fx, Array.from({ length: n }, (_, i) => i), new Float64Array(n).fill(-Infinity), h);
  let evaluations = fd.evaluations;
  const gradientEvaluations = derivatives ? fd.evaluations : 0;
  let best = fd.best;
  const boundaryDescent: number[] = [];
  for (const i of boundary) {
    const slope = fd.gradient[i];
    if (Math.abs(slope) > gradientTolerance) {
      boundaryDescent.push(i);
      messages.push(`the criterion is not at a minimum at the bound of ${label(i)} (slope ${fmt(slope)} across 0)`);
    }
  }
  const m = n;
  const { gradient: g, hessian: H } = fd;
  let maxScaledGradient = 0;
  let lme4ScaledGradient: number | null = null;
  let newtonDecrement = 0;
  let hessianEigenvalues: ConvergenceCheck['hessianEigenvalues'] = null;
  let newton: Float64Array | undefined;
  const negativeCurvature: Float64Array[] = [];
  if (!g.every(Number.isFinite) || !H.every(Number.isFinite)) {
    messages.push('the criterion is not finite at points next to the optimum: unable to evaluate the scaled gradient');
  } else {
    const { values, vectors } = symmetricEigen(H, m);
    hessianEigenvalues = { min: values[0], max: values[m - 1] };
    const negative = values.filter((v) => v < -negativeTolerance).length;
    for (let d = 0; d < negative; d++) {
      negativeCurvature.push(Float64Array.from({ length: n }, (_, i) => vectors[i * m + d]));
    }
    if (negative > 0) {
      const worst = largestEntry(vectors, m, 0);
      messages.push(`degenerate Hessian with ${negative} negative eigenvalue${negative > 1 ? 's' : ''} (smallest ${fmt(values[0])}), mostly along ${label(worst)}`);
    }
    let worstDirection = -1;
    const step = new Float64Array(m);
    for (let d = 0; d < m; d++) {
      let c = 0;
      for (let a = 0; a < m; a++) c += vectors[a * m + d] * g[a];
      const lambda = values[d];
      const scaled = Math.min(lambda > 0 ? Math.abs(c) / Math.sqrt(lambda) : Infinity, Math.abs(c));
      if (scaled > maxScaledGradient) {
        maxScaledGradient = scaled;
        worstDirection = d;
      }
      if (lambda > negativeTolerance) {
        newtonDecrement += (c * c) / (2 * lambda);
        for (let a = 0; a < m; a++) step[a] -= (vectors[a * m + d] * c) / lambda;
      }
    }
    lme4ScaledGradient = lme4Statistic(H, g, m);
    if (maxScaledGradient > gradientTolerance) {
      const worst = largestEntry(vectors, m, worstDirection);
      messages.push(`max|scaled gradient| = ${fmt(maxScaledGradient)} (tol = ${gradientTolerance}), mostly along ${label(worst)}`);
    }
    if (newtonDecrement > 0 && negative === 0) {
      newton = Float64Array.from(x, (v, i) => v + step[i]);
    }
  }

  // A longer step off each bound: a shallow descent can hide below the differences' step.
  for (const i of boundary) {
    if (boundaryDescent.includes(i)) continue;
    const y = Float64Array.from(x);
    y[i] += boundaryStep;
    const v = f(y);
    evaluations++;
    if (v < best.f) best = { x: y, f: v };
    if (v < fx - fNoise) {
      boundaryDescent.push(i);
      messages.push(`the criterion decreases by ${fmt(fx - v)} when ${label(i)} moves off its bound of 0 (by ${boundaryStep})`);
    }
  }
  const check: ConvergenceCheck = {
    passed: messages.length === 0,
    method: derivatives
      ? `analytic gradient, Hessian by central differences of it (step ${h}), on θ with each row of Λ scaled by the size of its random-effects column`
      : `finite differences, step ${h}, on θ with each row of Λ scaled by the size of its random-effects column`,
    evaluations,
    gradientEvaluations,
    boundary,
    gradient: Array.from(fd.gradient),
    maxScaledGradient,
    lme4ScaledGradient,
    gradientTolerance,
    hessianEigenvalues,
    negativeTolerance,
    newtonDecrement,
    boundaryDescent,
    messages,
  };
  return { check, best, newton, negativeCurvature };
}

/** Index of the largest |entry| of column d of an m×m row-major matrix. */
function largestEntry(V: Float64Array, m: number, d: number): number {
  let best = 0;
  for (let a = 1; a < m; a++) if (Math.abs(V[a * m + d]) > Math.abs(V[best * m + d])) best = a;
  return best;
}

/**
 * lme4's statistic max(pmin(|R^{-1}g|, |g|)) for H = R'R (R upper triangular, R's `chol`), or
 * null when H is not positive definite.
 */
function lme4Statistic(H: Float64Array, g: Float64Array, m: number): number | null {
  // Lower Cholesky L = R' (H = LL'); R^{-1}g = L^{-T}g by back substitution.
  const L = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = H[i * m + j];
      for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * m + i] = Math.sqrt(s);
      } else {
        L[i * m + j] = s / L[j * m + j];
      }
    }
  }
  const z = Float64Array.from(g);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= L[k * m + i] * z[k];
    z[i] = s / L[i * m + i];
  }
  let out = 0;
  for (let i = 0; i < m; i++) out = Math.max(out, Math.min(Math.abs(z[i]), Math.abs(g[i])));
  return out;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v);
}
