/**
 * The optimisation driver of the exact fit: minimise the profiled criterion over θ by BOBYQA,
 * set near-zero variances onto their bound, check the optimum (`convergence.ts`), and restart
 * where the check fails, until it passes or no progress is made.
 *
 * Units. θ is relative to the units of the random-effects columns: with Days in minutes
 * (×1000) the slope's Λ entries are 1000 times smaller, below the optimiser's resolution
 * (ρ_end = 2e-7), and the fit stops short. The optimiser therefore works on θ̃ with
 * Λ = D⁻¹Λ̃, D = diag(d_r) the root mean square of each random-effects column of the term:
 * ZΛ = (ZD⁻¹)Λ̃ is the same model, Λ̃ is lower triangular with the same sign constraints,
 * and scaling a column by s scales d_r by s, so θ̃ (and the optimiser's path) does not depend
 * on the column's units. Only θ's entries are mapped (θ_t = θ̃_t / d_r for the element in row r);
 * the criterion is evaluated in the model's own units.
 */
import type { MixedModel } from '../model/model.js';
import { minimizeBounded, type MinimizeResult } from '../optim/bobyqa.js';
import { minimizeQuasiNewton } from '../optim/quasiNewton.js';
import { checkOptimum, type ConvergenceCheck } from './convergence.js';
import type { ThetaLayout } from './theta.js';
import { thetaDecorrelation } from './thetaDecorrelation.js';

/** What the optimiser did, kept with the fit (as MixedModels.jl's `optsum`). */
export interface OptimizationSummary {
  optimizer: string;
  /** Evaluations of the criterion in all: optimiser runs, snapping and the checks. */
  evaluations: number;
  /** How many of them also computed the analytic gradient (quasi-Newton runs and checks, see `check.method`). */
  gradientEvaluations: number;
  /** What one of those costs in criterion evaluations (the factor's operation counts); set by the fit when it used them. */
  gradientCostRatio?: number;
  initialTheta: number[];
  initialObjective: number;
  finalTheta: number[];
  finalObjective: number;
  /** The optimiser stopped normally and the optimum passed the convergence check. */
  converged: boolean;
  message: string;
  /** Per θ element, the d_r it is multiplied by for the optimiser (θ̃ = d_r·θ). */
  thetaScale: number[];
  /** Optimiser runs after the first (restarts from the point found or from other values). */
  restarts: number;
  /** The last convergence check (of the optimum returned). */
  check: ConvergenceCheck;
  /** Threads that factored the criterion's Cholesky (1 without helper threads); set by the fit. */
  threads?: number;
  /** Terms whose random-effects columns the optimiser decorrelated (thetaDecorrelation.ts); absent when none. */
  decorrelated?: string[];
}

/** Options of {@link optimizeTheta}. */
export interface OptimizeOptions {
  /** Trust-region radii of the first run (in θ̃). */
  rhobeg?: number;
  rhoend?: number;
  /** Most optimiser runs after the first (default 6). */
  maxRestarts?: number;
  /**
   * The criterion and its analytic gradient at θ (model units, as `objective`), for the
   * convergence check; without it the check takes finite differences of the criterion.
   */
  derivatives?: (theta: Float64Array) => { f: number; g: Float64Array | undefined };
  /** With `derivatives`: start with the quasi-Newton method from this many θ (default `quasiNewtonMinTheta`). */
  quasiNewtonMinTheta?: number;
}

/**
 * With the analytic gradient, models with at least this many θ elements start with the
 * quasi-Newton method (quasiNewton.ts, run without bounds) instead of BOBYQA, whose cost grows with the
 * square of the number of θ (kb07's maximal model: 72 θ, ≈ 7,750 evaluations; with 20 θ, kb07's
 * correlated slopes take ≈ 150 gradients instead of ≈ 1,900 evaluations, reaching the tight
 * lme4 references); the convergence check and any restarts (BOBYQA) follow as for the others.
 * Below it BOBYQA stays (at lme4 parity; every light lme4_conv reference is also reached with
 * the quasi-Newton start, test/fit/gradient.test.ts).
 */
export const quasiNewtonMinTheta = 10;

/** θ̃ diagonal elements this close to their bound of 0 are tried exactly on it. */
const snapDistance = 1e-5;

