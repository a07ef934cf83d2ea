/**
 * The fitters work in the parametrisation of the cross-product blocks: the response shifted by
 * c and the non-constant fixed-effects columns centred by m, where the constant lies in the span
 * of X (γ with Xγ = 1). With X = X_c T, T = I + γm' (m'γ = 0, so det T = 1 and the REML
 * criterion is unchanged) and y − c1 = X_c β' + …, the model's own coefficients are
 * β = T^{-1}(β' + cγ) with T^{-1} = I − γm'. These maps convert between the two.
 */

/** What the maps need: p, the shift c and its direction γ, and the column centres m. */
export interface Reparametrisation {
  p: number;
  yShift: number;
  yShiftDirection: Float64Array;
  xCenter: Float64Array;
}

/** β = (I − γm')(β' + cγ). */
export function toOriginalBeta(r: Reparametrisation, betaPrime: ArrayLike<number>): Float64Array {
  const { p, yShift, yShiftDirection: g, xCenter: m } = r;
  const b = Float64Array.from({ length: p }, (_, j) => betaPrime[j] + yShift * g[j]);
  let mb = 0;
  for (let j = 0; j < p; j++) mb += m[j] * b[j];
  for (let j = 0; j < p; j++) b[j] -= g[j] * mb;
  return b;
}

/** Cov(β) = (I − γm') V (I − mγ') for V = Cov(β'), p×p row-major. */
export function toOriginalCovariance(r: Reparametrisation, V: Float64Array): Float64Array {
  return congruence(r.p, V, r.yShiftDirection, r.xCenter, -1);
}

/** A normal prior's mean for β' from one for β: β' = Tβ − cγ = β + γ(m'β) − cγ. */
export function toPrimeMean(r: Reparametrisation, mean: ArrayLike<number>): Float64Array {
  const { p, yShift, yShiftDirection: g, xCenter: m } = r;
  let mb = 0;
  for (let j = 0; j < p; j++) mb += m[j] * mean[j];
  return Float64Array.from({ length: p }, (_, j) => mean[j] + g[j] * mb - yShift * g[j]);
}

/** A normal prior's covariance for β' from one for β: T V T' with T = I + γm'. */
export function toPrimeCovariance(r: Reparametrisation, V: Float64Array): Float64Array {
  return congruence(r.p, V, r.yShiftDirection, r.xCenter, 1);
}

/** A V A' for A = I + s·γm' (s = ±1), p×p row-major. */
function congruence(p: number, V: Float64Array, g: Float64Array, m: Float64Array, s: number): Float64Array {
  // AV = V + s·γ(m'V); (AV)A' = AV + s·(AV m)γ'.
  const mV = new Float64Array(p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) mV[c] += m[a] * V[a * p + c];
  const AV = Float64Array.from(V, (v, k) => v + s * g[Math.floor(k / p)] * mV[k % p]);
  const AVm = new Float64Array(p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) AVm[a] += AV[a * p + c] * m[c];
  return Float64Array.from(AV, (v, k) => v + s * AVm[Math.floor(k / p)] * g[k % p]);
}
