/**
 * Chain-averaged autocovariances for the ESS estimator, computed lazily: Geyer's initial
 * positive sequence (Vehtari et al. 2021, eq. 10–11) usually truncates after a few dozen
 * lags, so lags are filled on demand, a few at a time, instead of all n at once.
 *
 * Every filler writes the "biased" estimator averaged over the m chains,
 *   acov[k] = (1/m) Σ_c (1/n) Σ_{t<n−k} y_{c,t} y_{c,t+k},
 * with y the draws centred on their chain means, and returns the new number of known lags.
 * Beyond {@link DIRECT_LAGS} lags (very slowly mixing chains) all lags come from the FFT.
 */
import { FftWorkspace, autocovariancePair } from './fft.js';
import { KERNEL_LAGS, LagKernel } from './lagKernel.js';

/**
 * Lags up to which autocovariances are summed directly (O(n) each) before switching to the
 * FFT for all lags. Both give the same estimator; the direct sums are cheaper while Geyer's
 * truncation comes early, which it does for all but very slowly mixing chains.
 */
export const DIRECT_LAGS = 256;

/** Lags of the indicator draws counted per visit of the minority draws (see {@link IndicatorLags.fill}). */
const INDICATOR_LAGS = 8;

/** The direct sums' kernel, and buffers for the FFT fallback. */
export class LagWorkspace {
  kernel = new LagKernel();
  acovA = new Float64Array(0);
  acovB = new Float64Array(0);
  readonly fft = new FftWorkspace();

  /** Make the buffers hold the lags of chains of n draws. */
  ensure(n: number): void {
    if (this.acovA.length < n) {
      this.acovA = new Float64Array(n);
      this.acovB = new Float64Array(n);
    }
  }
}

/**
 * Fill more lags of the chain-averaged autocovariance of the centred draws y (m chains of n,
 * chain after chain), from lag `known` on: the next {@link KERNEL_LAGS} lags by direct sums,
 * or every lag by FFT once {@link DIRECT_LAGS} lags are known. Returns the new count. y must
 * be the series buffer of `ws.kernel` (see {@link LagKernel.series}).
 */
export function fillLagsDirect(y: Float64Array, m: number, n: number, known: number, acov: Float64Array, ws: LagWorkspace): number {
  if (known >= DIRECT_LAGS) {
    allLagsByFft(y, m, n, acov, ws);
    return n;
  }
  if (known + KERNEL_LAGS <= n) {
    if (!ws.kernel.holds(y)) throw new Error('fillLagsDirect: the draws must be in the lag kernel\'s buffer');
    ws.kernel.lags(m, n, known, acov);
    return known + KERNEL_LAGS;
  }
  for (let k = known; k < n; k++) acov[k] = singleLag(y, m, n, k);
  return n;
}

/** Chain-averaged autocovariance at one lag k < n, by direct sums. */
function singleLag(y: Float64Array, m: number, n: number, k: number): number {
  let s = 0;
  for (let c = 0; c < m; c++) {
    const off = c * n;
    const end = off + n - k;
    let cs = 0;
    for (let i = off; i < end; i++) cs += y[i] * y[i + k];
    s += cs / n;
  }
  return s / m;
}

/** Every lag of the chain-averaged autocovariance of centred y by FFT, two chains per transform. */
export function allLagsByFft(y: Float64Array, m: number, n: number, acov: Float64Array, ws: LagWorkspace): void {
  ws.ensure(n);
  acov.fill(0, 0, n);
  const a = ws.acovA;
  const b = ws.acovB;
  for (let c = 0; c < m; c += 2) {
    const first = y.subarray(c * n, (c + 1) * n);
    if (c + 1 < m) {
      autocovariancePair(first, y.subarray((c + 1) * n, (c + 2) * n), a, b, ws.fft);
      for (let k = 0; k < n; k++) acov[k] += a[k] + b[k];
    } else {
      b.fill(0, 0, n);
      autocovariancePair(first, b.subarray(0, n), a, b, ws.fft);
      for (let k = 0; k < n; k++) acov[k] += a[k];
    }
  }
  for (let k = 0; k < n; k++) acov[k] /= m;
}

/**
 * The indicator draws b = I(x ≤ q) of m chains of n draws (posterior's `ess_quantile`,
 * Vehtari et al. 2021 §4.3), whose autocovariances need no multiplications: with s ones in
 * a chain and μ = s/n,
 *   Σ_{t<n−k} (b_t − μ)(b_{t+k} − μ) = C_k − μ(A_k + B_k) + (n − k)μ²,
 * where C_k counts pairs of ones k apart, A_k the ones among the first n − k draws and B_k
 * those among the last n − k. C_k is found by visiting only the ones; a chain with more ones
 * than zeros is complemented first (b → 1 − b negates b − μ, leaving every product as it is),
 * so each lag costs at most n/2 lookups per chain, and about n/20 for the 5% and 95%
 * quantiles. A_k and B_k follow from A_{k−1} and B_{k−1} by looking at the one draw that
 * leaves each window, so the minority draws may be listed in any order.
 */
