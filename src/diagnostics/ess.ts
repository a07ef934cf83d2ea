/**
 * Effective sample size and R-hat, as R's `posterior` package (1.4.0) computes them, after
 * Vehtari, Gelman, Simpson, Carpenter & Bürkner (2021), "Rank-normalization, folding, and
 * localization: an improved R-hat for assessing convergence of MCMC", Bayesian Analysis
 * 16:667–718.
 *
 * Draws are given as one array per chain (equal lengths). Every function returns `null`
 * where posterior returns NA: any non-finite draw, (nearly) constant draws, too few draws.
 *
 * The core routines work on a flat Float64Array holding m chains of n draws each, chain
 * after chain, so that the summary code can reuse buffers across parameters.
 */
import { FftWorkspace, autocovariancePair } from './fft.js';
import { quantile } from './stats.js';
import { zScale } from './zscale.js';

/** posterior's tolerance for "constant" draws: max − min below machine epsilon. */
export const CONSTANT_TOLERANCE = 2.220446049250313e-16;

/**
 * Lags up to which autocovariances are summed directly (O(n) each) before switching to the
 * FFT for all lags. Both give the same estimator; Geyer's truncation usually stops early,
 * so the direct sums are cheaper for weakly correlated chains.
 */
const DIRECT_LAGS = 256;

/** Reusable buffers for {@link essFlat}. */
export class EssWorkspace {
  centred = new Float64Array(0);
  rho = new Float64Array(0);
  meanAcov = new Float64Array(0);
  acovA = new Float64Array(0);
  acovB = new Float64Array(0);
  chainMeans = new Float64Array(0);
  readonly fft = new FftWorkspace();

  /** Make the buffers fit m chains of n draws. */
  ensure(m: number, n: number): void {
    if (this.centred.length < m * n) this.centred = new Float64Array(m * n);
    if (this.rho.length < n + 2) {
      this.rho = new Float64Array(n + 2);
      this.meanAcov = new Float64Array(n + 2);
      this.acovA = new Float64Array(n);
      this.acovB = new Float64Array(n);
    }
    if (this.chainMeans.length < m) this.chainMeans = new Float64Array(m);
  }
}

const sharedEss = new EssWorkspace();

/**
 * posterior's `should_return_NA`: true when a value is non-finite or max − min is below
 * machine epsilon.
 */
export function shouldReturnNA(x: ArrayLike<number>, length = x.length): boolean {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = x[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v - v !== 0) return true; // NaN or ±Infinity
  }
  return !(Math.abs(max - min) >= CONSTANT_TOLERANCE);
}

function meanOf(x: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  const m = s / (to - from);
  let c = 0;
  for (let i = from; i < to; i++) c += x[i] - m;
  return m + c / (to - from);
}

function varianceOf(x: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  if (n < 2) return NaN;
  const m = meanOf(x, from, to);
  let ss = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const d = x[i] - m;
    ss += d * d;
    c += d;
  }
  return (ss - (c * c) / n) / (n - 1);
}

/**
 * ESS of m chains of n draws stored flat in x (posterior's internal `.ess`, applied to chains
 * that are already split): per-chain autocovariances, combined autocorrelations
 * ρ̂_t = 1 − (W − mean_c γ̂_{c,t}) / var⁺ with W the mean within-chain variance and var⁺ the
 * pooled variance estimate, truncated by Geyer's initial positive sequence and smoothed by
 * his initial monotone sequence; τ̂ = −1 + 2 Σ_{t<T} ρ̂_t + ρ̂_T, bounded below by
 * 1/log10(mn); ESS = mn/τ̂. Returns NaN where posterior returns NA (n < 3, non-finite or
 * constant draws). `checked` skips the non-finite/constant test, for callers that have
 * already made it.
 */
