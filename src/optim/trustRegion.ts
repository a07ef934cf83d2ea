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
 */
import { atan2, cos, hypot, sin } from '../../samplers/elementary.js';

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
  const n = g.length;
  const d = new Float64Array(n);
  const gd = Float64Array.from(g); // ∇Q at x + d
  // 0: free, −1: fixed at lower bound, +1: fixed at upper bound.
  const fixed = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    if (x[i]! <= lower[i]! && g[i]! >= 0) fixed[i] = -1;
    else if (x[i]! >= upper[i]! && g[i]! <= 0) fixed[i] = 1;
  }
  const delsq = delta * delta;
  let crvmin = -1;
  let qred = 0; // total reduction of Q achieved so far (≥ 0)
  let onBoundary = false;
  const p = new Float64Array(n);
  const Gp = new Float64Array(n);

  const fixAt = (i: number, side: -1 | 1): void => {
    fixed[i] = side;
    d[i] = (side < 0 ? lower[i]! : upper[i]!) - x[i]!;
    recomputeGradient(g, G, d, gd);
  };

  // ---- Stage 1: truncated CG with an active set of bounds.
  let restarts = 0;
  cg: while (restarts++ <= n) {
    let nfree = 0;
    for (let i = 0; i < n; i++) if (fixed[i] === 0) nfree++;
    let ggPrev = 0;
    p.fill(0);
    for (let iter = 0; iter < nfree; iter++) {
      let gg = 0;
      for (let i = 0; i < n; i++) if (fixed[i] === 0) gg += gd[i]! * gd[i]!;
      // Stop when even a step of length Δ along the reduced gradient could not reduce Q by more
      // than 1% of the reduction so far (Powell's test gredsq·Δ² ≤ 10⁻⁴ qred²).
      if (gg === 0 || gg * delsq <= 1e-4 * qred * qred) break cg;
      const beta = iter === 0 ? 0 : gg / ggPrev;
      for (let i = 0; i < n; i++) p[i] = fixed[i] === 0 ? -gd[i]! + beta * p[i]! : 0;
      ggPrev = gg;

      let dd = 0;
      let dp = 0;
      let pp = 0;
      for (let i = 0; i < n; i++) {
        dd += d[i]! * d[i]!;
        dp += d[i]! * p[i]!;
        pp += p[i]! * p[i]!;
      }
      const resid = delsq - dd;
      if (resid <= 0) {
        onBoundary = true;
        break cg;
      }
      // Step to the trust-region boundary: largest α with ‖d + αp‖ = Δ (stable root formula).
      const alphaDelta = resid / (Math.sqrt(dp * dp + pp * resid) + dp);
      matVec(G, p, Gp, n);
      let pGp = 0;
      let gp = 0;
      for (let i = 0; i < n; i++) {
        pGp += p[i]! * Gp[i]!;
        gp += gd[i]! * p[i]!;
      }
      if (gp >= 0) break cg; // not a descent direction (rounding): stop
      let alpha = alphaDelta;
      let kind: 'delta' | 'cg' | 'bound' = 'delta';
      if (pGp > 0) {
        crvmin = crvmin < 0 ? pGp / pp : Math.min(crvmin, pGp / pp);
        const acg = -gp / pGp;
        if (acg < alpha) {
          alpha = acg;
          kind = 'cg';
        }
      }
      let ibound = -1;
      for (let i = 0; i < n; i++) {
        if (fixed[i] !== 0 || p[i] === 0) continue;
        const lim = p[i]! > 0 ? (upper[i]! - x[i]! - d[i]!) / p[i]! : (lower[i]! - x[i]! - d[i]!) / p[i]!;
        if (lim < alpha) {
          alpha = Math.max(lim, 0);
          ibound = i;
          kind = 'bound';
        }
      }
      const sdec = -alpha * gp - 0.5 * alpha * alpha * pGp;
      if (alpha > 0) {
        qred += sdec;
        for (let i = 0; i < n; i++) {
          d[i] += alpha * p[i]!;
          gd[i] += alpha * Gp[i]!;
        }
      }
      if (kind === 'bound') {
        fixAt(ibound, p[ibound]! > 0 ? 1 : -1);
        continue cg;
      }
      if (kind === 'delta') {
        onBoundary = true;
        break cg;
      }
      if (sdec <= 0.01 * qred) break cg;
    }
    break;
  }

  // ---- Stage 2: rotate the step on the trust-region boundary.
  if (onBoundary) {
    crvmin = 0;
    const s = new Float64Array(n);
    const dF = new Float64Array(n);
    const Gd = new Float64Array(n);
    const Gs = new Float64Array(n);
    for (let iter = 0; iter < 2 * n + 5; iter++) {
      let nfree = 0;
      let dd = 0;
      let gdd = 0;
      let gg = 0;
      for (let i = 0; i < n; i++) {
        if (fixed[i] !== 0) continue;
        nfree++;
        dd += d[i]! * d[i]!;
        gdd += gd[i]! * d[i]!;
        gg += gd[i]! * gd[i]!;
      }
      if (nfree < 2) break;
      const temp = dd * gg - gdd * gdd;
      if (temp <= 1e-4 * qred * qred || !(temp > 0)) break;
      const sq = Math.sqrt(temp);
      for (let i = 0; i < n; i++) {
        if (fixed[i] !== 0) {
          s[i] = 0;
          dF[i] = 0;
        } else {
          // s ⟂ d_free, ‖s‖ = ‖d_free‖, s·∇Q = −sqrt(temp) < 0.
          s[i] = (gdd * d[i]! - dd * gd[i]!) / sq;
          dF[i] = d[i]!;
        }
      }
      // Largest admissible angle before a free variable leaves its bounds.
      let thetaMax = Math.PI / 2;
      let ibound = -1;
      let side: -1 | 1 = -1;
      for (let i = 0; i < n; i++) {
        if (fixed[i] !== 0) continue;
        const tl = firstCrossing(d[i]!, s[i]!, lower[i]! - x[i]!);
        if (tl < thetaMax) {
          thetaMax = tl;
          ibound = i;
          side = -1;
        }
        const tu = firstCrossing(-d[i]!, -s[i]!, x[i]! - upper[i]!);
        if (tu < thetaMax) {
          thetaMax = tu;
          ibound = i;
          side = 1;
        }
      }
      if (thetaMax <= 1e-12) {
        if (ibound < 0) break;
        fixAt(ibound, side);
        continue;
      }
      matVec(G, dF, Gd, n);
      matVec(G, s, Gs, n);
      let dGd = 0;
      let dGs = 0;
      let sGs = 0;
      let gs = 0;
      for (let i = 0; i < n; i++) {
        dGd += dF[i]! * Gd[i]!;
        dGs += dF[i]! * Gs[i]!;
        sGs += s[i]! * Gs[i]!;
        gs += gd[i]! * s[i]!;
      }
      // Change of Q when d_free is replaced by d_free cos θ + s sin θ.
      const phi = (th: number): number => {
        const cm = cos(th) - 1;
        const sn = sin(th);
        return cm * gdd + sn * gs + 0.5 * (cm * cm * dGd + 2 * cm * sn * dGs + sn * sn * sGs);
      };
      const theta = minimizeOnInterval(phi, thetaMax);
      const dq = phi(theta);
      if (!(dq < 0)) break;
      const cm = cos(theta) - 1;
      const sn = sin(theta);
      for (let i = 0; i < n; i++) {
        if (fixed[i] !== 0) continue;
        d[i] = d[i]! * (cm + 1) + sn * s[i]!;
      }
      for (let i = 0; i < n; i++) gd[i] += cm * Gd[i]! + sn * Gs[i]!;
      qred -= dq;
      if (theta === thetaMax && ibound >= 0) {
        fixAt(ibound, side);
        continue;
      }
      if (-dq <= 0.01 * qred) break;
    }
  }

  // Enforce feasibility exactly (rounding may put x + d a hair outside the box).
  for (let i = 0; i < n; i++) {
    const xi = x[i]! + d[i]!;
    if (xi < lower[i]!) d[i] = lower[i]! - x[i]!;
    else if (xi > upper[i]!) d[i] = upper[i]! - x[i]!;
  }
  return { d, crvmin };
}

