/**
 * The one pass over the rows (src/model/crossprod.ts): the WebAssembly kernel's blocks against
 * the plain JavaScript loop it replaced (kept here as the reference), bit for bit, with prior
 * weights, crossed terms, zero entries of Z and more rows than one chunk (16,384).
 */
import { describe, expect, it } from 'vitest';
import { crossProducts, type CrossProductInput } from '../../src/model/crossprod.js';

/** The blocks by the JavaScript loop crossprod.ts had before its kernel (one pass, row order). */
function referenceBlocks(input: CrossProductInput): { XytXy: Float64Array; ZtZ: Float64Array[]; ZtXy: Float64Array[] } {
  const { n, y, yShift, X, p, terms } = input;
  const weights = input.weights ?? null;
  const P = p + 1;
  const ZtZ = terms.map((t) => new Float64Array(t.nlevels * t.q * t.q));
  const ZtXy = terms.map((t) => new Float64Array(t.nlevels * t.q * P));
  const XytXy = new Float64Array(P * P);
  const xy = new Float64Array(P);
  const wxy = weights ? new Float64Array(P) : xy;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) xy[a] = X[i * p + a];
    xy[p] = y[i] - yShift;
    const w = weights ? weights[i] : 1;
    if (weights) for (let a = 0; a < P; a++) wxy[a] = w * xy[a];
    for (let a = 0; a < P; a++) {
      const xa = wxy[a];
      if (xa === 0) continue;
      for (let b = a; b < P; b++) XytXy[a * P + b] += xa * xy[b];
    }
    terms.forEach(({ refs, Z, q }, k) => {
      const level = refs[i];
      for (let r = 0; r < q; r++) {
        const zr = Z[i * q + r];
        if (zr === 0) continue;
        for (let c = 0; c < q; c++) ZtZ[k][level * q * q + r * q + c] += w * zr * Z[i * q + c];
        for (let c = 0; c < P; c++) ZtXy[k][level * q * P + r * P + c] += zr * wxy[c];
      }
    });
  }
  for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) XytXy[a * P + b] = XytXy[b * P + a];
  return { XytXy, ZtZ, ZtXy };
}

/** n rows, p columns of X, a slope term on 37 levels and an intercept term on 11 (deterministic LCG). */
function input(n: number, weighted: boolean): CrossProductInput {
  let state = 7;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const p = 3;
  const X = Float64Array.from({ length: n * p }, (_, k) => (k % p === 0 ? 1 : k % p === 1 ? 1000 + next() : next() < 0.3 ? 0 : next() - 0.5));
  const y = Float64Array.from({ length: n }, () => 50 + 10 * next());
  const g = Int32Array.from({ length: n }, () => Math.floor(next() * 37));
  const h = Int32Array.from({ length: n }, () => Math.floor(next() * 11));
  const Zg = Float64Array.from({ length: 2 * n }, (_, k) => (k % 2 === 0 ? 1 : next() < 0.2 ? 0 : next()));
  const Zh = new Float64Array(n).fill(1);
  return {
    n,
    y,
    yShift: 55,
    X,
    p,
    terms: [
      { refs: g, Z: Zg, q: 2, nlevels: 37 },
      { refs: h, Z: Zh, q: 1, nlevels: 11 },
    ],
    weights: weighted ? Float64Array.from({ length: n }, () => 0.5 + next()) : null,
  };
}

describe('crossProducts', () => {
  for (const [n, weighted] of [[1000, false], [1000, true], [40000, false], [40000, true]] as const) {
    it(`gives the JavaScript loop's blocks bit for bit (${n} rows${weighted ? ', weighted' : ''})`, () => {
      const data = input(n, weighted);
      const got = crossProducts(data);
      const want = referenceBlocks(data);
      expect(got.XytXy).toEqual(want.XytXy);
      got.terms.forEach((t, k) => {
        expect(t.ZtZ).toEqual(want.ZtZ[k]);
        expect(t.ZtXy).toEqual(want.ZtXy[k]);
      });
      // The crossed pair: every (level of g, level of h) that occurs, and the Z products summed.
      const cross = got.cross[1][0];
      let total = 0;
      for (const v of cross.values) total += v;
      let expected = 0;
      for (let i = 0; i < n; i++) expected += (weighted ? data.weights![i] : 1) * (data.terms[0].Z[2 * i] + data.terms[0].Z[2 * i + 1]);
      expect(total).toBeCloseTo(expected, 6);
    });
  }
});
