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
import type { LagKernel } from './lagKernel.js';
import { IndicatorLags, LagWorkspace, fillLagsDirect } from './lags.js';
import { quantile } from './stats.js';
import { zScale } from './zscale.js';

/** posterior's tolerance for "constant" draws: max − min below machine epsilon. */
export const CONSTANT_TOLERANCE = 2.220446049250313e-16;

/** Reusable buffers for {@link essFlat} and its relatives. */
export class EssWorkspace {
  /** The draws centred on their chain means: the lag kernel's series buffer (see lagKernel.ts). */
  centred = new Float64Array(0);
  rho = new Float64Array(0);
  /** Chain-averaged autocovariances by lag. */
  meanAcov = new Float64Array(0);
  chainMeans = new Float64Array(0);
  /** Chain variances (denominator n − 1). */
  chainVars = new Float64Array(0);
  readonly lags = new LagWorkspace();
  readonly indicator = new IndicatorLags();

  /** Sum lags with the given kernel (and centre draws into its series buffer) from now on. */
  useKernel(kernel: LagKernel): void {
    this.lags.kernel = kernel;
    this.centred = kernel.series(0);
  }

  /** Make the buffers fit m chains of n draws. */
  ensure(m: number, n: number): void {
    if (this.centred.length < m * n) this.centred = this.lags.kernel.series(m * n);
    if (this.rho.length < n + 2) {
      this.rho = new Float64Array(n + 2);
      this.meanAcov = new Float64Array(n + 2);
    }
    if (this.chainMeans.length < m) {
      this.chainMeans = new Float64Array(m);
      this.chainVars = new Float64Array(m);
    }
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

/** Range max − min of the first `length` values of x (NaN if one is NaN). */
export function drawRange(x: ArrayLike<number>, length = x.length): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = x[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== v) return NaN;
  }
  return max - min;
}

/**
 * Means and variances (denominator n − 1) of m chains of n draws stored flat in x, as R's
 * `mean` and `var` compute them (a correcting second pass), written to `means` and `vars`;
 * the draws centred on their chain means go to `centred` when given (which may be x itself),
 * in a third pass with the corrected mean, as R's x − mean(x): far from zero the first-pass
 * mean can be off by many ulps, which the autocovariances would see. Sums run in four (then
 * two) interleaved partial sums, which breaks the dependency chain of a single running sum;
 * the rounding differs from one running sum only in the last bits.
 */
export function chainMoments(
  x: Float64Array, m: number, n: number, means: Float64Array, vars: Float64Array, centred?: Float64Array,
): void {
  for (let c = 0; c < m; c++) {
    const off = c * n;
    const end = off + n;
    const end4 = off + (n & ~3);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = off;
    for (; i < end4; i += 4) {
      s0 += x[i];
      s1 += x[i + 1];
      s2 += x[i + 2];
      s3 += x[i + 3];
    }
    for (; i < end; i++) s0 += x[i];
    const mu = (s0 + s1 + (s2 + s3)) / n;
    let q0 = 0, q1 = 0, d0 = 0, d1 = 0;
    const end2 = off + (n & ~1);
    for (i = off; i < end2; i += 2) {
      const a = x[i] - mu;
      const b = x[i + 1] - mu;
      q0 += a * a;
      q1 += b * b;
      d0 += a;
      d1 += b;
    }
    if (i < end) {
      const a = x[i] - mu;
      q0 += a * a;
      d0 += a;
    }
    const ss = q0 + q1;
    const dev = d0 + d1;
    const mean = mu + dev / n;
    means[c] = mean;
    vars[c] = (ss - (dev * dev) / n) / (n - 1);
    if (centred !== undefined) for (i = off; i < end; i++) centred[i] = x[i] - mean;
  }
}

/**
 * Basic R-hat from chain means and variances (m ≥ 2 chains of n ≥ 2 draws):
 * sqrt((B/W + n − 1)/n) with B = n·var(chain means) and W = the mean chain variance.
 */
export function rhatFromMoments(means: Float64Array, vars: Float64Array, m: number, n: number): number {
  let within = 0;
  for (let c = 0; c < m; c++) within += vars[c];
  within /= m;
  const between = n * varianceOf(means, 0, m);
  return Math.sqrt((between / within + n - 1) / n);
}

