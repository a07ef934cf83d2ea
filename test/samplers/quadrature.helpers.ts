/**
 * The exact posterior of (τ², σ²) for a random-intercept model y = Xβ + z·a_g + ε under a normal
 * prior on β and half-t priors on τ and σ (or any log prior of (τ², σ²)), by 2-D quadrature: β
 * and a integrated out analytically, y ~ N(Xμ₀, V + XΣ₀X'), V block-diagonal with
 * V_j = σ²I + τ²z_jz_j'. Per group, V_j^{-1} = (I − c_j z_jz_j')/σ² with c_j = τ²/(σ² + τ²z_j'z_j)
 * and log|V_j| = n_j log σ² + log(1 + τ²z_j'z_j/σ²); with r = y − Xμ₀, M = Σ₀^{-1} + X'V^{-1}X and
 * g = X'V^{-1}r, log p(y | τ², σ²) = −½[log|V| + log|M| + r'V^{-1}r − g'M^{-1}g] + const.
 * Written from the model's rows (not from the sampler's blocks), as an independent check.
 */
import type { MixedModel } from '../../src/model/model.js';
import type { PriorsSpec } from '../../samplers/priors.js';

/** Posterior summaries of one scalar from the quadrature. */
export interface Moments {
  mean: number;
  sd: number;
  median: number;
}

/** log density of v = σ² (or τ²) when √v ~ half-t(ν, A), in v: −½ log v − (ν+1)/2 log(ν + v/A²). */
function logHalfTVariance(v: number, nu: number, A: number): number {
  return -0.5 * Math.log(v) - ((nu + 1) / 2) * Math.log(nu + v / (A * A));
}

