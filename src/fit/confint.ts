/**
 * Confidence intervals for the exact fit (lme4's `confint.merMod`):
 *
 * - Wald, for β: β̂_j ± z_{(1+level)/2}·SE_j with the fit's own Cov(β̂) (the variance
 *   parameters' rows, as in lme4's table, have no limits).
 * - Profile likelihood, for every SD and correlation (lme4's `.sig01`, … in θ's order: per
 *   term, the lower triangle of its covariance column by column, an SD on the diagonal and a
 *   correlation below it), σ (`.sigma`) and β. As lme4's `profile.merMod`, the profile is of
 *   the ML deviance (a REML fit is refitted by ML first) with the variance parameters on the
 *   SD/correlation scale: for a parameter ψ fixed at v, the deviance minimised over all the
 *   others, and the signed root ζ(v) = sign(v − ψ̂)·√(d(v) − d̂) (Bates et al. 2015, sec. 5.1;
 *   Bates, "lme4: Mixed-effects modeling with R", ch. 1.5). The limits are where ζ crosses
 *   ∓z_{(1+level)/2}; lme4 interpolates ζ by splines through a grid, this module finds each
 *   crossing by root finding on the profile itself. An SD whose profile stays above −z down to
 *   0 gets the lower limit 0 (a correlation ±1), as lme4 does.
 *
 * Variance parameters: d(θ, σ) = log|L_θ|² + r²_θ/σ² + n log(2πσ²), with θ obtained from the
 * SDs s and correlations ρ of each term as the Cholesky factor of [ρ_rc s_r s_c]/σ².
 * β_j: for fixed θ, minimising over σ and the other β gives (Bates et al. 2015, eqs. 33, 36)
 *   d(θ, β_j = b) = log|L_θ|² + n [1 + log(2π (r²_θ + (b − β̂_j(θ))²/V_jj(θ)) / n)],
 * V = (R_X'R_X)⁻¹, which is then minimised over θ (lme4 refits with the column as an offset;
 * this is the same minimum without refitting).
 */
import { normalQuantile } from '../diagnostics/qnorm.js';
import { minimizeBounded } from '../optim/bobyqa.js';
import { toOriginalBeta, toOriginalCovariance } from '../model/reparam.js';
import { BlockedCholesky } from './blocked.js';
import type { LmmFit } from './lmm.js';
import { thetaScales } from './optimize.js';
import { fixedEffectsCovariance, solve } from './solution.js';
import { VarparFunctions } from './varpar.js';
import { parametricBootstrap } from './bootstrap/bootstrap.js';

/** One interval. */
export interface ConfintRow {
  /** lme4's name (`oldNames = TRUE`): `.sig01`, …, `.sigma`, or the fixed effect's name. */
  name: string;
  /** Readable name (lme4's `oldNames = FALSE`): `sd_(Intercept)|Subject`, `cor_Days.(Intercept)|Subject`, `sigma`. */
  label: string;
  /** The estimate the interval is centred on (for profiles of a REML fit: the ML estimate). */
  estimate: number;
  lower: number;
  upper: number;
}

/** Options of {@link confint}. */
export interface ConfintOptions {
  /** `boot`: percentile intervals of a parametric bootstrap (lme4's `method = "boot"`, `boot.type = "perc"`). */
  method?: 'profile' | 'wald' | 'boot';
  /** Coverage (default 0.95). */
  level?: number;
  /** Bootstrap replicates (default 500, as lme4's `nsim`) and seed (default 1). */
  nsim?: number;
  seed?: number;
}

/** Intervals of the fit by the method asked for (profile by default, as lme4). */
export function confint(fit: LmmFit, refitMl: () => LmmFit, options: ConfintOptions = {}): ConfintRow[] {
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new RangeError(`confint: level must be between 0 and 1, not ${level}`);
  if (options.method === 'boot') {
    return parametricBootstrap(fit, { n: options.nsim ?? 500, seed: options.seed ?? 1 })
      .intervals(level)
      .map(({ name, label, estimate, lower, upper }) => ({ name, label, estimate, lower, upper }));
  }
  if ((options.method ?? 'profile') !== 'wald') return profileConfint(fit.method === 'ML' ? fit : refitMl(), level);
  // lme4's Wald table has the variance parameters' rows too, with NA limits.
  const estimates = toSdCor(fit, fit.theta, fit.sigma);
  const variance = varianceParameterNames(fit).map((v, i) => ({ name: v.name, label: v.label, estimate: estimates[i], lower: NaN, upper: NaN }));
  return [...variance, ...waldConfint(fit, level)];
}