export class IndicatorLags {
  private m = 0;
  private n = 0;
  private x: Float64Array = new Float64Array(0);
  private q = 0;
  /** Indices (into x) of each chain's minority draws, chain after chain (in any order within a chain). */
  private positions = new Uint32Array(0);
  /** Chain c's minority draws are positions[starts[c] .. starts[c+1]). */
  private starts = new Uint32Array(0);
  /** Per chain: 1 if its minority value is 0 (the chain is complemented), else 0. */
  private flip = new Uint8Array(0);
  /** Per draw: 1 if it is a minority draw of its chain (a compact copy of the indicator, complemented where the chain is). */
  private minority = new Uint8Array(0);
  /**
   * Per chain, at the current lag k: the minority draws among the chain's first n − k draws
   * (A_k), and among its last n − k (B_k).
   */
  private firstWindow = new Uint32Array(0);
  private lastWindow = new Uint32Array(0);
  /** Per chain, scratch of {@link setSorted}: visited draws, and where the next one goes. */
  private counts = new Uint32Array(0);
  private cursor = new Uint32Array(0);
  /** Lag the windows were advanced to. */
  private lag = 0;
  /** Scratch of {@link fill}: pair counts of one chain, and the chains' sums, per lag of a block. */
  private readonly pairs = new Float64Array(INDICATOR_LAGS);
  private readonly sums = new Float64Array(INDICATOR_LAGS);
  /** Per chain: the number of ones of the original indicator. */
  ones = new Float64Array(0);

  /**
   * Record the indicator of x ≤ q for the m chains of n draws in x (chain after chain; x
   * must stay unchanged while this object is used) and return the total number of ones.
   */
  set(x: Float64Array, q: number, m: number, n: number): number {
    this.prepare(x, q, m, n);
    const { starts, ones } = this;
    let count = 0;
    let all = 0;
    for (let c = 0; c < m; c++) {
      starts[c] = count;
      count = this.scanChain(c, count);
      all += ones[c];
    }
    starts[m] = count;
    this.openWindows();
    return all;
  }