/**
 * The bound is taken when the criterion there is no worse than this relative amount: its
 * rounding (a sum of hundreds of logarithms). Within 10⁻⁵ of the bound the criterion moves by
 * O(θ²), so a point 10⁻⁹ off the bound and the bound are the same optimum to the last digits,
 * and the bound (a zero variance, as lme4 reports it) is the answer.
 */
const snapTolerance = 1e-12;

/** Terms with at most this many levels are also restarted from other values of their θ. */
const fewLevels = 20;

/** A restart must lower the criterion by more than this (relative) to count as progress. */
const progressTolerance = 1e-12;

/** Steps tried along a direction of negative curvature, and how many such directions. */
const curvatureSteps = [0.01, 0.03, 0.1, 0.3, 1];
const maxDirections = 3;

/** Factors applied to a few-level term's block of θ̃ for its other starting values. */
const alternativeFactors = [0.1, 10];

/**
 * Minimise `objective` (a function of θ in the model's units) over θ within the layout's
 * bounds, check the optimum, and restart where the check fails.
 */
export function optimizeTheta(objective: (theta: Float64Array) => number, layout: ThetaLayout, model: MixedModel, options: OptimizeOptions = {}): OptimizationSummary {
  const scale = thetaScales(model, layout);
  const lower = layout.lower;
  // Terms with nearly collinear columns are also decorrelated (thetaDecorrelation.ts), where the
  // optimiser works without the analytic gradient (the quasi-Newton path keeps the scales).
  const quasiNewtonPath = options.derivatives !== undefined && layout.length >= (options.quasiNewtonMinTheta ?? quasiNewtonMinTheta);
  const decorrelation = quasiNewtonPath ? undefined : thetaDecorrelation(model, layout, scale);
  const toTheta = decorrelation ? (t: Float64Array): Float64Array => decorrelation.toTheta(t) : (t: Float64Array): Float64Array => Float64Array.from(t, (v, i) => v / scale[i]);
  const f = (t: Float64Array): number => objective(toTheta(t));
  // ∂/∂θ̃_t = (∂/∂θ_t) / d_t, as θ_t = θ̃_t / d_t (a decorrelated term's map is not elementwise:
  // its check takes finite differences of the criterion).
  const modelDerivatives = decorrelation ? undefined : options.derivatives;
  let gradientEvaluations = 0;
  const fg = modelDerivatives
    ? (t: Float64Array) => {
        const r = modelDerivatives(toTheta(t));
        return { f: r.f, g: r.g && Float64Array.from(r.g, (v, i) => v / scale[i]) };
      }
    : undefined;
  const check = (x: Float64Array, fx: number) => {
    const r = checkOptimum(f, x, fx, lower, label, fg);
    gradientEvaluations += r.check.gradientEvaluations;
    return r;
  };
  const label = thetaLabels(model);
  const rhoend = options.rhoend ?? 2e-7;
  const maxRestarts = options.maxRestarts ?? 6;
  let evaluations = 0;

  const run = (start: Float64Array, rhobeg: number): MinimizeResult & { snapped: number } => {
    const r = minimizeBounded(f, start, { lower, rhobeg, rhoend });
    evaluations += r.evaluations;
    if (!Number.isFinite(r.fval)) return { ...r, snapped: 0 };
    const s = snapToBounds(f, r.x, r.fval, lower);
    evaluations += s.evaluations;
    return { ...r, x: s.theta, fval: s.fval, snapped: s.evaluations };
  };

  const quasiNewton = fg !== undefined && layout.length >= (options.quasiNewtonMinTheta ?? quasiNewtonMinTheta);
  const runQuasiNewton = (start: Float64Array): MinimizeResult & { snapped: number } => {
    // Without bounds: the criterion is defined and smooth across a zero diagonal element of Λ
    // (a column and its negation give the same ΛΛ'), and a bound would stop the method at a
    // zero variance whose column has entries below the diagonal, where the reflected column
    // still goes down (convergence.ts). The point found is reflected into the bounds.
    const r = minimizeQuasiNewton(fg as NonNullable<typeof fg>, start, { firstStep: options.rhobeg ?? 0.2, value: f });
    evaluations += r.evaluations;
    gradientEvaluations += r.gradients;
    r.x = reflect(r.x, layout);
    const result = { x: r.x, fval: r.fval, evaluations: r.evaluations, converged: r.converged, message: `quasi-Newton: ${r.message} (${r.iterations} iterations)`, x0: r.x0, f0: r.f0 };
    if (!Number.isFinite(r.fval)) return { ...result, snapped: 0 };
    const s = snapToBounds(f, r.x, r.fval, lower);
    evaluations += s.evaluations;
    return { ...result, x: s.theta, fval: s.fval, snapped: s.evaluations };
  };
  const first = quasiNewton ? runQuasiNewton(Float64Array.from(layout.start)) : run(Float64Array.from(layout.start), options.rhobeg ?? 0.2);
  const initialTheta = Array.from(toTheta(first.x0));
  const summaryOf = (x: Float64Array, fx: number, converged: boolean, message: string, restarts: number, check: ConvergenceCheck): OptimizationSummary => ({
    optimizer: quasiNewton ? 'quasi-Newton (BFGS on the analytic gradient, across the bounds), bobyqa for restarts' : 'bobyqa',
    evaluations,
    gradientEvaluations,
    initialTheta,
    initialObjective: first.f0,
    finalTheta: Array.from(toTheta(x)),
    finalObjective: fx,
    converged,
    message,
    thetaScale: Array.from(scale),
    restarts,
    check,
    ...(decorrelation ? { decorrelated: decorrelation.terms } : {}),
  });
  let x = first.x;
  let fx = first.fval;
  const notes: string[] = [first.message];
  if (first.snapped > 0) notes.push(`${first.snapped} θ element(s) tried on the bound`);
  if (!Number.isFinite(fx)) {
    const failed = checkOptimum(() => Infinity, x, fx, lower, label).check;
    return summaryOf(x, fx, false, first.message, 0, { ...failed, passed: false, evaluations: 0 });
  }

  let result = check(x, fx);
  evaluations += result.check.evaluations;
  let optimizerOk = first.converged;
  let restarts = 0;
  let alternativesTried = false;
  while (!result.check.passed && restarts < maxRestarts) {
    // Restart from the best point known: the optimum, a lower point the check evaluated, or
    // the Newton step the check's derivatives suggest. Points the check made may have negative
    // diagonal elements of Λ: reflected, they are the same model within the bounds.
    let start = x;
    let fstart = fx;
    if (result.best.f < fstart) ({ x: start, f: fstart } = result.best);
    if (result.newton) {
      const fn = f(result.newton);
      evaluations++;
      if (fn < fstart) {
        start = result.newton;
        fstart = fn;
      }
    }
    // At a saddle point (negative curvature), first go down along it.
    for (const u of result.negativeCurvature.slice(0, maxDirections)) {
      for (const sign of [1, -1]) {
        for (const alpha of curvatureSteps) {
          const y = Float64Array.from(x, (v, i) => v + sign * alpha * u[i]);
          const fy = f(y);
          evaluations++;
          if (fy < fstart) {
            start = y;
            fstart = fy;
          }
        }
      }
    }
    start = reflect(start, layout);
    restarts++;
    const again = run(start, 0.2);
    let candidate = again.fval < fstart ? { x: again.x, f: again.fval, ok: again.converged } : { x: start, f: fstart, ok: optimizerOk };
    if (!(candidate.f < fx - progressTolerance * Math.max(1, Math.abs(fx))) && !alternativesTried) {
      // No progress from the point found: for terms with few levels, try other values of their θ.
      alternativesTried = true;
      for (const start2 of alternativeStarts(model, layout, x)) {
        if (restarts >= maxRestarts) break;
        restarts++;
        const alt = run(start2, 0.2);
        if (alt.fval < candidate.f) candidate = { x: alt.x, f: alt.fval, ok: alt.converged };
      }
    }
    if (!(candidate.f < fx - progressTolerance * Math.max(1, Math.abs(fx)))) {
      notes.push(`no progress from ${restarts} restart${restarts > 1 ? 's' : ''}`);
      break;
    }
    x = candidate.x;
    fx = candidate.f;
    optimizerOk = candidate.ok;
    result = check(x, fx);
    evaluations += result.check.evaluations;
  }
  const { check: last } = result;
  if (restarts > 0 && last.passed) notes.push(`convergence check passed after ${restarts} restart${restarts > 1 ? 's' : ''}`);
  const converged = optimizerOk && last.passed;
  const message = last.passed
    ? notes.join('; ')
    : `model failed to converge: ${last.messages.join('; ')} (${notes.join('; ')})`;
  return summaryOf(x, fx, converged, message, restarts, last);
}

