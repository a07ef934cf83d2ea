/**
 * Quadratic interpolation machinery for the BOBYQA-style minimiser in `bobyqa.ts`.
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
 */

/** Dense quadratic model Q(x) = q0 + g·(x−c) + ½ (x−c)ᵀ G (x−c), G row-major n×n. */
export interface QuadraticModel {
  /** Centre c of the expansion. */
  center: Float64Array;
  /** Model value at the centre. */
  q0: number;
  /** Model gradient at the centre. */
  g: Float64Array;
  /** Model Hessian, row-major n×n, symmetric. */
  G: Float64Array;
}

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
}

/** A zero quadratic model centred at `center`. */
export function zeroModel(center: ArrayLike<number>): QuadraticModel {
  const n = center.length;
  return { center: Float64Array.from(center), q0: 0, g: new Float64Array(n), G: new Float64Array(n * n) };
}

/** Q(x) for a model. */
export function modelValue(model: QuadraticModel, x: ArrayLike<number>): number {
  const n = model.g.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = x[i]! - model.center[i]!;
  return model.q0 + dot(model.g, d) + 0.5 * quadForm(model.G, d, n);
}

/** Q(c + d) − Q(c) = g·d + ½ dᵀGd, the predicted change for a step d from the model centre. */
export function modelChange(model: QuadraticModel, d: ArrayLike<number>): number {
  const n = model.g.length;
  return dot(model.g, d) + 0.5 * quadForm(model.G, d, n);
}

/**
 * Re-express the model around a new centre c′: q0′ = Q(c′), g′ = g + G(c′ − c), G′ = G.
 */
export function recenterModel(model: QuadraticModel, center: ArrayLike<number>): QuadraticModel {
  const n = model.g.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = center[i]! - model.center[i]!;
  const g = Float64Array.from(model.g);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += model.G[i * n + j]! * d[j]!;
    g[i] += acc;
  }
  const q0 = model.q0 + dot(model.g, d) + 0.5 * quadForm(model.G, d, n);
  return { center: Float64Array.from(center), q0, g, G: Float64Array.from(model.G) };
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
  const N = m + n + 1;
  const raw: Float64Array[] = [];
  let sumsq = 0;
  let nonzero = 0;
  for (let k = 0; k < m; k++) {
    const v = new Float64Array(n);
    let ss = 0;
    for (let i = 0; i < n; i++) {
      v[i] = points[k]![i]! - base[i]!;
      ss += v[i]! * v[i]!;
    }
    if (ss > 0) {
      sumsq += ss;
      nonzero++;
    }
    raw.push(v);
  }
  if (nonzero === 0) return undefined;
  // Unit RMS length of the non-zero displacements.
  const scale = fixedScale ?? Math.sqrt(sumsq / nonzero);
  const s = raw.map((v) => v.map((x) => x / scale));
  const W = new Float64Array(N * N);
  for (let k = 0; k < m; k++) {
    for (let j = 0; j <= k; j++) {
      const a = 0.5 * dot(s[k]!, s[j]!) ** 2;
      W[k * N + j] = a;
      W[j * N + k] = a;
    }
    W[k * N + m] = 1;
    W[m * N + k] = 1;
    for (let i = 0; i < n; i++) {
      W[k * N + m + 1 + i] = s[k]![i]!;
      W[(m + 1 + i) * N + k] = s[k]![i]!;
    }
  }
  const H = invert(W, N, 1e-13);
  if (H === undefined) return undefined;
  return { n, m, base: Float64Array.from(base), scale, s, H };
}

/**
 * Replace interpolation point `t` by x and update H = W⁻¹ in place by Powell's formula (Powell
 * 2004, eq. 4.11; see the header), in O((m+n)²) operations instead of a new inversion. The base
 * point and scale are kept. Returns false, leaving `sys` unchanged, when the denominator σ_t is
 * not safely positive (relative to the magnitudes it is made of) or not finite: then W would be
 * nearly singular and the caller should rebuild (and possibly re-sample) the set.
 */