  /**
   * As {@link set}, but reading the draws x ≤ q off their ascending order instead of scanning
   * x: `order` sorts the first `order.length` stored draws (indices ≥ m·n, draws dropped by the
   * split, are skipped) and `sorted` holds their values in that order. Only the side of q with
   * fewer draws (typically 5%) is visited and bucketed by chain; a chain in which that side is
   * not the minority is scanned as in {@link set}.
   */
  setSorted(x: Float64Array, q: number, m: number, n: number, order: Uint32Array, sorted: Float64Array): number {
    const total = order.length;
    const kept = m * n;
    this.prepare(x, q, m, n);
    const { positions, starts, ones, flip, counts, cursor } = this;
    // r = number of stored draws ≤ q (upper bound by binary search).
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= q) lo = mid + 1;
      else hi = mid;
    }
    const onesSide = lo <= total - lo; // visit the ones (x ≤ q) rather than the zeros
    const from = onesSide ? 0 : lo;
    const to = onesSide ? lo : total;
    // Count that side's draws per chain.
    counts.fill(0, 0, m);
    for (let i = from; i < to; i++) {
      const p = order[i];
      if (p < kept) counts[(p / n) | 0]++;
    }
    // Lay out each chain's slice of positions: the visited side where it is the minority,
    // else a scan of the chain.
    let count = 0;
    let all = 0;
    for (let c = 0; c < m; c++) {
      const side = counts[c];
      starts[c] = count;
      if (2 * side < n) {
        ones[c] = onesSide ? side : n - side;
        flip[c] = onesSide ? 0 : 1;
        cursor[c] = count;
        count += side;
      } else {
        count = this.scanChain(c, count);
      }
      all += ones[c];
    }
    starts[m] = count;
    for (let i = from; i < to; i++) {
      const p = order[i];
      if (p >= kept) continue;
      const c = (p / n) | 0;
      if (2 * counts[c] < n) positions[cursor[c]++] = p;
    }
    this.openWindows();
    return all;
  }

  /** Size the buffers for m chains of n draws and record the draws and the threshold. */
  private prepare(x: Float64Array, q: number, m: number, n: number): void {
    if (this.positions.length < m * n) {
      this.positions = new Uint32Array(m * n);
      this.minority = new Uint8Array(m * n);
    }
    if (this.starts.length < m + 1) {
      this.starts = new Uint32Array(m + 1);
      this.flip = new Uint8Array(m);
      this.firstWindow = new Uint32Array(m);
      this.lastWindow = new Uint32Array(m);
      this.counts = new Uint32Array(m);
      this.cursor = new Uint32Array(m);
      this.ones = new Float64Array(m);
    }
    this.m = m;
    this.n = n;
    this.x = x;
    this.q = q;
    this.lag = 0;
  }

  /** Mark the minority draws; at lag 0 both windows hold every one of them. */
  private openWindows(): void {
    const { m, positions, starts, minority } = this;
    minority.fill(0, 0, m * this.n);
    for (let i = 0; i < starts[m]; i++) minority[positions[i]] = 1;
    for (let c = 0; c < m; c++) {
      const count = starts[c + 1] - starts[c];
      this.firstWindow[c] = count;
      this.lastWindow[c] = count;
    }
  }

  /** Scan chain c of x for its minority draws, writing them at positions[count ..]; returns the new count. */
  private scanChain(c: number, count: number): number {
    const { x, q, n, positions } = this;
    const off = c * n;
    const end = off + n;
    let s = 0;
    for (let i = off; i < end; i++) s += +(x[i] <= q);
    this.ones[c] = s;
    // The minority value: 1, or 0 when ones are the majority (the chain is complemented).
    const f = 2 * s > n ? 1 : 0;
    this.flip[c] = f;
    for (let i = off; i < end; i++) if (+(x[i] <= q) !== f) positions[count++] = i;
    return count;
  }

  /**
   * Fill the next lags (up to eight, from lag `known`) of the chain-averaged autocovariance, or
   * every lag by FFT once {@link DIRECT_LAGS} are known; returns the new count of known lags.
   * `centred` is scratch space of m·n values.
   */
  fill(known: number, acov: Float64Array, centred: Float64Array, ws: LagWorkspace): number {
    const { m, n } = this;
    if (known >= DIRECT_LAGS || known !== this.lag + 1) {
      this.centre(centred);
      allLagsByFft(centred, m, n, acov, ws);
      return n;
    }
    // Lags k0 .. k0 + count − 1 in one visit of the minority draws.
    const k0 = known;
    const count = Math.min(INDICATOR_LAGS, n - k0);
    this.lag = k0 + count - 1;
    const { positions, starts, minority: isMinority, firstWindow, lastWindow, pairs, sums } = this;
    sums.fill(0);
    for (let c = 0; c < m; c++) {
      const first = starts[c];
      const stop = starts[c + 1];
      const minority = stop - first;
      if (minority === 0) continue;
      const off = c * n;
      const end = off + n;
      // Pairs of minority draws k apart, k = k0 .. k0 + 7: visit the minority draws, and count
      // the minority draws among their next partners (those past the chain's end do not pair).
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
      pairs.fill(0);
      for (let p = first; p < stop; p++) {
        const j = positions[p] + k0;
        if (j + 7 < end) {
          c0 += isMinority[j];
          c1 += isMinority[j + 1];
          c2 += isMinority[j + 2];
          c3 += isMinority[j + 3];
          c4 += isMinority[j + 4];
          c5 += isMinority[j + 5];
          c6 += isMinority[j + 6];
          c7 += isMinority[j + 7];
        } else {
          for (let q = 0; j + q < end && q < INDICATOR_LAGS; q++) pairs[q] += isMinority[j + q];
        }
      }
      pairs[0] += c0;
      pairs[1] += c1;
      pairs[2] += c2;
      pairs[3] += c3;
      pairs[4] += c4;
      pairs[5] += c5;
      pairs[6] += c6;
      pairs[7] += c7;
      const mu = minority / n;
      for (let q = 0; q < count; q++) {
        const k = k0 + q;
        // Draw end − k leaves the first n − k draws, draw off + k − 1 the last n − k.
        const a = (firstWindow[c] -= isMinority[end - k]);
        const b = (lastWindow[c] -= isMinority[off + k - 1]);
        sums[q] += (pairs[q] - mu * (a + b) + (n - k) * mu * mu) / n;
      }
    }
    for (let q = 0; q < count; q++) acov[k0 + q] = sums[q] / m;
    return k0 + count;
  }

  /** Write the indicator draws centred on their chain means (the FFT fallback's input). */
  private centre(out: Float64Array): void {
    const { m, n, x, q, ones } = this;
    for (let c = 0; c < m; c++) {
      const mu = ones[c] / n;
      for (let i = c * n; i < (c + 1) * n; i++) out[i] = +(x[i] <= q) - mu;
    }
  }
}
