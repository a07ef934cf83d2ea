/**
 * Posterior summaries of MCMC draws, as R's `posterior::summarise_draws` (1.4.0) reports them
 * with its default measures plus `mcse_mean`: mean, median, sd, mad, q5, q95 (all draws
 * pooled), rhat, ess_bulk, ess_tail (Vehtari et al. 2021) and mcse_mean.
 *
 * One sort per parameter does most of the work: the ascending order of the pooled draws gives
 * the median and quantiles, the ranks of the split draws (rank normalization), and, merged
 * outward from the median, the order of the folded draws |x − median| (MAD and tail R-hat);
 * the draws below the 5% and above the 95% quantile (tail ESS) are read off it too. The
 * autocovariances behind every ESS are computed only up to the lag where Geyer's sequence
 * truncates (see lags.ts), those of the tail indicators by counting rather than multiplying.
 * The sort, the scores and the sums run in WebAssembly (rankKernel.ts, lagKernel.ts), on
 * buffers of one memory per chain layout; ties among the draws or the folded draws are
 * ranked here.
 */
import { LmmError } from '../errors.js';
import {
  EssWorkspace, CONSTANT_TOLERANCE, essIndicatorFlat, essOfCentred, rhatFromMoments,
} from './ess.js';
import { LagKernel } from './lagKernel.js';
import { RankKernel } from './rankKernel.js';
import { MAX_KERNEL_BYTES, kernelMemory } from './wasm.js';
import { SORT_KERNEL_MIN, SortWorkspace, sortOrder } from './ranks.js';
import { MAD_CONSTANT, medianSorted, quantileSorted } from './stats.js';
import { rankNormalTable, type RankNormalTable } from './zscale.js';

/** The ten statistics of one parameter; null where posterior gives NA (or a non-finite value). */
export interface SummaryRow {
  mean: number | null;
  median: number | null;
  sd: number | null;
  mad: number | null;
  q5: number | null;
  q95: number | null;
  rhat: number | null;
  ess_bulk: number | null;
  ess_tail: number | null;
  mcse_mean: number | null;
}

/** v, or null where it is not finite; −0 reads as 0 (the sort and the ranks treat them as equal). */
const fin = (v: number): number | null => (Number.isFinite(v) ? v + 0 : null);

function nullRow(): SummaryRow {
  return {
    mean: null, median: null, sd: null, mad: null, q5: null, q95: null,
    rhat: null, ess_bulk: null, ess_tail: null, mcse_mean: null,
  };
}

/**
 * Summarises many parameters with the same chain layout, reusing its buffers (no per-draw
 * allocation). Not safe to share between concurrent callers.
 */
export class DrawsSummarizer {
  private chains = -1;
  private length = -1;
  private x = new Float64Array(0);
  private sorted = new Float64Array(0);
  private order = new Uint32Array(0);
  /** Scratch for the positions of a run of tied folded draws. */
  private runs = new Uint32Array(0);
  private kept = 0;
  private z = new Float64Array(0);
  /** Whether the last {@link foldedScores} found every kept folded draw tied. */
  private foldedConstant = false;
  private means = new Float64Array(0);
  private vars = new Float64Array(0);
  private table: RankNormalTable | undefined;
  private readonly sortWs = new SortWorkspace();
  /** The sort workspace's kernel, whose memory holds x, order, sorted and scores. */
  private ranker!: RankKernel;
  /** The ESS workspace's kernel, in the same memory (its series buffer is z). */
  private lagger!: LagKernel;
  /** Rank-normalized (folded) draws of the kept draws, in split layout. */
  private scores = new Float64Array(0);
  /** Mean and variance of all the draws, from {@link LagKernel.moments}. */
  private readonly overallMean = new Float64Array(1);
  private readonly overallVar = new Float64Array(1);
  private readonly essWs = new EssWorkspace();

  private shape(chains: number, length: number): void {
    if (chains === this.chains && length === this.length) return;
    const total = chains * length;
    const half = Math.floor(length / 2);
    const kept = 2 * chains * half;
    this.kept = kept;
    const m = 2 * chains;
    // One WebAssembly memory for both kernels: the draws, their order, the sorted draws and the
    // scores (rank kernel); the centred series whose lags the ESS sums (lag kernel), whose
    // chain moments are computed from any of the others.
    const rankBytes = RankKernel.bytes(total);
    const bytes = rankBytes + LagKernel.bytes(kept, m);
    if (bytes > MAX_KERNEL_BYTES) {
      const most = Math.floor(MAX_KERNEL_BYTES / (bytes / total) / 1e6);
      throw new LmmError('data', `a parameter has ${total} draws; the summaries take at most about ${most} million per parameter`);
    }
    const memory = kernelMemory(bytes);
    const ranker = new RankKernel(total, { memory, at: 0 });
    this.ranker = ranker;
    this.sortWs.useKernel(ranker);
    this.lagger = new LagKernel({ memory, at: rankBytes, length: kept, chains: m });
    this.essWs.useKernel(this.lagger);
    this.x = ranker.values.subarray(0, total);
    this.sorted = ranker.sorted.subarray(0, total);
    this.order = ranker.order.subarray(0, total);
    this.runs = new Uint32Array(total);
    this.means = new Float64Array(m);
    this.vars = new Float64Array(m);
    this.essWs.ensure(m, half);
    this.z = this.essWs.centred;
    this.table = kept > 0 ? rankNormalTable(kept) : undefined;
    this.scores = ranker.scoresOut.subarray(0, kept);
    // The rank kernel's scores of whole ranks (entry 0 is not used).
    if (this.table !== undefined) for (let r = 0; r <= kept; r++) ranker.whole[r] = this.table.values[2 * r];
    this.chains = chains;
    this.length = length;
  }