export function updateSystem(sys: InterpolationSystem, t: number, x: ArrayLike<number>): boolean {
  const { n, m, H, s, scale, base } = sys;
  const N = m + n + 1;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = (x[i]! - base[i]!) / scale;
  const w = new Float64Array(N);
  for (let j = 0; j < m; j++) w[j] = 0.5 * dot(s[j]!, xs) ** 2;
  w[m] = 1;
  let xx = 0;
  for (let i = 0; i < n; i++) {
    w[m + 1 + i] = xs[i]!;
    xx += xs[i]! * xs[i]!;
  }
  const Hw = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    const row = i * N;
    for (let j = 0; j < N; j++) acc += H[row + j]! * w[j]!;
    Hw[i] = acc;
  }
  const alpha = H[t * N + t]!;
  const tau = Hw[t]!;
  const beta = 0.5 * xx * xx - dot(w, Hw);
  const sigma = alpha * beta + tau * tau;
  // σ = αβ + τ² is det W⁺ / det W; when it is tiny compared with its terms the new set is nearly
  // degenerate and the updated H would carry large rounding errors.
  if (!Number.isFinite(sigma) || !(sigma > 1e-10 * (Math.abs(alpha * beta) + tau * tau))) return false;
  // v = e_t − Hw and h = H e_t (column t; H is symmetric).
  const v = new Float64Array(N);
  const h = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    v[i] = (i === t ? 1 : 0) - Hw[i]!;
    h[i] = H[i * N + t]!;
  }
  const inv = 1 / sigma;
  for (let i = 0; i < N; i++) {
    const vi = v[i]! * inv;
    const hi = h[i]! * inv;
    const a = alpha * vi + tau * hi;
    const b = tau * vi - beta * hi;
    const row = i * N;
    // H_ij += (α v_i v_j − β h_i h_j + τ (h_i v_j + v_i h_j))/σ = a v_j + b h_j.
    for (let j = 0; j < N; j++) H[row + j] += a * v[j]! + b * h[j]!;
  }
  s[t] = xs;
  return true;
}

/**
 * Least Frobenius norm update (Powell 2004, §2): the new model is Q⁺ = Q + D where D is the
 * quadratic that interpolates the residuals r_k = F_k − Q(y_k) at all m points and minimises
 * ‖∇²D‖_F. Its parameters are (λ, c, g_D) = H (r, 0, 0), giving, in scaled coordinates t,
 * D(t) = c + g_D·t + ½ Σ_k λ_k (s_k·t)² (BOBYQA eq. 2.5 with the constraints Σλ_k = 0, Σλ_k s_k = 0).
 * The result is centred at the system's base point.
 */