/**
 * First θ ≥ 0 at which a·cos θ + b·sin θ falls below c, given a ≥ c (Infinity if never).
 * Writing a cos θ + b sin θ = r cos(θ − φ), the downward crossings are at θ ≡ φ + arccos(c/r).
 */
function firstCrossing(a: number, b: number, c: number): number {
  if (c === -Infinity) return Infinity;
  const r = hypot(a, b);
  if (-r >= c) return Infinity;
  if (a <= c && b < 0) return 0;
  const phi = atan2(b, a);
  let th = phi + acos(Math.max(-1, Math.min(1, c / r)));
  const twoPi = 2 * Math.PI;
  while (th < 0) th += twoPi;
  while (th >= twoPi) th -= twoPi;
  return th;
}

/** Minimise a smooth 1-D function on [0, hi]: grid search then golden-section refinement. */
function minimizeOnInterval(fn: (t: number) => number, hi: number): number {
  const K = 24;
  let bestI = 0;
  let bestV = fn(0);
  for (let i = 1; i <= K; i++) {
    const v = fn((hi * i) / K);
    if (v < bestV) {
      bestV = v;
      bestI = i;
    }
  }
  if (bestI === K) return hi;
  if (bestI === 0) return 0;
  let a = (hi * (bestI - 1)) / K;
  let b = (hi * (bestI + 1)) / K;
  const gr = (Math.sqrt(5) - 1) / 2;
  let c = b - gr * (b - a);
  let e = a + gr * (b - a);
  let fc = fn(c);
  let fe = fn(e);
  for (let it = 0; it < 40; it++) {
    if (fc < fe) {
      b = e;
      e = c;
      fe = fc;
      c = b - gr * (b - a);
      fc = fn(c);
    } else {
      a = c;
      c = e;
      fc = fe;
      e = a + gr * (b - a);
      fe = fn(e);
    }
  }
  const t = fc < fe ? c : e;
  return Math.min(fc, fe) < bestV ? t : (hi * bestI) / K;
}

function matVec(G: Float64Array, v: ArrayLike<number>, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += G[i * n + j]! * v[j]!;
    out[i] = acc;
  }
}

function recomputeGradient(g: Float64Array, G: Float64Array, d: Float64Array, out: Float64Array): void {
  const n = g.length;
  for (let i = 0; i < n; i++) {
    let acc = g[i]!;
    for (let j = 0; j < n; j++) acc += G[i * n + j]! * d[j]!;
    out[i] = acc;
  }
}

/** arccos x for |x| ≤ 1 as atan2(√((1 − x)(1 + x)), x): from the engine-independent atan2. */
function acos(x: number): number {
  return atan2(Math.sqrt((1 - x) * (1 + x)), x);
}