  /** Summary of one parameter given as one array of draws per chain (equal lengths). */
  summarize(chains: readonly ArrayLike<number>[]): SummaryRow {
    const nChains = chains.length;
    const n = nChains === 0 ? 0 : chains[0].length;
    for (const c of chains) {
      if (c.length !== n) throw new LmmError('data', 'all chains must have the same number of draws');
    }
    const total = nChains * n;
    if (total === 0) return nullRow();
    this.shape(nChains, n);
    // Store the draws in posterior's split_chains layout: the first ⌊n/2⌋ draws of every
    // chain, then the last ⌊n/2⌋ draws of every chain; the middle draws of odd-length chains
    // (which the split drops) go last. Diagnostics then use x[0 .. kept−1] directly.
    const x = this.x;
    const kept = this.kept;
    const half = Math.floor(n / 2);
    const secondStart = n - half;
    for (let c = 0; c < nChains; c++) {
      const chain = chains[c];
      const first = c * half;
      const second = (nChains + c) * half - secondStart;
      if (chain instanceof Float64Array) {
        x.set(chain.subarray(0, half), first);
        x.set(chain.subarray(secondStart, n), second + secondStart);
      } else {
        for (let t = 0; t < half; t++) x[first + t] = chain[t];
        for (let t = secondStart; t < n; t++) x[second + t] = chain[t];
      }
      if (secondStart > half) x[kept + c] = chain[half];
    }
    // Mean and sd (denominator n − 1) with a correcting second pass, as R. A non-finite mean
    // means NaN somewhere (every statistic NA, as in R), or ±Infinity (what posterior finds by
    // ranking still comes out, see below), or a sum that overflowed.
    this.lagger.moments(x, 1, total, this.overallMean, this.overallVar);
    let infinite = false;
    if (!Number.isFinite(this.overallMean[0])) {
      for (let i = 0; i < total; i++) {
        const v = x[i];
        if (v !== v) return nullRow();
        if (v === Infinity || v === -Infinity) infinite = true;
      }
    }
    const row = nullRow();
    row.mean = fin(this.overallMean[0]);
    const sd = total > 1 ? Math.sqrt(this.overallVar[0]) : NaN;
    row.sd = fin(sd);

    const { sorted, order } = this;
    if (total >= SORT_KERNEL_MIN) this.sortWs.sortKernelValues(total);
    else sortOrder(x, order, this.sortWs, sorted);
    const med = medianSorted(sorted);
    row.median = fin(med);
    row.q5 = fin(quantileSorted(sorted, 0.05));
    row.q95 = fin(quantileSorted(sorted, 0.95));
    const m = 2 * nChains;
    // Folding about an infinite median leaves NaN (posterior: MAD and R-hat NA).
    const foldable = Number.isFinite(med);
    if (half < 2 || this.table === undefined) {
      // Too few draws for R-hat and bulk ESS. With 2 or 3 draws per chain posterior's tail ESS
      // still comes out: `.ess_quantile` turns the draws into a plain matrix before
      // `.split_chains`, whose x[1:1, ] then drops to a vector, so the split gives two
      // "chains", the first draws of every chain and the last ones. In the split layout those
      // are x[0 .. nChains) and x[nChains .. 2·nChains).
      if (foldable) row.mad = fin(MAD_CONSTANT * this.foldedScores(med, undefined));
      if (half === 1 && !infinite) row.ess_tail = this.tailEss(2, nChains);
      return row;
    }

    // R-hat (Vehtari et al. 2021, §4.2): the larger of the rank-normalized split R-hat of the
    // draws (bulk) and of the draws folded about the median (tails). Bulk ESS comes from the
    // same rank-normalized draws, whose chain moments are shared. The scores buffer holds in
    // turn the rank-normalized draws and the rank-normalized folded draws; z (the lag kernel's
    // series) the centred rank-normalized draws, then the centred raw draws.
    const ws = this.essWs;
    const z = this.z;
    const scores = this.scores;
    // The z-scores are constant only if all kept draws tie (R-hat and ESS are NA then).
    const zConstant = this.normalScores(sorted, order);
    this.lagger.moments(scores, m, half, ws.chainMeans, ws.chainVars, z);
    const bulk = zConstant ? NaN : rhatFromMoments(ws.chainMeans, ws.chainVars, m, half);
    row.ess_bulk = zConstant ? null : fin(essOfCentred(m, half, ws, z));
    if (foldable) {
      row.mad = fin(MAD_CONSTANT * this.foldedScores(med, scores));
      this.lagger.moments(scores, m, half, this.means, this.vars);
      const tail = this.foldedConstant ? NaN : rhatFromMoments(this.means, this.vars, m, half);
      row.rhat = Number.isNaN(bulk) || Number.isNaN(tail) ? null : fin(Math.max(bulk, tail));
    }
    // posterior's should_return_NA makes the rest NA for infinite draws (R-hat and bulk ESS
    // rank them, so they come out).
    if (infinite) return row;

    row.ess_tail = this.tailEss(m, half);
    // MCSE of the mean from the ESS of the raw split draws (NA if those are constant, as
    // posterior's should_return_NA decides: range below epsilon).
    if (!(this.keptRange() >= CONSTANT_TOLERANCE)) return row;
    this.lagger.moments(x, m, half, ws.chainMeans, ws.chainVars, z);
    row.mcse_mean = fin(sd / Math.sqrt(essOfCentred(m, half, ws, z)));
    return row;
  }

