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
 *   `trustRegion.ts`). A step shorter than ½ρ is not evaluated; instead either the geometry of the
 *   interpolation set is improved or ρ is reduced, following BOBYQA's tests on the recent model errors
 *   and on the gradient at active bounds (§6).
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
 */

import {
  buildSystem,
  denominators,
  geometryStep,
  modelChange,
  recenterModel,
  updateModel,
  updateSystem,
  zeroModel,
  type InterpolationSystem,
  type QuadraticModel,
} from './interpolation.js';
import { boundedTrustRegionStep } from './trustRegion.js';

/**
 * H is rebuilt around x_opt when ‖x_opt − base‖² exceeds this many Δ² (Powell's NEWUOA and BOBYQA
 * shift the base point when ‖d‖² ≤ 10⁻³‖x_opt − x_b‖²).
 */
const baseShift = 1e3;

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

  // ---- Function evaluation with a penalty for non-finite values.
  let nf = 0;
  let fmaxFinite = -Infinity;
  let fminFinite = Infinity;
  let lastFinite = true;
  const evaluate = (x: Float64Array): number => {
    nf++;
    const v = f(Float64Array.from(x));
    lastFinite = Number.isFinite(v);
    if (lastFinite) {
      if (v > fmaxFinite) fmaxFinite = v;
      if (v < fminFinite) fminFinite = v;
      return v;
    }
    // Larger than everything seen so far, but finite so that the model stays usable.
    const span = fmaxFinite - fminFinite;
    return fmaxFinite + Math.max(10 * span, 1e-3 * Math.abs(fmaxFinite), 1);
  };

  const f0raw = f(Float64Array.from(x0));
  nf = 1;
  if (!Number.isFinite(f0raw)) {
    return {
      x: Float64Array.from(x0),
      fval: f0raw,
      evaluations: 1,
      converged: false,
      message: 'objective is not finite at the starting point',
      x0: Float64Array.from(x0),
      f0: f0raw,
    };
  }
  fmaxFinite = fminFinite = f0raw;

  // ---- Initial interpolation set.
  const Y: Float64Array[] = [Float64Array.from(x0)];
  const F = new Float64Array(m);
  F[0] = f0raw;
  let kopt = 0;
  let stopMessage: string | undefined;

  /** Points xc ± r e_i (one-sided at a bound); used initially and to re-sample a degenerate set. */
  const stencil = (xc: Float64Array, r: number): Float64Array[] => {
    const pts: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      let a: number;
      let b: number;
      if (xc[i]! - r < lower[i]!) {
        a = r;
        b = 2 * r;
      } else if (xc[i]! + r > upper[i]!) {
        a = -r;
        b = -2 * r;
      } else {
        a = r;
        b = -r;
      }
      for (const step of [a, b]) {
        const y = Float64Array.from(xc);
        y[i] = Math.min(upper[i]!, Math.max(lower[i]!, xc[i]! + step));
        pts.push(y);
      }
    }
    return pts;
  };

  for (const y of stencil(x0, rhobeg)) {
    if (nf >= maxEval) {
      stopMessage = 'maximum evaluations reached';
      break;
    }
    const fy = evaluate(y);
    F[Y.length] = fy;
    Y.push(y);
    if (fy < F[kopt]!) kopt = Y.length - 1;
  }
  if (stopMessage !== undefined) {
    return finish(Y[kopt]!, F[kopt]!, false, stopMessage);
  }

  let model: QuadraticModel = zeroModel(x0);
  let sys: InterpolationSystem | undefined = buildSystem(Y, Y[kopt]!);
  if (sys === undefined) throw new Error('minimizeBounded: initial interpolation set is degenerate');
  model = updateModel(model, sys, F);

  let rho = rhobeg;
  let delta = rho;
  let ntrits = 0; // > 0: trust-region steps since the last reduction of ρ; −1: last step was short
  let nfsav = nf;
  let ratio = 0;
  let dnorm = 0;
  const errs = [0, 0, 0]; // |F − Q prediction| of the last three new points (diffa, diffb, diffc)
  let stageStart = F[kopt]!; // best value at the start of the current ρ stage
  let stageImproved = false; // a trust-region step of this ρ stage reduced f
  let shortStep: Float64Array | undefined;
  let converged = false;
  let message = '';

  let updates = 0; // updates of H since it was last built
  /**
   * Replace interpolation point k by (x, fx), update H by Powell's formula (or rebuild it around
   * x_opt: see `interpolation.ts`) and update the model.
   */
  const replace = (k: number, x: Float64Array, fx: number): boolean => {
    const updated = updates < m && updateSystem(sys!, k, x);
    Y[k] = x;
    F[k] = fx;
    if (fx < F[kopt]!) kopt = k;
    let shift = 0;
    for (let i = 0; i < n; i++) shift += (Y[kopt]![i]! - sys!.base[i]!) ** 2;
    if (updated && shift <= baseShift * delta * delta) {
      updates++;
    } else {
      sys = buildSystem(Y, Y[kopt]!, undefined, sys);
      updates = 0;
      if (sys === undefined) return resample();
    }
    model = updateModel(model, sys!, F);
    return true;
  };

  /**
   * The set has become numerically degenerate: keep x_opt and re-sample the other 2n points on the
   * stencil of radius ρ around it; the model is updated by the least Frobenius norm change.
   */
  const resample = (): boolean => {
    const xopt = Float64Array.from(Y[kopt]!);
    const fopt = F[kopt]!;
    const pts = stencil(xopt, rho);
    Y.length = 0;
    Y.push(xopt);
    F[0] = fopt;
    kopt = 0;
    for (const y of pts) {
      if (nf >= maxEval) {
        stopMessage = 'maximum evaluations reached';
        // Keep the arrays consistent for the final report.
        while (Y.length < m) {
          F[Y.length] = F[0]!;
          Y.push(Float64Array.from(xopt));
        }
        return false;
      }
      const fy = evaluate(y);
      F[Y.length] = fy;
      Y.push(y);
      if (fy < F[kopt]!) kopt = Y.length - 1;
    }
    sys = buildSystem(Y, Y[kopt]!, undefined, sys);
    updates = 0;
    if (sys === undefined) {
      stopMessage = 'interpolation set degenerate (rounding errors prevent further progress)';
      return false;
    }
    model = updateModel(model, sys, F);
    return true;
  };

  const pushErr = (e: number): void => {
    errs[2] = errs[1]!;
    errs[1] = errs[0]!;
    errs[0] = Math.abs(e);
  };

  type Phase = 'trust' | 'geometry' | 'reduce';
  let phase: Phase = 'trust';
  let farThreshold = 0;

  main: for (;;) {
    if (stopMessage !== undefined) {
      message = stopMessage;
      break;
    }
    switch (phase) {
      case 'trust': {
        const xopt = Y[kopt]!;
        const fopt = F[kopt]!;
        const mdl = recenterModel(model, xopt);
        const { d, crvmin } = boundedTrustRegionStep(mdl.g, mdl.G, xopt, lower, upper, delta);
        const xnew = new Float64Array(n);
        let dsq = 0;
        for (let i = 0; i < n; i++) {
          xnew[i] = Math.min(upper[i]!, Math.max(lower[i]!, xopt[i]! + d[i]!));
          d[i] = xnew[i]! - xopt[i]!;
          dsq += d[i]! * d[i]!;
        }
        dnorm = Math.min(delta, Math.sqrt(dsq));
        const vquad = modelChange(mdl, d);
        if (dnorm < 0.5 * rho || !(vquad < 0)) {
          // Short step (§6): improve the geometry or reduce ρ.
          ntrits = -1;
          shortStep = dsq > 0 && vquad < 0 ? xnew : undefined;
          farThreshold = 10 * rho;
          if (nf <= nfsav + 2) {
            phase = 'geometry';
            continue main;
          }
          const errbig = Math.max(errs[0]!, errs[1]!, errs[2]!);
          if (crvmin > 0 && errbig > 0.125 * rho * rho * crvmin) {
            phase = 'geometry';
            continue main;
          }
          // At an active bound the model gradient must point out of the box by more than the
          // model error allows for; otherwise the geometry is improved first.
          const bdtol = errbig / rho;
          phase = 'reduce';
          for (let j = 0; j < n; j++) {
            let bdtest = bdtol;
            if (xnew[j] === lower[j]) bdtest = mdl.g[j]!;
            if (xnew[j] === upper[j]) bdtest = -mdl.g[j]!;
            if (bdtest < bdtol) {
              bdtest += 0.5 * mdl.G[j * n + j]! * rho;
              if (bdtest < bdtol) {
                phase = 'geometry';
                break;
              }
            }
          }
          continue main;
        }
        shortStep = undefined;
        if (nf >= maxEval) {
          stopMessage = 'maximum evaluations reached';
          continue main;
        }
        ntrits++;
        const fnew = evaluate(xnew);
        if (!lastFinite) {
          // The objective is undefined at x_opt + d: shrink the trust region and leave the
          // interpolation set (and hence the model) untouched.
          ratio = -1;
          delta = Math.min(0.5 * delta, dnorm);
          if (delta <= 1.5 * rho) delta = rho;
          farThreshold = Math.max(2 * delta, 10 * rho);
          phase = 'geometry';
          continue main;
        }
        pushErr(fnew - fopt - vquad);
        if (fnew < fopt) stageImproved = true;
        if (dnorm > rho) nfsav = nf;
        ratio = (fnew - fopt) / vquad;
        if (ratio <= 0.1) delta = Math.min(0.5 * delta, dnorm);
        else if (ratio <= 0.7) delta = Math.max(0.5 * delta, dnorm);
        else delta = Math.max(0.5 * delta, 2 * dnorm);
        if (delta <= 1.5 * rho) delta = rho;

        // Point to replace: maximise the weighted denominator (§4).
        const den = denominators(sys!, xnew);
        const delsq = delta * delta;
        let knew = -1;
        let best = -1;
        for (let k = 0; k < m; k++) {
          if (k === kopt && !(fnew < fopt)) continue;
          let distsq = 0;
          for (let i = 0; i < n; i++) distsq += (Y[k]![i]! - xopt[i]!) ** 2;
          const weight = Math.max(1, (distsq / delsq) ** 2);
          const score = weight * Math.abs(den.sigma[k]!);
          if (score > best) {
            best = score;
            knew = k;
          }
        }
        if (!replace(knew, xnew, fnew)) continue main;
        if (fnew <= fopt + 0.1 * vquad) continue main; // sufficient decrease: another TR step
        farThreshold = Math.max(2 * delta, 10 * rho);
        phase = 'geometry';
        continue main;
      }

      case 'geometry': {
        const xopt = Y[kopt]!;
        let knew = -1;
        let distsq = farThreshold * farThreshold;
        for (let k = 0; k < m; k++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += (Y[k]![i]! - xopt[i]!) ** 2;
          if (s > distsq) {
            distsq = s;
            knew = k;
          }
        }
        if (knew >= 0) {
          const dist = Math.sqrt(distsq);
          if (ntrits === -1) {
            delta = Math.min(0.1 * delta, 0.5 * dist);
            if (delta <= 1.5 * rho) delta = rho;
          }
          ntrits = 0;
          const adelt = Math.max(Math.min(0.1 * dist, delta), rho);
          const { x: xg } = geometryStep(sys!, knew, kopt, xopt, lower, upper, adelt);
          if (nf >= maxEval) {
            stopMessage = 'maximum evaluations reached';
            continue main;
          }
          const fopt = F[kopt]!;
          const mdl = recenterModel(model, xopt);
          const dg = new Float64Array(n);
          for (let i = 0; i < n; i++) dg[i] = xg[i]! - xopt[i]!;
          const fg = evaluate(xg);
          pushErr(fg - fopt - modelChange(mdl, dg));
          shortStep = undefined;
          if (!replace(knew, xg, fg)) continue main;
          phase = 'trust';
          continue main;
        }
        if (ntrits === -1) phase = 'reduce';
        else if (ratio > 0) phase = 'trust';
        else if (Math.max(delta, dnorm) > rho) phase = 'trust';
        else phase = 'reduce';
        continue main;
      }

      case 'reduce': {
        const fopt = F[kopt]!;
        // Early stop: the ρ stage now ending contained a successful trust-region step (so the model
        // was trustworthy) yet improved f by less than ftolAbs.
        if (ftolAbs !== undefined && stageImproved && stageStart - fopt < ftolAbs) {
          converged = true;
          message = 'ftolAbs reached';
          break main;
        }
        if (rho > rhoend) {
          delta = 0.5 * rho;
          const r = rho / rhoend;
          if (r <= 16) rho = rhoend;
          else if (r <= 250) rho = Math.sqrt(r) * rhoend;
          else rho = 0.1 * rho;
          delta = Math.max(delta, rho);
          ntrits = 0;
          nfsav = nf;
          stageStart = fopt;
          stageImproved = false;
          phase = 'trust';
          continue main;
        }
        converged = true;
        message = 'rho reached rhoend';
        // BOBYQA's final step: a short trust-region step that was not evaluated is tried now.
        if (shortStep !== undefined && nf < maxEval) {
          const fs = evaluate(shortStep);
          if (fs < fopt) {
            Y[kopt] = shortStep;
            F[kopt] = fs;
          }
        }
        break main;
      }
    }
  }

  return finish(Y[kopt]!, F[kopt]!, converged, message);

  function finish(x: Float64Array, fx: number, conv: boolean, msg: string): MinimizeResult {
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