/** Wald intervals for β (lme4's `confint(method = "Wald")`, whose variance rows are NA). */
export function waldConfint(fit: LmmFit, level = 0.95): ConfintRow[] {
  const z = normalQuantile((1 + level) / 2);
  const se = fit.stderr;
  return fit.model.fixefNames.map((name, j) => ({ name, label: name, estimate: fit.beta[j], lower: fit.beta[j] - z * se[j], upper: fit.beta[j] + z * se[j] }));
}

/** Kind and names of each variance parameter, in θ's order, then σ. */
export function varianceParameterNames(fit: Pick<LmmFit, 'model'>): { name: string; label: string; kind: 'sd' | 'cor' | 'sigma' }[] {
  const out: { name: string; label: string; kind: 'sd' | 'cor' | 'sigma' }[] = [];
  for (const term of fit.model.terms) {
    for (let c = 0; c < term.q; c++) {
      for (let r = c; r < term.q; r++) {
        const label = r === c ? `sd_${term.names[r]}|${term.group}` : `cor_${term.names[r]}.${term.names[c]}|${term.group}`;
        out.push({ name: `.sig${String(out.length + 1).padStart(2, '0')}`, label, kind: r === c ? 'sd' : 'cor' });
      }
    }
  }
  out.push({ name: '.sigma', label: 'sigma', kind: 'sigma' });
  return out;
}

/**
 * The SD/correlation parameters (θ's layout, then σ) of (θ, σ). A correlation with a zero SD is
 * `zeroSdCorrelation`: 0 for the profiles (a continuous path), NaN for the bootstrap's table (as
 * bootMer's Cv_to_Sv gives it).
 */
export function toSdCor(fit: Pick<LmmFit, 'model'>, theta: ArrayLike<number>, sigma: number, zeroSdCorrelation = 0): Float64Array {
  const out = new Float64Array(theta.length + 1);
  let t = 0;
  for (const term of fit.model.terms) {
    const q = term.q;
    const start = t;
    // Λ (lower, column-major θ) and ΛΛ'.
    const L = new Float64Array(q * q);
    for (let c = 0; c < q; c++) for (let r = c; r < q; r++) L[r * q + c] = theta[t++];
    const S = new Float64Array(q * q);
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) {
      let s = 0;
      for (let m = 0; m <= Math.min(r, c); m++) s += L[r * q + m] * L[c * q + m];
      S[r * q + c] = s;
    }
    let u = start;
    for (let c = 0; c < q; c++) {
      for (let r = c; r < q; r++, u++) {
        if (r === c) out[u] = sigma * Math.sqrt(S[r * q + r]);
        else {
          const d = Math.sqrt(S[r * q + r] * S[c * q + c]);
          out[u] = d > 0 ? S[r * q + c] / d : zeroSdCorrelation;
        }
      }
    }
  }
  out[theta.length] = sigma;
  return out;
}

/** θ from SD/correlation parameters (θ's layout, then σ); null where the correlations are not PSD. */
export function fromSdCor(fit: LmmFit, pars: ArrayLike<number>): Float64Array | null {
  const ntheta = pars.length - 1;
  const sigma = pars[ntheta];
  const theta = new Float64Array(ntheta);
  let t = 0;
  for (const term of fit.model.terms) {
    const q = term.q;
    const sd = new Float64Array(q);
    const P = new Float64Array(q * q);
    let u = t;
    for (let c = 0; c < q; c++) for (let r = c; r < q; r++, u++) if (r === c) sd[r] = pars[u];
    u = t;
    for (let c = 0; c < q; c++) {
      for (let r = c; r < q; r++, u++) {
        const v = r === c ? (sd[r] / sigma) ** 2 : (pars[u] * sd[r] * sd[c]) / (sigma * sigma);
        P[r * q + c] = v;
        P[c * q + r] = v;
      }
    }
    // Cholesky allowing semidefinite matrices (a zero SD, or a correlation of ±1).
    const L = new Float64Array(q * q);
    for (let c = 0; c < q; c++) {
      let d = P[c * q + c];
      for (let k = 0; k < c; k++) d -= L[c * q + k] ** 2;
      const tol = 1e-12 * Math.max(P[c * q + c], 1e-300);
      if (d < -tol) return null;
      const lcc = d > tol ? Math.sqrt(d) : 0;
      L[c * q + c] = lcc;
      for (let r = c + 1; r < q; r++) {
        let s = P[r * q + c];
        for (let k = 0; k < c; k++) s -= L[r * q + k] * L[c * q + k];
        if (lcc === 0) {
          if (Math.abs(s) > 1e-8 * Math.sqrt(Math.max(P[r * q + r] * P[c * q + c], 0))) return null;
          L[r * q + c] = 0;
        } else L[r * q + c] = s / lcc;
      }
    }
    for (let c = 0; c < q; c++) for (let r = c; r < q; r++) theta[t++] = L[r * q + c];
  }
  return theta;
}

