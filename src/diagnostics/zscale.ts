/**
 * Rank normalization (Vehtari et al. 2021, §4.1; R's `posterior::z_scale`): each draw is
 * replaced by Φ⁻¹((r − 3/8)/(S + 1/4)), where r is its tie-averaged rank among all S draws.
 */
import { normalQuantile } from './qnorm.js';
import { averageRanks } from './ranks.js';

/** Blom's fractional offset used by posterior's `backtransform_ranks`. */
export const RANK_OFFSET = 3 / 8;

/**
 * Normal scores for ranks among S draws, indexed by twice the rank (tie-averaged ranks are
 * multiples of ½), computed once per entry and cached.
 */
export class RankNormalTable {
  readonly size: number;
  /**
   * Scores by twice the rank: entries for whole ranks (even indices) are filled on creation,
   * those for half ranks (ties) on first use; unfilled entries are NaN.
   */
  readonly values: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.values = new Float64Array(2 * size + 1).fill(NaN);
    for (let r = 1; r <= size; r++) this.at(2 * r);
  }

  /** Φ⁻¹((r − 3/8)/(S + 1/4)) for rank r = twiceRank/2. */
  at(twiceRank: number): number {
    let z = this.values[twiceRank];
    if (z !== z) {
      z = normalQuantile((twiceRank / 2 - RANK_OFFSET) / (this.size - 2 * RANK_OFFSET + 1));
      this.values[twiceRank] = z;
    }
    return z;
  }
}

const tables = new Map<number, RankNormalTable>();

/** The shared {@link RankNormalTable} for S draws. */
export function rankNormalTable(size: number): RankNormalTable {
  let t = tables.get(size);
  if (t === undefined) {
    if (tables.size > 16) tables.clear();
    t = new RankNormalTable(size);
    tables.set(size, t);
  }
  return t;
}

/**
 * Rank-normalized values of a pooled sample (as `posterior::z_scale`): normal scores of the
 * tie-averaged ranks among all n values, ±Infinity ranked like any value. NaN stays NaN; as
 * R's rank puts it last, the other values keep their ranks among themselves and the scores
 * still use S = n.
 */
export function zScale(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const table = rankNormalTable(n);
  let nan = 0;
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) nan++;
  if (nan === 0) {
    const ranks = averageRanks(values);
    for (let i = 0; i < n; i++) ranks[i] = table.at(2 * ranks[i]);
    return ranks;
  }
  const out = new Float64Array(n).fill(NaN);
  const index = new Uint32Array(n - nan);
  for (let i = 0, k = 0; i < n; i++) if (!Number.isNaN(values[i])) index[k++] = i;
  const ranks = averageRanks(Float64Array.from(index, (i) => values[i]));
  for (let k = 0; k < index.length; k++) out[index[k]] = table.at(2 * ranks[k]);
  return out;
}