/**
 * θ with every column of each Λ_k whose diagonal element is negative negated: the same ΛΛ'
 * (and criterion), within the bounds.
 */
export function reflect(theta: Float64Array, layout: ThetaLayout): Float64Array {
  const out = Float64Array.from(theta);
  layout.q.forEach((q, k) => {
    let t = layout.offset[k];
    for (let c = 0; c < q; c++) {
      const negative = out[t] < 0;
      for (let r = c; r < q; r++, t++) if (negative) out[t] = -out[t];
    }
  });
  return out;
}

/**
 * Per θ element, d_r: the root mean square of the random-effects column of its row in its term
 * (1 for a column of zeros, which cannot be scaled).
 */
export function thetaScales(model: MixedModel, layout: ThetaLayout): Float64Array {
  const scale = new Float64Array(layout.length).fill(1);
  model.terms.forEach((term, k) => {
    const { q } = term;
    const d = Float64Array.from(term.zSummary, (s) => Math.sqrt(s.meanSquare));
    let t = layout.offset[k];
    for (let c = 0; c < q; c++) for (let r = c; r < q; r++, t++) scale[t] = d[r] > 0 && Number.isFinite(d[r]) ? d[r] : 1;
  });
  return scale;
}

/** `θ[t] (Λ[row, column] of term)` for each θ element, for the check's messages. */
function thetaLabels(model: MixedModel): (i: number) => string {
  const labels: string[] = [];
  model.terms.forEach((term) => {
    for (let c = 0; c < term.q; c++) {
      for (let r = c; r < term.q; r++) {
        const t = labels.length;
        const what = term.q === 1 ? `the relative SD of ${term.text}` : `Λ[${term.names[r]}, ${term.names[c]}] of ${term.text}`;
        labels.push(`θ[${t}] (${what})`);
      }
    }
  });
  return (i) => labels[i] ?? `θ[${i}]`;
}