export function essFlat(x: Float64Array, m: number, n: number, ws: EssWorkspace = sharedEss, checked = false): number {
  if (n < 3 || m < 1) return NaN;
  ws.ensure(m, n);
  const y = ws.centred;
  const means = ws.chainMeans;
  if (!checked && shouldReturnNA(x, m * n)) return NaN;
  let acov0 = 0;
  for (let c = 0; c < m; c++) {
    const off = c * n;
    const end = off + n;
    let s = 0;
    for (let i = off; i < end; i++) s += x[i];
    const mu = s / n;
    means[c] = mu;
    let ss = 0;
    for (let i = off; i < end; i++) {
      const d = x[i] - mu;
      y[i] = d;
      ss += d * d;
    }
    acov0 += ss / n;
  }
  acov0 /= m;
  const meanVar = (acov0 * n) / (n - 1);
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += varianceOf(means, 0, m);

  const acov = ws.meanAcov;
  acov[0] = acov0;
  let known = 1; // lags 0..known−1 of acov are filled

  // Geyer's initial positive sequence over pairs (ρ̂_{2k}, ρ̂_{2k+1}).
  const rho = ws.rho;
  let t = 0;
  let rhoEven = 1;
  if (known < 2) known = fillLags(y, m, n, known, acov, ws);
  let rhoOdd = 1 - (meanVar - acov[1]) / varPlus;
  rho[0] = rhoEven;
  rho[1] = rhoOdd;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    while (t + 1 >= known) known = fillLags(y, m, n, known, acov, ws);
    rhoEven = 1 - (meanVar - acov[t]) / varPlus;
    rhoOdd = 1 - (meanVar - acov[t + 1]) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t] = rhoEven;
      rho[t + 1] = rhoOdd;
    } else {
      rho[t] = 0;
      rho[t + 1] = 0;
    }
  }
  const maxT = t;
  // The improved estimate keeps a positive last even-lag term (helps antithetic chains).
  if (rhoEven > 0) rho[maxT] = rhoEven;

  // Geyer's initial monotone sequence: pair sums may not increase.
  t = 0;
  while (t <= maxT - 4) {
    t += 2;
    if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1]) {
      rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
      rho[t + 1] = rho[t];
    }
  }
  let sum = 0;
  for (let k = 0; k < maxT; k++) sum += rho[k];
  const total = m * n;
  let tau = -1 + 2 * sum + rho[maxT];
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

/**
 * Fill more lags of the chain-averaged autocovariance (lags `known`.. onward) and return the
 * new count: the next block of {@link LAG_BLOCK} lags by direct sums, or every lag by FFT once
 * {@link DIRECT_LAGS} lags have been summed directly.
 */
function fillLags(y: Float64Array, m: number, n: number, known: number, acov: Float64Array, ws: EssWorkspace): number {
  if (known >= DIRECT_LAGS) {
    allLagsByFft(y, m, n, ws);
    return n;
  }
  const last = Math.min(n - 1, known + LAG_BLOCK - 1);
  if (last - known + 1 === LAG_BLOCK) {
    lagBlock(y, m, n, known, acov);
  } else {
    for (let k = known; k <= last; k++) {
      let s = 0;
      for (let c = 0; c < m; c++) {
        const off = c * n;
        const end = off + n - k;
        let cs = 0;
        for (let i = off; i < end; i++) cs += y[i] * y[i + k];
        s += cs / n;
      }
      acov[k] = s / m;
    }
  }
  return last + 1;
}

/** Number of lags summed together in one pass over the draws. */
const LAG_BLOCK = 8;

/** Chain-averaged biased autocovariances at lags k0..k0+7 (all < n), summed directly. */
function lagBlock(y: Float64Array, m: number, n: number, k0: number, acov: Float64Array): void {
  let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
  for (let c = 0; c < m; c++) {
    const off = c * n;
    const end = off + n;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    // Two draws at a time, sharing the loaded partners y[i+k0+1 .. i+k0+7], while every one
    // of the eight lags has a partner for both (i + 1 + k0 + 7 < end).
    const full = end - k0 - 8;
    let i = off;
    for (; i < full; i += 2) {
      const u = y[i];
      const v = y[i + 1];
      const j = i + k0;
      const a0 = y[j], a1 = y[j + 1], a2 = y[j + 2], a3 = y[j + 3], a4 = y[j + 4];
      const a5 = y[j + 5], a6 = y[j + 6], a7 = y[j + 7], a8 = y[j + 8];
      s0 += u * a0 + v * a1;
      s1 += u * a1 + v * a2;
      s2 += u * a2 + v * a3;
      s3 += u * a3 + v * a4;
      s4 += u * a4 + v * a5;
      s5 += u * a5 + v * a6;
      s6 += u * a6 + v * a7;
      s7 += u * a7 + v * a8;
    }
    // The last few draws pair only with the shorter lags.
    for (; i < end - k0; i++) {
      const v = y[i];
      const j = i + k0;
      s0 += v * y[j];
      if (j + 1 < end) s1 += v * y[j + 1];
      if (j + 2 < end) s2 += v * y[j + 2];
      if (j + 3 < end) s3 += v * y[j + 3];
      if (j + 4 < end) s4 += v * y[j + 4];
      if (j + 5 < end) s5 += v * y[j + 5];
      if (j + 6 < end) s6 += v * y[j + 6];
      if (j + 7 < end) s7 += v * y[j + 7];
    }
    t0 += s0 / n; t1 += s1 / n; t2 += s2 / n; t3 += s3 / n;
    t4 += s4 / n; t5 += s5 / n; t6 += s6 / n; t7 += s7 / n;
  }
  acov[k0] = t0 / m; acov[k0 + 1] = t1 / m; acov[k0 + 2] = t2 / m; acov[k0 + 3] = t3 / m;
  acov[k0 + 4] = t4 / m; acov[k0 + 5] = t5 / m; acov[k0 + 6] = t6 / m; acov[k0 + 7] = t7 / m;
}