/** A profile: ζ at a value of the parameter, with the optimum of the others to start the next from. */
interface ProfilePoint {
  value: number;
  zeta: number;
  start: Float64Array;
}

/**
 * One limit of the interval: from the estimate in `direction`, step until |ζ| passes `target`
 * (or the bound is reached: the bound is returned), then find the crossing by the Illinois
 * variant of regula falsi.
 */
function findLimit(zetaAt: (v: number, start: Float64Array) => ProfilePoint, estimate: number, start: Float64Array, step: number, direction: 1 | -1, bound: number, target: number): number {
  let prev: ProfilePoint = { value: estimate, zeta: 0, start };
  let delta = step;
  for (let iteration = 0; iteration < 60; iteration++) {
    let v = prev.value + direction * delta;
    const atBound = direction > 0 ? v >= bound : v <= bound;
    if (atBound) v = bound;
    const point = zetaAt(v, prev.start);
    const z = Math.abs(point.zeta);
    if (Number.isFinite(z) && z >= target) return crossing(zetaAt, prev, point, target);
    if (atBound) return bound;
    // Extrapolate |ζ| linearly to the target; grow the step at most fourfold.
    const slope = (z - Math.abs(prev.zeta)) / Math.abs(v - prev.value);
    const needed = slope > 0 && Number.isFinite(z) ? (target - z) / slope : 4 * delta;
    delta = Math.min(Math.max(1.1 * needed, 0.5 * delta), 4 * delta);
    if (Number.isFinite(z)) prev = point;
  }
  return NaN;
}

function crossing(zetaAt: (v: number, start: Float64Array) => ProfilePoint, a: ProfilePoint, b: ProfilePoint, target: number): number {
  // g = |ζ| − target changes sign between a and b.
  let ga = Math.abs(a.zeta) - target;
  let gb = Math.abs(b.zeta) - target;
  for (let iteration = 0; iteration < 100; iteration++) {
    const v = b.value - (gb * (b.value - a.value)) / (gb - ga);
    const point = zetaAt(v, Math.abs(v - a.value) < Math.abs(v - b.value) ? a.start : b.start);
    const g = Math.abs(point.zeta) - target;
    if (Math.abs(g) < 1e-10) return v;
    if (g * gb < 0) {
      a = b;
      ga = gb;
    } else {
      ga /= 2;
    }
    b = point;
    gb = g;
    if (Math.abs(b.value - a.value) <= 1e-12 * Math.max(Math.abs(a.value), Math.abs(b.value))) return b.value;
  }
  return b.value;
}

