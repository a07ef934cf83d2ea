/**
 * The column transforms of `poly()` and `scale()` as R computes them, and their "prediction
 * variables" (R's `makepredictcall`): the coefficients found on the training rows, which new data
 * must reuse so that a prediction sees the same basis as the fit.
 */
import { LmmError } from '../errors.js';

/** Coefficients of a transform, fixed at the fit. */
export type Transform =
  /**
   * Orthogonal polynomials (R's `attr(poly(x, k), "coefs")`): `alpha` (length k) and `norm2`
   * (length k + 2, starting `1, n`), for the three-term recurrence.
   */
  | { kind: 'poly'; alpha: number[]; norm2: number[] }
  /** `scale()`: the centre and scale used (null: not centred / not scaled). */
  | { kind: 'scale'; center: number | null; scale: number | null };

/**
 * R's `poly(x, degree)` on the fitting rows: the orthogonal polynomial basis of degree
 * 1..degree, each column of unit length and orthogonal to the constant and to the others.
 *
 * Column j is the residual of (x − x̄)^j after projection on the constant and columns 1..j−1,
 * scaled to unit length: R forms it from the QR decomposition of [1, x − x̄, …, (x − x̄)^k] as
 * Q·diag(R), which is that residual whatever the signs of the Householder vectors. Here it is
 * built by the Stieltjes (Lanczos) recursion instead: orthogonalising (x − x̄)·p_{j−1} (monic in
 * x − x̄, so the same residual) against all earlier columns, twice (modified Gram–Schmidt with
 * re-orthogonalisation), which avoids the ill-conditioned powers of x.
 *
 * @throws LmmError naming `label` when x has a missing value (R refuses them too) or fewer
 *   distinct values than degree + 1.
 */
export function polyBasis(x: Float64Array, degree: number, label: string): { columns: Float64Array[]; transform: Transform } {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(x[i])) {
      throw new LmmError('data', `${label}: missing values are not allowed in 'poly' (R refuses them too); drop the rows with a missing value in its column first`);
    }
  }
  const distinct = new Set(x).size;
  if (degree >= distinct) {
    throw new LmmError('data', `${label}: the degree (${degree}) must be less than the number of distinct values (${distinct})`);
  }
  let xbar = 0;
  for (let i = 0; i < n; i++) xbar += x[i];
  xbar /= n;
  const xc = Float64Array.from(x, (v) => v - xbar);
  // p[0] = 1, p[j] the monic orthogonal polynomial of degree j in xc (unnormalised).
  const p: Float64Array[] = [new Float64Array(n).fill(1)];
  const norm2 = [1, n];
  const alpha: number[] = [];
  for (let j = 1; j <= degree; j++) {
    const prev = p[j - 1];
    const v = Float64Array.from(xc, (c, i) => c * prev[i]);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const pk = p[k];
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * pk[i];
        const coef = dot / norm2[k + 1];
        for (let i = 0; i < n; i++) v[i] -= coef * pk[i];
      }
    }
    p.push(v);
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    norm2.push(s);
  }
  // alpha_j = Σ x p_j² / Σ p_j², j = 0..degree−1 (R: colSums(x * Z^2) / norm2 + xbar).
  for (let j = 0; j < degree; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xc[i] * p[j][i] * p[j][i];
    alpha.push(s / norm2[j + 1] + xbar);
  }
  const columns = p.slice(1).map((v, j) => {
    const scale = Math.sqrt(norm2[j + 2]);
    return Float64Array.from(v, (e) => e / scale);
  });
  return { columns, transform: { kind: 'poly', alpha, norm2 } };
}

/**
 * R's `predict(poly(...), newdata)`: the basis of the fit evaluated at new x by the three-term
 * recurrence p_{j+1} = (x − α_j) p_j − (‖p_j‖²/‖p_{j−1}‖²) p_{j−1}. Missing x gives NaN rows.
 */
export function polyPredict(x: Float64Array, transform: Extract<Transform, { kind: 'poly' }>): Float64Array[] {
  const { alpha, norm2 } = transform;
  const degree = alpha.length;
  const n = x.length;
  const p: Float64Array[] = [new Float64Array(n).fill(1), Float64Array.from(x, (v) => v - alpha[0])];
  for (let j = 1; j < degree; j++) {
    const ratio = norm2[j + 1] / norm2[j];
    const a = alpha[j];
    const pj = p[j];
    const pm = p[j - 1];
    p.push(Float64Array.from(x, (v, i) => (v - a) * pj[i] - ratio * pm[i]));
  }
  return p.slice(1).map((v, j) => {
    const scale = Math.sqrt(norm2[j + 2]);
    return Float64Array.from(v, (e) => e / scale);
  });
}

/** R's `poly(x, degree, raw = TRUE)`: the powers x, x², …, x^degree. */
export function rawPolynomials(x: Float64Array, degree: number): Float64Array[] {
  const out: Float64Array[] = [];
  let power = Float64Array.from(x);
  out.push(power);
  for (let j = 2; j <= degree; j++) {
    const prev = power;
    power = Float64Array.from(x, (v, i) => prev[i] * v);
    out.push(power);
  }
  return out;
}

/**
 * R's `scale(x, center, scale)` on one column: `center` true subtracts the mean of the
 * non-missing values (R's `colMeans(x, na.rm = TRUE)`), a number subtracts that number; `scale`
 * true divides by sqrt(Σ x²/(m − 1)) over the m non-missing (centred) values, which is the
 * standard deviation when centred; a number divides by that number. Missing values stay missing.
 */
export function scaleColumn(x: Float64Array, center: boolean | number, scale: boolean | number): { values: Float64Array; transform: Transform } {
  let m = 0;
  let c: number | null = null;
  if (center === true) {
    let s = 0;
    for (const v of x) if (!Number.isNaN(v)) {
      s += v;
      m++;
    }
    c = s / m;
  } else if (typeof center === 'number') {
    c = center;
  }
  const values = c === null ? Float64Array.from(x) : Float64Array.from(x, (v) => v - (c as number));
  let d: number | null = null;
  if (scale === true) {
    let s = 0;
    m = 0;
    for (const v of values) if (!Number.isNaN(v)) {
      s += v * v;
      m++;
    }
    d = Math.sqrt(s / Math.max(1, m - 1));
  } else if (typeof scale === 'number') {
    d = scale;
  }
  if (d !== null) for (let i = 0; i < values.length; i++) values[i] /= d;
  return { values, transform: { kind: 'scale', center: c, scale: d } };
}

/** `scale()` with the centre and scale of the fit. */
export function scaleWith(x: Float64Array, transform: Extract<Transform, { kind: 'scale' }>): Float64Array {
  const { center, scale } = transform;
  return Float64Array.from(x, (v) => (v - (center ?? 0)) / (scale ?? 1));
}
