/**
 * Fast Fourier transform (iterative radix-2 Cooley–Tukey) and FFT-based autocovariance.
 *
 * Autocovariances use the "biased" estimator recommended by Geyer (1992) and used by R's
 * `posterior::autocovariance`: γ̂(k) = (1/n) Σ_{t=0}^{n−1−k} (x_t − x̄)(x_{t+k} − x̄), computed by
 * zero-padding the centred series to a power of two ≥ 2n (so the circular correlation equals
 * the linear one), transforming, taking |X|² and transforming back.
 */

interface Twiddles {
  cos: Float64Array;
  sin: Float64Array;
  rev: Uint32Array;
}

const twiddleCache = new Map<number, Twiddles>();

function twiddles(n: number): Twiddles {
  let t = twiddleCache.get(n);
  if (t === undefined) {
    const half = n >> 1;
    const cos = new Float64Array(half);
    const sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = (-2 * Math.PI * k) / n;
      cos[k] = Math.cos(a);
      sin[k] = Math.sin(a);
    }
    const rev = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      rev[i] = r >>> 0;
    }
    t = { cos, sin, rev };
    twiddleCache.set(n, t);
  }
  return t;
}

/** Whether n is a power of two (1, 2, 4, …). */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/** Smallest power of two ≥ n (n ≥ 1). */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * In-place discrete Fourier transform of the complex sequence (re, im), whose length must
 * be a power of two: X_k = Σ_j x_j exp(∓2πi jk/n), with the minus sign unless `inverse`.
 * The inverse is not scaled (divide by n yourself), as R's `fft(z, inverse = TRUE)`.
 */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new Error('fft: re and im differ in length');
  if (!isPowerOfTwo(n)) throw new Error(`fft: length ${n} is not a power of two`);
  if (n === 1) return;
  const { cos, sin: sinTable, rev } = twiddles(n);
  const sign = inverse ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  // First stage (size 2): twiddle 1.
  for (let a = 0; a < n; a += 2) {
    const b = a + 1;
    const xr = re[b];
    const xi = im[b];
    re[b] = re[a] - xr;
    im[b] = im[a] - xi;
    re[a] += xr;
    im[a] += xi;
  }
  for (let size = 4; size <= n; size *= 2) {
    const half = size >> 1;
    const step = n / size;
    // Load each twiddle once and apply it to every block of this stage.
    for (let k = 0, w = 0; k < half; k++, w += step) {
      const wr = cos[w];
      const wi = sign * sinTable[w];
      for (let a = k; a < n; a += size) {
        const b = a + half;
        const br = re[b];
        const bi = im[b];
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** Reusable buffers for {@link autocovariancePair}. */
export class FftWorkspace {
  re = new Float64Array(0);
  im = new Float64Array(0);

  /** Buffers of exactly length m (a power of two), zero-filled. */
  buffers(m: number): { re: Float64Array; im: Float64Array } {
    if (this.re.length !== m) {
      this.re = new Float64Array(m);
      this.im = new Float64Array(m);
    } else {
      this.re.fill(0);
      this.im.fill(0);
    }
    return { re: this.re, im: this.im };
  }
}

const sharedFft = new FftWorkspace();

/**
 * Biased autocovariances of two already-centred real series a and b of equal length n, at
 * every lag 0..n−1, written to outA and outB. Both series go through one complex transform
 * (a in the real part, b in the imaginary part) and one inverse: the power spectra |A|² and
 * |B|² are real and even, so the inverse of |A|² + i|B|² has γ_a in its real part and γ_b in
 * its imaginary part.
 */
export function autocovariancePair(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  outA: Float64Array,
  outB: Float64Array,
  ws: FftWorkspace = sharedFft,
): void {
  const n = a.length;
  if (n === 0) return;
  const m = nextPowerOfTwo(2 * n);
  const { re, im } = ws.buffers(m);
  for (let i = 0; i < n; i++) {
    re[i] = a[i];
    im[i] = b[i];
  }
  fft(re, im);
  // Separate: A_k = (Z_k + conj Z_{m−k})/2, B_k = (Z_k − conj Z_{m−k})/(2i).
  // Power spectra: |A_k|² and |B_k|², both symmetric in k ↔ m−k, so handle pairs together.
  for (let k = 0; k <= m >> 1; k++) {
    const j = (m - k) & (m - 1);
    const zr = re[k];
    const zi = im[k];
    const wr = re[j];
    const wi = im[j];
    const ar = (zr + wr) / 2;
    const ai = (zi - wi) / 2;
    const br = (zi + wi) / 2;
    const bi = (wr - zr) / 2;
    const pa = ar * ar + ai * ai;
    const pb = br * br + bi * bi;
    re[k] = pa;
    im[k] = pb;
    re[j] = pa;
    im[j] = pb;
  }
  fft(re, im, true);
  const scale = 1 / (m * n);
  for (let k = 0; k < n; k++) {
    outA[k] = re[k] * scale;
    outB[k] = im[k] * scale;
  }
}

/**
 * Biased autocovariance of x at lags 0..n−1 (as R's `posterior::autocovariance`): the series
 * is centred on its mean, so γ̂(0) is the variance with denominator n.
 */
export function autocovariance(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const m = s / n;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i] - m;
  autocovariancePair(y, new Float64Array(n), out, new Float64Array(n));
  return out;
}