export function updateModel(
  model: QuadraticModel,
  sys: InterpolationSystem,
  values: ArrayLike<number>,
): QuadraticModel {
  const { n, m, H, s, scale } = sys;
  const N = m + n + 1;
  const q = recenterModel(model, sys.base);
  const r = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    // Q(y_k) − q0 = g·d + ½ dᵀGd with d = y_k − base = scale·s_k; subtracting q0 first keeps
    // the residuals accurate when F is large compared with its variation.
    const sk = s[k]!;
    r[k] = values[k]! - q.q0 - (scale * dot(q.g, sk) + 0.5 * scale * scale * symmetricQuadForm(q.G, sk, n));
  }
  const coef = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    const row = i * N;
    for (let k = 0; k < m; k++) acc += H[row + k]! * r[k]!;
    coef[i] = acc;
  }
  q.q0 += coef[m]!;
  for (let i = 0; i < n; i++) q.g[i] += coef[m + 1 + i]! / scale;
  const s2 = scale * scale;
  // G += Σ_k λ_k s_k s_kᵀ on the lower triangle, then mirrored.
  const G = q.G;
  for (let k = 0; k < m; k++) {
    const lam = coef[k]! / s2;
    if (lam === 0) continue;
    const sk = s[k]!;
    for (let i = 0; i < n; i++) {
      const li = lam * sk[i]!;
      if (li === 0) continue;
      const row = i * n;
      for (let j = 0; j <= i; j++) G[row + j] += li * sk[j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[j * n + i] = G[i * n + j]!;
  return q;
}

/** dᵀ G d for a symmetric row-major n×n G, from its lower triangle. */
function symmetricQuadForm(G: Float64Array, d: ArrayLike<number>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const di = d[i]!;
    if (di === 0) continue;
    const row = i * n;
    let off = 0;
    for (let j = 0; j < i; j++) off += G[row + j]! * d[j]!;
    acc += di * (G[row + i]! * di + 2 * off);
  }
  return acc;
}

/** Lagrange-function data for a trial point: τ_k = ℓ_k(x), β, and σ_k = α_k β + τ_k². */
export interface Denominators {
  /** σ_k for every interpolation point k (the factor by which det W changes if y_k is replaced by x). */
  sigma: Float64Array;
  /** ℓ_k(x) for every k. */
  tau: Float64Array;
  beta: number;
}

/**
 * Denominators of the updating formula for replacing y_k by x (Powell 2004, eq. 4.12; BOBYQA eq. 4.9):
 * with w = (½(s_j·t)²  j=1..m, 1, t) and t the scaled displacement of x,
 * τ_k = (Hw)_k = ℓ_k(x), α_k = H_kk, β = ½‖t‖⁴ − wᵀHw and σ_k = α_k β + τ_k².
 */
export function denominatorsScaled(sys: InterpolationSystem, t: ArrayLike<number>): Denominators {
  const { n, m, H, s } = sys;
  const N = m + n + 1;
  const w = new Float64Array(N);
  for (let j = 0; j < m; j++) w[j] = 0.5 * dot(s[j]!, t) ** 2;
  w[m] = 1;
  let tt = 0;
  for (let i = 0; i < n; i++) {
    w[m + 1 + i] = t[i]!;
    tt += t[i]! * t[i]!;
  }
  const Hw = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let acc = 0;
    for (let j = 0; j < N; j++) acc += H[i * N + j]! * w[j]!;
    Hw[i] = acc;
  }
  const beta = 0.5 * tt * tt - dot(w, Hw);
  const sigma = new Float64Array(m);
  const tau = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    tau[k] = Hw[k]!;
    sigma[k] = H[k * N + k]! * beta + Hw[k]! * Hw[k]!;
  }
  return { sigma, tau, beta };
}