  /**
   * Tail ESS (Vehtari et al. 2021, §4.3) of the finite draws just sorted: the smaller ESS of
   * the indicators I(x ≤ q) over the split draws, taken as m chains of n stored first in x, for
   * the 5% and 95% quantiles q of all the draws (posterior's `.ess_quantile` takes the quantile
   * before splitting, so an odd chain's middle draw counts in it). Null (NA) if the draws'
   * range is below machine epsilon (posterior's should_return_NA).
   */
  private tailEss(m: number, n: number): number | null {
    const { x, sorted, order } = this;
    const total = sorted.length;
    if (!(Math.abs(sorted[total - 1] - sorted[0]) >= CONSTANT_TOLERANCE)) return null;
    const ws = this.essWs;
    const sortedBy = { order, sorted };
    const ess05 = fin(essIndicatorFlat(x, quantileSorted(sorted, 0.05), m, n, ws, sortedBy));
    const ess95 = fin(essIndicatorFlat(x, quantileSorted(sorted, 0.95), m, n, ws, sortedBy));
    return ess05 === null || ess95 === null ? null : Math.min(ess05, ess95);
  }

  /** Range max − min of the kept (split) draws, read off the sorted draws. */
  private keptRange(): number {
    const { sorted, order, kept } = this;
    let lo = 0;
    let hi = sorted.length - 1;
    while (order[lo] >= kept) lo++;
    while (order[hi] >= kept) hi--;
    return sorted[hi] - sorted[lo];
  }