/**
 * Other starting values for the terms with few levels (whose variance the data pin down least):
 * x with one such term's block of θ̃ multiplied by each of `alternativeFactors` (the identity
 * times them where the block is zero).
 */
function alternativeStarts(model: MixedModel, layout: ThetaLayout, x: Float64Array): Float64Array[] {
  const out: Float64Array[] = [];
  model.terms.forEach((term, k) => {
    if (term.nlevels > fewLevels) return;
    const from = layout.offset[k];
    const to = from + (term.q * (term.q + 1)) / 2;
    const zero = x.subarray(from, to).every((v) => v === 0);
    for (const factor of alternativeFactors) {
      const y = Float64Array.from(x);
      for (let t = from; t < to; t++) y[t] = zero ? (layout.start[t] * factor) : x[t] * factor;
      out.push(y);
    }
  });
  return out;
}

/**
 * The optimiser can stop a hair above a bound where the criterion is flat (a singular fit:
 * 2·10⁻⁸ instead of lme4's 0). Set each such element to its bound and keep the change when the
 * criterion does not increase, so that zero variances are exact zeros.
 */
function snapToBounds(f: (theta: Float64Array) => number, x: Float64Array, fval: number, lower: Float64Array): { theta: Float64Array; fval: number; evaluations: number } {
  const theta = Float64Array.from(x);
  let evaluations = 0;
  for (let i = 0; i < theta.length; i++) {
    if (lower[i] !== 0 || theta[i] === 0 || theta[i] > snapDistance) continue;
    const trial = Float64Array.from(theta);
    trial[i] = 0;
    const v = f(trial);
    evaluations++;
    if (v <= fval + snapTolerance * Math.max(1, Math.abs(fval))) {
      theta[i] = 0;
      fval = v;
    }
  }
  return { theta, fval, evaluations };
}