/** {@link denominatorsScaled} for an unscaled point x. */
export function denominators(sys: InterpolationSystem, x: ArrayLike<number>): Denominators {
  const t = new Float64Array(sys.n);
  for (let i = 0; i < sys.n; i++) t[i] = (x[i]! - sys.base[i]!) / sys.scale;
  return denominatorsScaled(sys, t);
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
  const { n, m, H, s, scale, base } = sys;
  const N = m + n + 1;
  const topt = s[kopt]!;
  // Feasible steps from x_opt, scaled: lo ≤ d ≤ hi (lo ≤ 0 ≤ hi).
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = Math.min(0, (lower[i]! - base[i]!) / scale - topt[i]!);
    hi[i] = Math.max(0, (upper[i]! - base[i]!) / scale - topt[i]!);
  }
  const rad = radius / scale;
  // ℓ_knew in scaled coordinates: ℓ(t) = c + gl·t + ½ tᵀ M t with M = Σ_j λ_j s_j s_jᵀ (λ_j = H_j,knew);
  // its gradient at x_opt, gt = gl + M t_opt = gl + Σ_j λ_j (s_j·t_opt) s_j.
  const gt = new Float64Array(n);
  for (let i = 0; i < n; i++) gt[i] = H[(m + 1 + i) * N + knew]!;
  for (let j = 0; j < m; j++) {
    const lam = H[j * N + knew]!;
    if (lam === 0) continue;
    const sj = s[j]!;
    const c = lam * dot(sj, topt);
    for (let i = 0; i < n; i++) gt[i] += c * sj[i]!;
  }

  // Line and coordinate candidates as steps d (scaled).
  const steps: Float64Array[] = [];
  const propose = (d: Float64Array): void => {
    steps.push(d);
  };
  for (let k = 0; k < m; k++) {
    if (k === kopt) continue;
    const sk = s[k]!;
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = sk[i]! - topt[i]!;
    const uu2 = dot(u, u);
    if (!(uu2 > 0)) continue;
    let amax = rad / Math.sqrt(uu2);
    let amin = -amax;
    for (let i = 0; i < n; i++) {
      const ui = u[i]!;
      if (ui > 0) {
        amax = Math.min(amax, hi[i]! / ui);
        amin = Math.max(amin, lo[i]! / ui);
      } else if (ui < 0) {
        amax = Math.min(amax, lo[i]! / ui);
        amin = Math.max(amin, hi[i]! / ui);
      }
    }
    const D = dot(gt, u);
    const curv = (k === knew ? 1 : 0) - D;
    const alphas = [amin, amax];
    if (curv !== 0) {
      const astat = -D / (2 * curv);
      if (astat > amin && astat < amax) alphas.push(astat);
    }
    for (const a of alphas) {
      if (a === 0 || !Number.isFinite(a)) continue;
      propose(clipScaled(u.map((x) => a * x), lo, hi));
    }
  }
  const lineCount = steps.length;
  for (let i = 0; i < n; i++) {
    for (const sign of [1, -1]) {
      const c = sign > 0 ? Math.min(rad, hi[i]!) : Math.max(-rad, lo[i]!);
      if (c === 0) continue;
      const d = new Float64Array(n);
      d[i] = c;
      propose(d);
    }
  }

  let bestD: Float64Array | undefined;
  let bestSigma = -1;
  const tt = new Float64Array(n);
  const consider = (d: Float64Array): void => {
    let nrm = 0;
    for (let i = 0; i < n; i++) {
      nrm += d[i]! * d[i]!;
      tt[i] = topt[i]! + d[i]!;
    }
    if (!(nrm > 0)) return;
    const sig = Math.abs(denominatorsScaled(sys, tt).sigma[knew]!);
    if (sig > bestSigma) {
      bestSigma = sig;
      bestD = d;
    }
  };
  // In the order lines, gradient steps, coordinate steps (ties go to the earlier one).
  for (let i = 0; i < lineCount; i++) consider(steps[i]!);
  // Projected (±) gradient directions of ℓ_knew.
  for (const sign of [1, -1]) {
    const d = projectedDirectionStep(gt.map((x) => sign * x), lo, hi, rad);
    if (d !== undefined) consider(d);
  }
  for (let i = lineCount; i < steps.length; i++) consider(steps[i]!);

  const x = new Float64Array(n);
  const d = bestD ?? new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // Land exactly on a bound when the scaled step reaches it.
    if (d[i]! <= lo[i]! && lo[i]! < 0) x[i] = lower[i]!;
    else if (d[i]! >= hi[i]! && hi[i]! > 0) x[i] = upper[i]!;
    else x[i] = Math.min(upper[i]!, Math.max(lower[i]!, xopt[i]! + scale * d[i]!));
  }
  return { x, sigma: bestSigma };
}

/**
 * Step of length `rad` along direction v restricted to the box [lo, hi] (which contains 0): components
 * that would leave the box are fixed at their bound and the remaining length is redistributed over
 * the free components (in the direction v), repeated until no bound is violated.
 */