/** Quadrature of the posterior of (τ², σ²): moments of τ², σ², τ and σ. */
export function randomInterceptPosterior(model: MixedModel, priors: PriorsSpec): Record<'tau2' | 'sigma2' | 'tau' | 'sigma', Moments> {
  const { n, p, X, y } = model;
  if (model.terms.length !== 1 || model.terms[0].q !== 1) throw new Error('random-intercept models only');
  const term = model.terms[0];
  const J = term.nlevels;
  const beta = priors.beta as { mean: number[]; var: number[][] };
  const group = Object.keys(priors.Psi)[0];
  const psiPrior = priors.Psi[group] as { halfT: { df: number; scale: number[] } };
  const s2Prior = priors.sigma2 as { halfT: { df: number; scale: number } };
  // Per-group sums: X'X (p×p), X'z (p), z'z, X'r (p), z'r, r'r.
  const XX = new Float64Array(J * p * p), Xz = new Float64Array(J * p), zz = new Float64Array(J), Xr = new Float64Array(J * p), zr = new Float64Array(J), rr = new Float64Array(J), nj = new Float64Array(J);
  for (let i = 0; i < n; i++) {
    const j = term.refs[i];
    const z = term.Z[i];
    let r = y[i];
    for (let a = 0; a < p; a++) r -= X[i * p + a] * beta.mean[a];
    nj[j]++;
    zz[j] += z * z;
    zr[j] += z * r;
    rr[j] += r * r;
    for (let a = 0; a < p; a++) {
      Xz[j * p + a] += X[i * p + a] * z;
      Xr[j * p + a] += X[i * p + a] * r;
      for (let c = 0; c < p; c++) XX[j * p * p + a * p + c] += X[i * p + a] * X[i * p + c];
    }
  }
  const M = new Float64Array(p * p);
  const g = new Float64Array(p);
  const logPosterior = (tau2: number, sigma2: number): number => {
    M.fill(0);
    g.fill(0);
    for (let a = 0; a < p; a++) M[a * p + a] = 1 / beta.var[a][a];
    let logdet = 0;
    let quad = 0;
    for (let j = 0; j < J; j++) {
      const c = tau2 / (sigma2 + tau2 * zz[j]);
      logdet += nj[j] * Math.log(sigma2) + Math.log1p((tau2 * zz[j]) / sigma2);
      quad += (rr[j] - c * zr[j] * zr[j]) / sigma2;
      for (let a = 0; a < p; a++) {
        g[a] += (Xr[j * p + a] - c * Xz[j * p + a] * zr[j]) / sigma2;
        for (let b = 0; b < p; b++) M[a * p + b] += (XX[j * p * p + a * p + b] - c * Xz[j * p + a] * Xz[j * p + b]) / sigma2;
      }
    }
    // log|M| and g'M^{-1}g by Cholesky (p small).
    const L = M;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b <= a; b++) {
        let s = L[a * p + b];
        for (let k = 0; k < b; k++) s -= L[a * p + k] * L[b * p + k];
        L[a * p + b] = a === b ? Math.sqrt(s) : s / L[b * p + b];
      }
    }
    let logdetM = 0;
    let gMg = 0;
    for (let a = 0; a < p; a++) {
      logdetM += 2 * Math.log(L[a * p + a]);
      let s = g[a];
      for (let k = 0; k < a; k++) s -= L[a * p + k] * g[k];
      g[a] = s / L[a * p + a];
      gMg += g[a] * g[a];
    }
    const logLik = -0.5 * (logdet + logdetM + quad - gMg);
    return logLik + logHalfTVariance(tau2, psiPrior.halfT.df, psiPrior.halfT.scale[0]) + logHalfTVariance(sigma2, s2Prior.halfT.df, s2Prior.halfT.scale);
  };
  // Grid in (log τ², log σ²), including the Jacobian; a coarse pass finds where the mass is.
  const density = (u: number, w: number) => logPosterior(Math.exp(u), Math.exp(w)) + u + w;
  const ySd = s2Prior.halfT.scale;
  let uRange: [number, number] = [2 * Math.log(ySd) - 40, 2 * Math.log(ySd) + 15];
  let wRange: [number, number] = [2 * Math.log(ySd) - 20, 2 * Math.log(ySd) + 5];
  for (const size of [120, 120]) {
    const [grid, top] = evaluate(density, uRange, wRange, size);
    const keep = (axis: 0 | 1): [number, number] => {
      let lo = Infinity;
      let hi = -Infinity;
      for (const [u, w, l] of grid) if (l > top - 30) {
        const x = axis === 0 ? u : w;
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      const range = axis === 0 ? uRange : wRange;
      const step = (range[1] - range[0]) / (size - 1);
      return [lo - 2 * step, hi + 2 * step];
    };
    uRange = keep(0);
    wRange = keep(1);
  }
  const [grid, top] = evaluate(density, uRange, wRange, 320);
  const weights = grid.map(([, , l]) => Math.exp(l - top));
  const total = weights.reduce((s, v) => s + v, 0);
  // Medians from the marginal of each axis: each grid line's mass spread evenly over its cell.
  const median = (axis: 0 | 1): number => {
    const range = axis === 0 ? uRange : wRange;
    const h = (range[1] - range[0]) / 319;
    const mass = new Float64Array(320);
    grid.forEach(([u, w], i) => (mass[Math.round(((axis === 0 ? u : w) - range[0]) / h)] += weights[i] / total));
    let cum = 0;
    for (let a = 0; a < 320; a++) {
      if (cum + mass[a] >= 0.5) return range[0] + (a - 0.5) * h + ((0.5 - cum) / mass[a]) * h;
      cum += mass[a];
    }
    return NaN;
  };
  const medians = [median(0), median(1)];
  const moments = (f: (u: number, w: number) => number, axis: 0 | 1, g: (x: number) => number): Moments => {
    let m = 0;
    let m2 = 0;
    grid.forEach(([u, w], i) => {
      const v = f(u, w);
      m += (weights[i] * v) / total;
      m2 += (weights[i] * v * v) / total;
    });
    return { mean: m, sd: Math.sqrt(Math.max(m2 - m * m, 0)), median: g(medians[axis]) };
  };
  return {
    tau2: moments((u) => Math.exp(u), 0, Math.exp),
    sigma2: moments((_, w) => Math.exp(w), 1, Math.exp),
    tau: moments((u) => Math.exp(u / 2), 0, (x) => Math.exp(x / 2)),
    sigma: moments((_, w) => Math.exp(w / 2), 1, (x) => Math.exp(x / 2)),
  };
}

function evaluate(density: (u: number, w: number) => number, uRange: [number, number], wRange: [number, number], size: number): [[number, number, number][], number] {
  const grid: [number, number, number][] = [];
  let top = -Infinity;
  for (let a = 0; a < size; a++) {
    const u = uRange[0] + ((uRange[1] - uRange[0]) * a) / (size - 1);
    for (let b = 0; b < size; b++) {
      const w = wRange[0] + ((wRange[1] - wRange[0]) * b) / (size - 1);
      const l = density(u, w);
      if (Number.isFinite(l)) {
        grid.push([u, w, l]);
        if (l > top) top = l;
      }
    }
  }
  return [grid, top];
}