/**
 * ESS of m chains of n draws stored flat in x (posterior's internal `.ess`, applied to chains
 * that are already split); see {@link geyerEss}. Returns NaN where posterior returns NA
 * (n < 3, non-finite or constant draws). `checked` skips the non-finite/constant test, for
 * callers that have already made it.
 */
export function essFlat(x: Float64Array, m: number, n: number, ws: EssWorkspace = sharedEss, checked = false): number {
  if (n < 3 || m < 1) return NaN;
  if (!checked && shouldReturnNA(x, m * n)) return NaN;
  ws.ensure(m, n);
  chainMoments(x, m, n, ws.chainMeans, ws.chainVars, ws.centred);
  return essOfCentred(m, n, ws, ws.centred);
}

/**
 * ESS of m chains of n draws that {@link chainMoments} has just centred into `centred`
 * (default `ws.centred`), with their means and variances in `ws.chainMeans`, `ws.chainVars`;
 * autocovariances by direct sums.
 */
export function essOfCentred(m: number, n: number, ws: EssWorkspace, centred: Float64Array = ws.centred): number {
  if (n < 3 || m < 1) return NaN;
  const { meanAcov, lags } = ws;
  let y = centred;
  if (!lags.kernel.holds(y)) {
    ws.ensure(m, n);
    y = ws.centred;
    y.set(centred.subarray(0, m * n));
  }
  return geyerEss(m, n, ws, (known) => fillLagsDirect(y, m, n, known, meanAcov, lags));
}

/**
 * ESS of the indicator I(x ≤ q) over m chains of n draws stored flat in x (posterior's
 * `ess_quantile` on split chains), its autocovariances counted rather than multiplied (see
 * {@link IndicatorLags}). NaN when the indicator is constant or n < 3. `sortedBy`, the
 * ascending order of the draws (and possibly of dropped draws stored after them, at indices
 * ≥ m·n) with the sorted values, lets the draws x ≤ q be read off it instead of scanned.
 */
export function essIndicatorFlat(
  x: Float64Array, q: number, m: number, n: number, ws: EssWorkspace = sharedEss,
  sortedBy?: { order: Uint32Array; sorted: Float64Array },
): number {
  if (n < 3 || m < 1) return NaN;
  ws.ensure(m, n);
  const indicator = ws.indicator;
  const ones = sortedBy === undefined ? indicator.set(x, q, m, n) : indicator.setSorted(x, q, m, n, sortedBy.order, sortedBy.sorted);
  if (ones === 0 || ones === m * n) return NaN;
  const { chainMeans, chainVars, centred, meanAcov, lags } = ws;
  for (let c = 0; c < m; c++) {
    const s = indicator.ones[c];
    chainMeans[c] = s / n;
    chainVars[c] = (s * (n - s)) / n / (n - 1);
  }
  return geyerEss(m, n, ws, (known) => indicator.fill(known, meanAcov, centred, lags));
}

/**
 * Geyer's ESS (Vehtari et al. 2021, §3.2 and Appendix A) from the chain means and variances
 * in `ws` and chain-averaged autocovariances γ̂_t that `fill` supplies on demand (given the
 * number of lags known so far, it fills more of `ws.meanAcov` and returns the new count):
 * combined autocorrelations ρ̂_t = 1 − (W − γ̂_t) / var⁺ with W the mean within-chain
 * variance and var⁺ = (n−1)/n·W + var(chain means), truncated by Geyer's initial positive
 * sequence and smoothed by his initial monotone sequence; τ̂ = −1 + 2 Σ_{t<T} ρ̂_t + ρ̂_T,
 * bounded below by 1/log10(mn); ESS = mn/τ̂.
 */
