import type { ReTerm } from '../../src/model/model.js';

/**
 * Per-level cross-products of one random-effects term: for level j, n_j (rows in the level),
 * A_j = Z_j'Z_j (q×q) and Z_j'y_j, with Z_j the term's columns on the level's rows. These are the
 * only data the level's own least squares and the term's effective degrees of freedom need.
 */
export interface LevelCrossProducts {
  q: number;
  /** Observations per level. */
  n: Int32Array;
  /** Z_j'Z_j per level, level-major q×q (level j at j·q²). */
  ZtZ: Float64Array;
  /** Z_j'y_j per level, level-major (level j at j·q). */
  Zty: Float64Array;
}

/** One pass over the rows: the per-level cross-products of `term` with the response `y`. */
export function levelCrossProducts(term: ReTerm, y: Float64Array): LevelCrossProducts {
  const { q, nlevels, refs, Z } = term;
  const n = new Int32Array(nlevels);
  const ZtZ = new Float64Array(nlevels * q * q);
  const Zty = new Float64Array(nlevels * q);
  for (let i = 0; i < refs.length; i++) {
    const j = refs[i];
    n[j]++;
    const zo = i * q;
    const ao = j * q * q;
    for (let r = 0; r < q; r++) {
      const zr = Z[zo + r];
      Zty[j * q + r] += zr * y[i];
      for (let c = 0; c < q; c++) ZtZ[ao + r * q + c] += zr * Z[zo + c];
    }
  }
  return { q, n, ZtZ, Zty };
}