  /**
   * The folded draws |x − med| (Vehtari et al. 2021, §4.2: folding about the median exposes
   * differences in the tails), visited in ascending order by merging outward from the median
   * of the sorted draws, so that no second sort is needed. Returns their median (MAD / 1.4826)
   * and, when `out` is given, writes the rank-normalized folded draws there in split layout,
   * as {@link normalScores} does for the draws themselves. The rank kernel does the same walk
   * when no two folded draws tie (most draw sets); this one also gives ties average ranks.
   */
  private foldedScores(med: number, out: Float64Array | undefined): number {
    const { sorted, order, kept, runs } = this;
    const total = sorted.length;
    const scores = this.table?.values;
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < med) lo = mid + 1;
      else hi = mid;
    }
    const midLo = (total - 1) >> 1;
    const midHi = total >> 1;
    this.foldedConstant = false;
    if (out === this.scores && total >= SORT_KERNEL_MIN && this.foldedByKernel(lo, med)) {
      const mad = this.ranker.mad;
      return midLo === midHi ? mad[0] : (mad[0] + mad[1]) / 2;
    }
    // Two cursors walk away from the median; dl and dr are their folded values (Infinity once
    // a side is used up).
    let left = lo - 1;
    let right = lo;
    let dl = left >= 0 ? med - sorted[left] : Infinity;
    let dr = right < total ? sorted[right] - med : Infinity;
    let madLo = NaN;
    let madHi = NaN;
    let k = 0; // folded draws visited
    let rank = 0; // kept draws ranked
    while (k < total) {
      // Take the next folded draw (value v, position p) from the nearer side. The choice is a
      // coin flip, so it is made without branching: t = 1 takes the left cursor, 0 the right.
      const t = +(dl < dr);
      const i = right + t * (left - right);
      const v = Math.abs(sorted[i] - med);
      const p = order[i];
      left -= t;
      right += 1 - t;
      dl = left >= 0 ? med - sorted[left] : Infinity;
      dr = right < total ? sorted[right] - med : Infinity;
      if (((dl === v ? 1 : 0) | (dr === v ? 1 : 0)) === 0 || k === total - 1) {
        // Not tied with the next folded draw (the usual case).
        if (k === midLo) madLo = v;
        if (k === midHi) madHi = v;
        k++;
        if (out !== undefined && p < kept) out[p] = (scores as Float64Array)[2 * ++rank];
        continue;
      }
      // A run of tied folded values (possibly from both sides) shares their average rank.
      let run = 0;
      runs[run++] = p;
      while (run < total - k && (dl < dr ? dl : dr) === v) {
        if (dl < dr) {
          runs[run++] = order[left--];
          dl = left >= 0 ? med - sorted[left] : Infinity;
        } else {
          runs[run++] = order[right++];
          dr = right < total ? sorted[right] - med : Infinity;
        }
      }
      if (k <= midLo && midLo < k + run) madLo = v;
      if (k <= midHi && midHi < k + run) madHi = v;
      k += run;
      if (out === undefined) continue;
      let keptInRun = 0;
      for (let i = 0; i < run; i++) if (runs[i] < kept) keptInRun++;
      if (keptInRun === kept) this.foldedConstant = true;
      if (keptInRun > 0) {
        // average of ranks rank+1 .. rank+keptInRun, doubled
        const z = (this.table as RankNormalTable).at(2 * rank + keptInRun + 1);
        for (let i = 0; i < run; i++) if (runs[i] < kept) out[runs[i]] = z;
        rank += keptInRun;
      }
    }
    return midLo === midHi ? madLo : (madLo + madHi) / 2;
  }

  /**
   * {@link foldedScores} by the rank kernel's branch-free merges, which need every folded draw
   * to differ, except that a tied middle pair is scored here first: with an even number of
   * draws the median is the midpoint of the middle two, which then fold to the same value
   * more often than not. Returns false if another tie turns up (the caller walks the draws).
   */
  private foldedByKernel(lo: number, med: number): boolean {
    const { sorted, order, kept, scores } = this;
    const total = sorted.length;
    let left = lo - 1;
    let right = lo;
    let rank = 0;
    if (left >= 0 && right < total) {
      const v = sorted[right] - med;
      if (med - sorted[left] === v) {
        // A third draw folding to v: leave it to the caller.
        if ((left > 0 && med - sorted[left - 1] === v) || (right + 1 < total && sorted[right + 1] - med === v)) return false;
        const a = order[left--];
        const b = order[right++];
        rank = +(a < kept) + +(b < kept);
        // average of ranks 1 .. rank, doubled: rank + 1
        const z = rank > 0 ? (this.table as RankNormalTable).at(rank + 1) : NaN;
        if (a < kept) scores[a] = z;
        if (b < kept) scores[b] = z;
      }
    }
    return this.ranker.folded(total, kept, lo, med, left, right, rank);
  }

  /**
   * Rank-normalized scores of the kept (split) draws, written to `this.scores` in split
   * layout: walk the draws in ascending order, skip the dropped middle draws, give tied values
   * their average rank. Returns whether all kept draws tie (the scores are then constant).
   */
  private normalScores(values: Float64Array, order: Uint32Array): boolean {
    const table = this.table as RankNormalTable;
    const scores = table.values;
    const { kept, scores: out } = this;
    const total = values.length;
    if (!this.sortWs.ties) {
      // No tied values: only the kernel's sort says so (the comparison sort of fewer draws
      // does not check), and the kernel scores them where it sorted them.
      this.ranker.scores(total, kept);
      return false;
    }
    let rank = 0; // kept draws ranked so far
    let constant = false;
    let i = 0;
    while (i < total) {
      const v = values[i];
      if (i + 1 === total || values[i + 1] !== v) {
        // No tie (the usual case).
        const p = order[i];
        if (p < kept) out[p] = scores[2 * ++rank];
        i++;
        continue;
      }
      let j = i + 2;
      while (j < total && values[j] === v) j++;
      let keptInRun = 0;
      for (let r = i; r < j; r++) if (order[r] < kept) keptInRun++;
      if (keptInRun === kept) constant = true;
      if (keptInRun > 0) {
        // average of ranks rank+1 .. rank+keptInRun, doubled
        const z = table.at(2 * rank + keptInRun + 1);
        for (let r = i; r < j; r++) {
          const p = order[r];
          if (p < kept) out[p] = z;
        }
        rank += keptInRun;
      }
      i = j;
    }
    return constant;
  }
}