function projectedDirectionStep(
  v: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  rad: number,
): Float64Array | undefined {
  const n = v.length;
  const t = new Float64Array(n);
  const fixed = new Uint8Array(n);
  let remaining = rad * rad;
  for (let pass = 0; pass <= n; pass++) {
    let vv = 0;
    for (let i = 0; i < n; i++) if (!fixed[i]) vv += v[i]! * v[i]!;
    if (vv === 0 || remaining <= 0) break;
    const f = Math.sqrt(remaining / vv);
    let violated = false;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      const ti = f * v[i]!;
      if (ti > hi[i]!) {
        t[i] = hi[i]!;
        fixed[i] = 1;
        remaining -= t[i]! * t[i]!;
        violated = true;
      } else if (ti < lo[i]!) {
        t[i] = lo[i]!;
        fixed[i] = 1;
        remaining -= t[i]! * t[i]!;
        violated = true;
      }
    }
    if (!violated) {
      for (let i = 0; i < n; i++) if (!fixed[i]) t[i] = f * v[i]!;
      break;
    }
  }
  let tt = 0;
  for (let i = 0; i < n; i++) tt += t[i]! * t[i]!;
  return tt > 0 ? t : undefined;
}

function clipScaled(t: Float64Array, lo: Float64Array, hi: Float64Array): Float64Array {
  for (let i = 0; i < t.length; i++) t[i] = Math.min(hi[i]!, Math.max(lo[i]!, t[i]!));
  return t;
}

/** a·b */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc += a[i]! * b[i]!;
  return acc;
}

/** dᵀ G d for row-major n×n G. */
export function quadForm(G: Float64Array, d: ArrayLike<number>, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += G[i * n + j]! * d[j]!;
    acc += d[i]! * row;
  }
  return acc;
}


/**
 * Inverse of a dense N×N matrix by Gauss–Jordan elimination with partial pivoting. Returns undefined
 * if a pivot falls below `relTol` times the largest entry of the matrix.
 */
export function invert(A: Float64Array, N: number, relTol: number): Float64Array | undefined {
  const a = Float64Array.from(A);
  const inv = new Float64Array(N * N);
  for (let i = 0; i < N; i++) inv[i * N + i] = 1;
  let amax = 0;
  for (let i = 0; i < N * N; i++) amax = Math.max(amax, Math.abs(a[i]!));
  if (!(amax > 0) || !Number.isFinite(amax)) return undefined;
  const tol = relTol * amax;
  for (let col = 0; col < N; col++) {
    let p = col;
    let pmax = Math.abs(a[col * N + col]!);
    for (let r = col + 1; r < N; r++) {
      const v = Math.abs(a[r * N + col]!);
      if (v > pmax) {
        pmax = v;
        p = r;
      }
    }
    if (!(pmax > tol)) return undefined;
    if (p !== col) {
      for (let j = 0; j < N; j++) {
        let tmp = a[p * N + j]!;
        a[p * N + j] = a[col * N + j]!;
        a[col * N + j] = tmp;
        tmp = inv[p * N + j]!;
        inv[p * N + j] = inv[col * N + j]!;
        inv[col * N + j] = tmp;
      }
    }
    const piv = a[col * N + col]!;
    for (let j = 0; j < N; j++) {
      a[col * N + j] = a[col * N + j]! / piv;
      inv[col * N + j] = inv[col * N + j]! / piv;
    }
    for (let r = 0; r < N; r++) {
      if (r === col) continue;
      const fct = a[r * N + col]!;
      if (fct === 0) continue;
      for (let j = 0; j < N; j++) {
        a[r * N + j] = a[r * N + j]! - fct * a[col * N + j]!;
        inv[r * N + j] = inv[r * N + j]! - fct * inv[col * N + j]!;
      }
    }
  }
  // Symmetrise (W is symmetric, so is its inverse).
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (inv[i * N + j]! + inv[j * N + i]!);
      inv[i * N + j] = v;
      inv[j * N + i] = v;
    }
  }
  return inv;
}