/** Every lag of the chain-averaged autocovariance by FFT, two chains per transform. */
function allLagsByFft(y: Float64Array, m: number, n: number, ws: EssWorkspace): void {
  const acov = ws.meanAcov;
  acov.fill(0, 0, n);
  const a = ws.acovA;
  const b = ws.acovB;
  for (let c = 0; c < m; c += 2) {
    const first = y.subarray(c * n, (c + 1) * n);
    if (c + 1 < m) {
      autocovariancePair(first, y.subarray((c + 1) * n, (c + 2) * n), a, b, ws.fft);
      for (let k = 0; k < n; k++) acov[k] += a[k] + b[k];
    } else {
      b.fill(0);
      autocovariancePair(first, b, a, b, ws.fft);
      for (let k = 0; k < n; k++) acov[k] += a[k];
    }
  }
  for (let k = 0; k < n; k++) acov[k] /= m;
}

/**
 * Basic R-hat of m chains of n draws stored flat (posterior's internal `.rhat`):
 * sqrt((B/W + n − 1)/n) with B = n·var(chain means) and W = mean chain variance.
 * NaN where posterior returns NA (fewer than 2 chains or 2 draws, non-finite or constant).
 */
export function rhatFlat(x: Float64Array, m: number, n: number, means?: Float64Array): number {
  if (m < 2 || n < 2) return NaN;
  const chainMeans = means !== undefined && means.length >= m ? means : new Float64Array(m);
  let min = Infinity;
  let max = -Infinity;
  let within = 0;
  for (let c = 0; c < m; c++) {
    const off = c * n;
    const end = off + n;
    let s = 0;
    for (let i = off; i < end; i++) {
      const v = x[i];
      s += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (s - s !== 0) return NaN; // a non-finite draw
    const mu = s / n;
    let ss = 0;
    let dev = 0;
    for (let i = off; i < end; i++) {
      const d = x[i] - mu;
      ss += d * d;
      dev += d;
    }
    chainMeans[c] = mu + dev / n;
    within += (ss - (dev * dev) / n) / (n - 1);
  }
  if (!(max - min >= CONSTANT_TOLERANCE)) return NaN;
  within /= m;
  const between = n * varianceOf(chainMeans, 0, m);
  return Math.sqrt((between / within + n - 1) / n);
}

// ---------------------------------------------------------------------------------------
// Convenience API on one array per chain (straightforward, allocates; the summary code uses
// the same cores with reused buffers).

function checkChains(chains: readonly ArrayLike<number>[]): { m: number; n: number } {
  const m = chains.length;
  const n = m === 0 ? 0 : chains[0].length;
  for (const c of chains) if (c.length !== n) throw new Error('all chains must have the same length');
  return { m, n };
}

function flatten(chains: readonly ArrayLike<number>[]): Float64Array {
  const { m, n } = checkChains(chains);
  const out = new Float64Array(m * n);
  for (let c = 0; c < m; c++) for (let t = 0; t < n; t++) out[c * n + t] = chains[c][t];
  return out;
}

function unflatten(x: Float64Array, m: number, n: number): Float64Array[] {
  return Array.from({ length: m }, (_, c) => x.slice(c * n, (c + 1) * n));
}

const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * posterior's `split_chains`: each chain of n ≥ 2 draws becomes two, its first ⌊n/2⌋ draws
 * and its last ⌊n/2⌋ draws; for odd n the middle draw is dropped. Result: all first halves,
 * then all second halves. Chains of one draw are returned unsplit.
 */
export function splitChains(chains: readonly ArrayLike<number>[]): Float64Array[] {
  const { n } = checkChains(chains);
  if (n < 2) return chains.map((c) => Float64Array.from(c));
  const half = Math.floor(n / 2);
  const second = n - half;
  const firsts = chains.map((c) => Float64Array.from({ length: half }, (_, t) => c[t]));
  const seconds = chains.map((c) => Float64Array.from({ length: half }, (_, t) => c[second + t]));
  return [...firsts, ...seconds];
}

/** Rank-normalize the pooled draws of all chains (posterior's `z_scale`), keeping the layout. */
export function zScaleChains(chains: readonly ArrayLike<number>[]): Float64Array[] {
  const { m, n } = checkChains(chains);
  return unflatten(zScale(flatten(chains)), m, n);
}

/** Fold the draws about their pooled median: |x − median| (posterior's `fold_draws`). */
export function foldChains(chains: readonly ArrayLike<number>[]): Float64Array[] {
  const { m, n } = checkChains(chains);
  const flat = flatten(chains);
  const med = quantile(flat, 0.5);
  for (let i = 0; i < flat.length; i++) flat[i] = Math.abs(flat[i] - med);
  return unflatten(flat, m, n);
}

/** ESS of chains as given (no splitting, no rank normalization): posterior's `.ess`. */
export function essOfChains(chains: readonly ArrayLike<number>[]): number | null {
  const { m, n } = checkChains(chains);
  return orNull(essFlat(flatten(chains), m, n, new EssWorkspace()));
}

/** R-hat of chains as given (no splitting, no rank normalization): posterior's `.rhat`. */
export function rhatOfChains(chains: readonly ArrayLike<number>[]): number | null {
  const { m, n } = checkChains(chains);
  return orNull(rhatFlat(flatten(chains), m, n));
}

/** posterior's `ess_basic` (split = TRUE): ESS of the split chains. */
export function essBasic(chains: readonly ArrayLike<number>[]): number | null {
  return essOfChains(splitChains(chains));
}

/** posterior's `ess_mean`: ESS for the mean, from the raw split chains (= `ess_basic`). */
export function essMean(chains: readonly ArrayLike<number>[]): number | null {
  return essBasic(chains);
}

/** posterior's `ess_bulk`: ESS of the rank-normalized split chains. */
export function essBulk(chains: readonly ArrayLike<number>[]): number | null {
  if (hasNonFinite(chains)) return null;
  return essOfChains(zScaleChains(splitChains(chains)));
}

/**
 * posterior's `ess_quantile` for one probability: ESS of the indicator I(x ≤ q) over the
 * split chains, q being the type-7 quantile of the split draws.
 */
export function essQuantile(chains: readonly ArrayLike<number>[], prob: number): number | null {
  const split = splitChains(chains);
  const { m, n } = checkChains(split);
  const flat = flatten(split);
  if (shouldReturnNA(flat)) return null;
  const q = quantile(flat, prob);
  for (let i = 0; i < flat.length; i++) flat[i] = flat[i] <= q ? 1 : 0;
  return orNull(essFlat(flat, m, n, new EssWorkspace()));
}

/** posterior's `ess_tail`: the smaller of the 5% and 95% quantile ESS (null if either is). */
export function essTail(chains: readonly ArrayLike<number>[]): number | null {
  const a = essQuantile(chains, 0.05);
  const b = essQuantile(chains, 0.95);
  return a === null || b === null ? null : Math.min(a, b);
}

/**
 * posterior's `rhat`: the larger of the rank-normalized split R-hat of the draws (bulk) and
 * of the draws folded about their median (tails); null if either is undefined.
 */
export function rhat(chains: readonly ArrayLike<number>[]): number | null {
  if (hasNonFinite(chains)) return null;
  const bulk = rhatOfChains(zScaleChains(splitChains(chains)));
  const tail = rhatOfChains(zScaleChains(splitChains(foldChains(chains))));
  return bulk === null || tail === null ? null : Math.max(bulk, tail);
}

/** posterior's `mcse_mean`: sd of all draws / sqrt(ess_mean). */
export function mcseMean(chains: readonly ArrayLike<number>[]): number | null {
  const ess = essMean(chains);
  if (ess === null) return null;
  const flat = flatten(chains);
  let s = 0;
  for (let i = 0; i < flat.length; i++) s += flat[i];
  const mu = s / flat.length;
  let ss = 0;
  for (let i = 0; i < flat.length; i++) ss += (flat[i] - mu) ** 2;
  return Math.sqrt(ss / (flat.length - 1)) / Math.sqrt(ess);
}

function hasNonFinite(chains: readonly ArrayLike<number>[]): boolean {
  for (const c of chains) for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) return true;
  return false;
}