/** Profile-likelihood intervals for the variance parameters and β of an ML fit. */
export function profileConfint(fit: LmmFit, level = 0.95): ConfintRow[] {
  if (fit.method !== 'ML') throw new Error('internal: profileConfint needs the ML fit');
  const target = normalQuantile((1 + level) / 2);
  const model = fit.model;
  const functions = new VarparFunctions(model, false);
  const names = varianceParameterNames(fit);
  const estimate = toSdCor(fit, fit.theta, fit.sigma);
  const base = functions.deviance([...fit.theta, fit.sigma]);
  const m = estimate.length;
  // The optimiser works on pars/scale (SDs and σ relative to their size, correlations as they are).
  const scale = Float64Array.from(estimate, (v, i) => (names[i].kind === 'cor' ? 1 : Math.max(v, 0.1 * fit.sigma)));
  const lowerOf = (i: number) => (names[i].kind === 'cor' ? -1 : 0);
  const upperOf = (i: number) => (names[i].kind === 'cor' ? 1 : Infinity);
  const deviance = (pars: Float64Array): number => {
    if (!(pars[m - 1] > 0)) return Infinity;
    const theta = fromSdCor(fit, pars);
    return theta ? functions.deviance([...theta, pars[m - 1]]) : Infinity;
  };
  const rows: ConfintRow[] = [];
  for (let i = 0; i < m; i++) {
    const others = Array.from({ length: m }, (_, k) => k).filter((k) => k !== i);
    const lower = others.map((k) => lowerOf(k) / scale[k]);
    const upper = others.map((k) => upperOf(k) / scale[k]);
    const zetaAt = (v: number, start: Float64Array): ProfilePoint => {
      const pars = Float64Array.from(estimate);
      pars[i] = v;
      const f = (x: Float64Array): number => {
        others.forEach((k, j) => (pars[k] = x[j] * scale[k]));
        return deviance(pars);
      };
      // A correlation moved with the others held may leave the correlation matrix indefinite:
      // then start from the others' correlations shrunk towards 0 (with them all 0 the matrix is
      // positive semidefinite for any |v| ≤ 1).
      let x0 = start;
      for (let shrink = 0.9; !Number.isFinite(f(Float64Array.from(x0))) && shrink > 1e-3; shrink *= 0.9) {
        x0 = Float64Array.from(start, (v, j) => (names[others[j]].kind === 'cor' ? v * shrink : v));
      }
      if (!Number.isFinite(f(Float64Array.from(x0)))) x0 = Float64Array.from(start, (v, j) => (names[others[j]].kind === 'cor' ? 0 : v));
      const r = minimizeBounded(f, x0, { lower, upper, rhobeg: 0.05, rhoend: 1e-9 });
      const d = Math.max(r.fval - base, 0);
      return { value: v, zeta: Math.sign(v - estimate[i]) * Math.sqrt(d), start: r.x };
    };
    const start = Float64Array.from(others, (k) => estimate[k] / scale[k]);
    const step = names[i].kind === 'cor' ? 0.05 : 0.1 * scale[i];
    const lo = findLimit(zetaAt, estimate[i], start, step, -1, lowerOf(i), target);
    const hi = findLimit(zetaAt, estimate[i], start, step, 1, upperOf(i), target);
    rows.push({ name: names[i].name, label: names[i].label, estimate: estimate[i], lower: lo, upper: hi });
  }

  // β: minimise the β_j-profiled deviance over θ (in the optimiser's scaled θ̃ = d·θ).
  const factor = new BlockedCholesky(model.crossprod, model.terms);
  const { n, p } = model;
  const tScale = thetaScales(model, factor.layout);
  const tLower = Float64Array.from(factor.layout.lower, (v, k) => v * tScale[k]);
  const se = fit.stderr;
  model.fixefNames.forEach((name, j) => {
    const betaDeviance = (b: number) => (x: Float64Array): number => {
      const theta = Float64Array.from(x, (v, k) => v / tScale[k]);
      if (!factor.update(theta)) return Infinity;
      const beta = toOriginalBeta(model, solve(factor).beta);
      const V = toOriginalCovariance(model, fixedEffectsCovariance(factor));
      const r2 = factor.pwrss() + (b - beta[j]) ** 2 / V[j * p + j];
      return factor.logdetL() + n * (1 + Math.log((2 * Math.PI * r2) / n));
    };
    const zetaAt = (v: number, start: Float64Array): ProfilePoint => {
      const r = minimizeBounded(betaDeviance(v), start, { lower: tLower, rhobeg: 0.05, rhoend: 1e-9 });
      return { value: v, zeta: Math.sign(v - fit.beta[j]) * Math.sqrt(Math.max(r.fval - base, 0)), start: r.x };
    };
    const start = Float64Array.from(fit.theta, (v, k) => v * tScale[k]);
    const lo = findLimit(zetaAt, fit.beta[j], start, se[j], -1, -Infinity, target);
    const hi = findLimit(zetaAt, fit.beta[j], start, se[j], 1, Infinity, target);
    rows.push({ name, label: name, estimate: fit.beta[j], lower: lo, upper: hi });
  });
  return rows;
}