function geyerEss(m: number, n: number, ws: EssWorkspace, fill: (known: number) => number): number {
  const { chainMeans, chainVars, meanAcov: acov, rho } = ws;
  let meanVar = 0; // W
  for (let c = 0; c < m; c++) meanVar += chainVars[c];
  meanVar /= m;
  let varPlus = (meanVar * (n - 1)) / n;
  if (m > 1) varPlus += varianceOf(chainMeans, 0, m);

  // Geyer's initial positive sequence over pairs (ρ̂_{2k}, ρ̂_{2k+1}).
  let known = fill(1); // lags 0..known−1 of acov are filled (lag 0 is W·(n−1)/n, unused)
  let t = 0;
  let rhoEven = 1;
  let rhoOdd = 1 - (meanVar - acov[1]) / varPlus;
  rho[0] = rhoEven;
  rho[1] = rhoOdd;
  while (t < n - 5 && !Number.isNaN(rhoEven + rhoOdd) && rhoEven + rhoOdd > 0) {
    t += 2;
    while (t + 1 >= known) known = fill(known);
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
  // posterior sums rho_hat_t[1:max_t] in R, and 1:0 is c(1, 0): with chains too short for the
  // loop above (n ≤ 5 after splitting) the first term still counts, giving τ̂ = 2.
  if (maxT === 0) sum = rho[0];
  const total = m * n;
  let tau = -1 + 2 * sum + rho[maxT];
  tau = Math.max(tau, 1 / Math.log10(total));
  return total / tau;
}

/**
 * Basic R-hat of m chains of n draws stored flat (posterior's internal `.rhat`):
 * sqrt((B/W + n − 1)/n) with B = n·var(chain means) and W = mean chain variance.
 * NaN where posterior returns NA (fewer than 2 chains or 2 draws, non-finite or constant).
 */
export function rhatFlat(x: Float64Array, m: number, n: number, means?: Float64Array, vars?: Float64Array): number {
  if (m < 2 || n < 2) return NaN;
  const chainMeans = means !== undefined && means.length >= m ? means : new Float64Array(m);
  const chainVars = vars !== undefined && vars.length >= m ? vars : new Float64Array(m);
  const range = drawRange(x, m * n);
  if (!(range >= CONSTANT_TOLERANCE) || range === Infinity) return NaN;
  chainMoments(x, m, n, chainMeans, chainVars);
  return rhatFromMoments(chainMeans, chainVars, m, n);
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
 * then all second halves. Chains of one draw are returned unsplit. Several chains of 2 or 3
 * draws give what R gives for a plain matrix: `x[1:1, ]` drops to a vector, so the result is
 * two "chains", the first draws of every chain and the last ones.
 */
export function splitChains(chains: readonly ArrayLike<number>[]): Float64Array[] {
  const { m, n } = checkChains(chains);
  if (n < 2) return chains.map((c) => Float64Array.from(c));
  const half = Math.floor(n / 2);
  if (half === 1 && m > 1) return [Float64Array.from(chains, (c) => c[0]), Float64Array.from(chains, (c) => c[n - 1])];
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
  return orNull(essFlat(flatten(chains), m, n, sharedEss));
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

/** posterior's `ess_bulk`: ESS of the rank-normalized split chains (±Infinity ranks as any value; NaN gives null). */
export function essBulk(chains: readonly ArrayLike<number>[]): number | null {
  if (hasNaN(chains)) return null;
  return essOfChains(zScaleChains(splitChains(chains)));
}

/**
 * posterior's `ess_quantile` for one probability: ESS of the indicator I(x ≤ q) over the
 * split chains, q being the type-7 quantile of the split draws.
 */
export function essQuantile(chains: readonly ArrayLike<number>[], prob: number): number | null {
  // posterior's `.ess_quantile`: the quantile of all the draws, then the ESS of the indicator
  // over the split chains.
  const all = flatten(chains);
  if (shouldReturnNA(all)) return null;
  const q = quantile(all, prob);
  const split = splitChains(chains);
  const { m, n } = checkChains(split);
  const flat = flatten(split);
  for (let i = 0; i < flat.length; i++) flat[i] = flat[i] <= q ? 1 : 0;
  return orNull(essFlat(flat, m, n, sharedEss));
}

/** posterior's `ess_tail`: the smaller of the 5% and 95% quantile ESS (null if either is). */
export function essTail(chains: readonly ArrayLike<number>[]): number | null {
  const a = essQuantile(chains, 0.05);
  const b = essQuantile(chains, 0.95);
  return a === null || b === null ? null : Math.min(a, b);
}

/**
 * posterior's `rhat`: the larger of the rank-normalized split R-hat of the draws (bulk) and
 * of the draws folded about their median (tails); null if either is undefined (NaN draws, or
 * an infinite median, about which the draws do not fold).
 */
export function rhat(chains: readonly ArrayLike<number>[]): number | null {
  if (hasNaN(chains)) return null;
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

function hasNaN(chains: readonly ArrayLike<number>[]): boolean {
  for (const c of chains) for (let i = 0; i < c.length; i++) if (Number.isNaN(c[i])) return true;
  return false;
}
