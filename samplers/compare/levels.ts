import type { MixedModel } from '../../src/model/model.js';

/**
 * Per-level cross-products of one random-effects term: for level j, n_j (rows in the level) and
 * A_j = Z_j'Z_j (q×q), with Z_j the term's columns on the level's rows: what the shrinkage
 * weights and the term's effective degrees of freedom need.
 */
export interface LevelCrossProducts {
  q: number;
  /** Observations per level. */
  n: Int32Array;
  /** Z_j'Z_j per level, level-major q×q (level j at j·q²). */
  ZtZ: Float64Array;
}

/** Term k's per-level cross-products, read from the model's cross-product blocks. */
export function levelCrossProducts(model: MixedModel, k: number): LevelCrossProducts {
  const { q, levelCounts } = model.terms[k];
  return { q, n: Int32Array.from(levelCounts), ZtZ: model.crossprod.terms[k].ZtZ };
}
