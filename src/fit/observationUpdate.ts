/**
 * The update of the rest from one level of the first term, summed over that level's
 * observations instead of over pairs of the rest's rows, where that is cheaper.
 *
 * For level j of term 0 the blocked factor subtracts W_j W_j' from the rest, where the rows of
 * W_j (the rest's random-effects rows, then [X y]) have q0 columns. With g_o = L0_j⁻¹ Λ0' z0_o
 * for the level's observations o and r_o the sparse vector of Λ_k' zk_o on the rows of o's level
 * of each other term k, W_j's random-effects rows are Σ_o r_o g_o', so
 *
 *     W_j W_j' (random-effects rows) = Σ_{o1,o2} (g_o1 · g_o2) r_o1 r_o2'          (H_j = G_j G_j')
 *     W_j W_j' ([X y] row a, rest row b) = Σ_o (w_a · g_o) r_o[b]                  (w_a: row a of WXy_j)
 *
 * For kb07's maximal model (q0 = 8, one observation per subject–item cell, 32 items of q = 8 per
 * subject) the first costs 64 multiply–adds per pair of observations instead of 8 per pair of the
 * rest's 256 rows: about a fifth of the work, and the Wre blocks of the level need not be formed.
 * It needs the rows of the design (Z and the level codes of each term), and is used only where
 * they reproduce the cross-product blocks (so a pass that transforms the blocks, or weights the
 * rows, keeps the blocked route).
 */
import { forwardSolve } from '../linalg/dense.js';
import { firstTermLevelRows, type CrossProducts } from '../model/crossprod.js';

/** What the update needs of each term: its block sizes and, if known, its design rows. */
export interface TermRows {
  q: number;
  nlevels: number;
  /** Per observation, its level (0-based). */
  refs?: Int32Array;
  /** n×q row-major design of the term. */
  Z?: Float64Array;
}

/** Per level of term 0: whether the observation route is taken, and its data. */
export class ObservationUpdate {
  /** Per level of term 0: 1 where the observation route is cheaper. */
  readonly byObservation: Uint8Array;
  /** Observations of level j: obsStart[j] .. obsStart[j + 1] of the arrays below. */
  private readonly obsStart: Int32Array;
  /** Per observation (level-major): z0 (q0 values). */
  private readonly z0: Float64Array;
  /** Per observation and term k ≥ 1: its first row in the rest. */
  private readonly rowStart: Int32Array;
  /** Per observation and term k ≥ 1: zk (q_k values), at zOffset[k] within the observation's stride. */
  private readonly zk: Float64Array;
  private readonly zOffset: number[];
  /** Σ_{k≥1} q_k: the stride of `zk` per observation. */
  private readonly zStride: number;
  /** Scratch: G (n_j × q0), V = Λ_k'zk per observation (n_j × zStride), T (P × n_j). */
  private readonly G: Float64Array;
  private readonly V: Float64Array;
  private readonly T: Float64Array;
  /** Scratch of `gammaTimesW`, grown on demand. */
  private gatherScratch = new Float64Array(0);

  private constructor(
    readonly q0: number,
    readonly qs: number[],
    obsStart: Int32Array,
    z0: Float64Array,
    rowStart: Int32Array,
    zk: Float64Array,
    byObservation: Uint8Array,
    P: number,
  ) {
    this.obsStart = obsStart;
    this.z0 = z0;
    this.rowStart = rowStart;
    this.zk = zk;
    this.byObservation = byObservation;
    this.zOffset = [0];
    let s = 0;
    for (let k = 1; k < qs.length; k++) {
      this.zOffset.push(s);
      s += qs[k];
    }
    this.zStride = s;
    let maxN = 0;
    for (let j = 0; j + 1 < obsStart.length; j++) maxN = Math.max(maxN, obsStart[j + 1] - obsStart[j]);
    this.G = new Float64Array(maxN * q0);
    this.V = new Float64Array(maxN * s);
    this.T = new Float64Array(P * maxN);
  }

  /**
   * The observation route for the levels of term 0 where its multiply–adds are under 3/4 of
   * the blocked route's, or undefined (no design rows, only one term, rows that do not give the
   * cross-products, or no level that gains).
   */
  static plan(crossprod: CrossProducts, terms: readonly TermRows[], restOffset: readonly number[], P: number): ObservationUpdate | undefined {
    if (terms.length < 2 || terms.some((t) => !t.refs || !t.Z)) return undefined;
    const n = crossprod.n;
    const q0 = terms[0].q;
    const n0 = terms[0].nlevels;
    const refs0 = terms[0].refs as Int32Array;
    if (refs0.length !== n) return undefined;
    // Observations grouped by level of term 0 (stable: in row order within a level).
    const obsStart = new Int32Array(n0 + 1);
    for (let i = 0; i < n; i++) obsStart[refs0[i] + 1]++;
    for (let j = 0; j < n0; j++) obsStart[j + 1] += obsStart[j];
    const fill = obsStart.slice(0, n0);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[fill[refs0[i]]++] = i;
    if (terms.length === 2) {
      // One other term: within a level, observations by that term's level (see `subtractOne`).
      const refs1 = terms[1].refs as Int32Array;
      for (let j = 0; j < n0; j++) {
        const part = Array.from(order.subarray(obsStart[j], obsStart[j + 1])).sort((a, b) => refs1[a] - refs1[b] || a - b);
        order.set(part, obsStart[j]);
      }
    }
    const qs = terms.map((t) => t.q);
    let stride = 0;
    for (let k = 1; k < terms.length; k++) stride += qs[k];
    const K = terms.length - 1;
    const z0 = new Float64Array(n * q0);
    const zk = new Float64Array(n * stride);
    const rowStart = new Int32Array(n * K);
    const Z0 = terms[0].Z as Float64Array;
    for (let o = 0; o < n; o++) {
      const i = order[o];
      for (let c = 0; c < q0; c++) z0[o * q0 + c] = Z0[i * q0 + c];
      let off = 0;
      for (let k = 1; k <= K; k++) {
        const { q, refs, Z } = terms[k] as Required<TermRows>;
        rowStart[o * K + k - 1] = restOffset[k] + refs[i] * q;
        for (let r = 0; r < q; r++) zk[o * stride + off + r] = Z[i * q + r];
        off += q;
      }
    }
    if (!reproducesCross(crossprod, terms, order, obsStart, z0, zk, stride)) return undefined;
    // Per level: multiply–adds of each route.
    const byObservation = new Uint8Array(n0);
    let any = false;
    for (let j = 0; j < n0; j++) {
      const rows = firstTermLevelRows(crossprod, terms, j);
      const m = obsStart[j + 1] - obsStart[j];
      const blocked = ((rows * (rows + 1)) / 2) * q0 + rows * P * q0 + (rows / q0) * q0 * q0 * q0 * 2;
      const observed = ((m * (m + 1)) / 2) * (q0 + stride * stride) + m * (stride * q0 + q0 * q0 + P * (q0 + stride));
      if (observed < 0.75 * blocked) {
        byObservation[j] = 1;
        any = true;
      }
    }
    if (!any) return undefined;
    return new ObservationUpdate(q0, qs, obsStart, z0, rowStart, zk, byObservation, P);
  }

  /**
   * For level j: g_o = L0_j⁻¹ Λ0' z0_o (in `G`, m×q0) and v_o = Λ_k' zk_o per term (in `V`,
   * m×zStride) for its m observations, the first at `first` of the level-major arrays.
   */
  private prepare(j: number, lambdas: readonly Float64Array[], L0: Float64Array, lo: number): { first: number; m: number } {
    const { q0, qs, G, V, z0, zk, zStride, zOffset } = this;
    const K = qs.length - 1;
    const first = this.obsStart[j];
    const m = this.obsStart[j + 1] - first;
    const Lam0 = lambdas[0];
    // g_o = L0_j⁻¹ Λ0' z0_o.
    for (let o = 0; o < m; o++) {
      lambdaTransposeTimes(Lam0, q0, z0, (first + o) * q0, G, o * q0);
      forwardSolve(L0, q0, G, lo, o * q0);
    }
    // v_o = Λ_k' zk_o per term.
    for (let k = 1; k <= K; k++) {
      const q = qs[k];
      const Lam = lambdas[k];
      const off = zOffset[k];
      for (let o = 0; o < m; o++) lambdaTransposeTimes(Lam, q, zk, (first + o) * zStride + off, V, o * zStride + off);
    }

    return { first, m };
  }

  /**
   * For `gammaTimesW` on all observation-route levels at once: Tt[b][o] = (Γ r_o)[b], r_o the
   * sparse vector of Λ_k' zk_o on the rows of o's level of each other term k (see above), for
   * every rest row b and observation o (M × n, row-major, zero for observations of other levels).
   * Observations that share a level of term k share the q_k rows of Γ they read, so they are
   * taken two at a time against four rest rows (a register tile: 8 sums for 6 loads per step)
   * instead of one axpy per observation and row of Γ. Undefined where that would not pay: when
   * the levels' rows cover less than half the rest (Γ r_o is then wanted on few of its rows)
   * or the table would pass 2²³ doubles (64 MB).
   */
  gammaTimesObservations(lambdas: readonly Float64Array[], Gamma: Float64Array, M: number, counts: (j: number) => number): Float64Array | undefined {
    const { qs, zk, zStride, zOffset, rowStart, obsStart, byObservation } = this;
    const K = qs.length - 1;
    const n = obsStart[obsStart.length - 1];
    if (n * M > 1 << 23) return undefined;
    let covered = 0;
    let observed = 0;
    for (let j = 0; j + 1 < obsStart.length; j++) {
      if (!byObservation[j]) continue;
      const m = obsStart[j + 1] - obsStart[j];
      covered += m * counts(j);
      observed += m;
    }
    if (covered < 0.5 * observed * M) return undefined;
    this.batch ??= this.levelGroups();
    // v_o = Λ_k' zk_o for every observation of the levels taken.
    if (this.vAll.length < n * zStride) this.vAll = new Float64Array(n * zStride);
    const V = this.vAll;
    for (let j = 0; j + 1 < obsStart.length; j++) {
      if (!byObservation[j]) continue;
      for (let k = 1; k <= K; k++) {
        const q = qs[k];
        const Lam = lambdas[k];
        for (let o = obsStart[j]; o < obsStart[j + 1]; o++) lambdaTransposeTimes(Lam, q, zk, o * zStride + zOffset[k], V, o * zStride + zOffset[k]);
      }
    }
    const Tt = new Float64Array(M * n);
    const M4 = M - (M % 4);
    for (let k = 1; k <= K; k++) {
      const q = qs[k];
      const { order, start } = this.batch[k - 1];
      const off = zOffset[k];
      for (let g = 0; g + 1 < start.length; g++) {
        const slab = rowStart[order[start[g]] * K + k - 1] * M;
        for (let u = start[g]; u < start[g + 1]; u += 2) {
          const o1 = order[u];
          const o2 = u + 1 < start[g + 1] ? order[u + 1] : -1;
          const v1 = o1 * zStride + off;
          const v2 = o2 >= 0 ? o2 * zStride + off : v1;
          let b = 0;
          for (; b < M4; b += 4) {
            let s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0;
            for (let r = 0; r < q; r++) {
              const gr = slab + r * M + b;
              const g0 = Gamma[gr], g1 = Gamma[gr + 1], g2 = Gamma[gr + 2], g3 = Gamma[gr + 3];
              const x1 = V[v1 + r], x2 = V[v2 + r];
              s10 += x1 * g0; s11 += x1 * g1; s12 += x1 * g2; s13 += x1 * g3;
              s20 += x2 * g0; s21 += x2 * g1; s22 += x2 * g2; s23 += x2 * g3;
            }
            Tt[b * n + o1] += s10; Tt[(b + 1) * n + o1] += s11; Tt[(b + 2) * n + o1] += s12; Tt[(b + 3) * n + o1] += s13;
            if (o2 >= 0) {
              Tt[b * n + o2] += s20; Tt[(b + 1) * n + o2] += s21; Tt[(b + 2) * n + o2] += s22; Tt[(b + 3) * n + o2] += s23;
            }
          }
          for (; b < M; b++) {
            let s1 = 0, s2 = 0;
            for (let r = 0; r < q; r++) {
              const gv = Gamma[slab + r * M + b];
              s1 += V[v1 + r] * gv;
              s2 += V[v2 + r] * gv;
            }
            Tt[b * n + o1] += s1;
            if (o2 >= 0) Tt[b * n + o2] += s2;
          }
        }
      }
    }
    return Tt;
  }

  /** Per term k ≥ 1: the observations of observation-route levels grouped by their level of term k. */
  private levelGroups(): { order: Int32Array; start: Int32Array }[] {
    const { qs, rowStart, obsStart, byObservation } = this;
    const K = qs.length - 1;
    const taken: number[] = [];
    for (let j = 0; j + 1 < obsStart.length; j++) if (byObservation[j]) for (let o = obsStart[j]; o < obsStart[j + 1]; o++) taken.push(o);
    const groups: { order: Int32Array; start: Int32Array }[] = [];
    for (let k = 1; k <= K; k++) {
      const slab = (o: number) => rowStart[o * K + k - 1];
      const order = Int32Array.from(taken).sort((a, b) => slab(a) - slab(b) || a - b);
      const start: number[] = [0];
      for (let u = 1; u < order.length; u++) if (slab(order[u]) !== slab(order[u - 1])) start.push(u);
      start.push(order.length);
      groups.push({ order, start: Int32Array.from(start) });
    }
    return groups;
  }

  /** Observations grouped by level for `gammaTimesObservations`, made on first use. */
  private batch: { order: Int32Array; start: Int32Array }[] | undefined;
  /** v_o of every observation for `gammaTimesObservations`, grown on demand. */
  private vAll = new Float64Array(0);

  /**
   * H = Γ[rows, rows] W_j for an observation-route level j (the gradient's Γ_RR W_j, gradient.ts):
   * `rows` are W_j's `count` gathered rows (random-effects rows, then the P [X y] rows), Γ is M×M
   * (both triangles). With W_j's random-effects rows Σ_o r_o g_o' (see above),
   * H[a] = Σ_o (Γ[rows_a, ·] r_o) g_o' + Γ[rows_a, [X y]] WXy_j: m·(zStride + q0) + P·q0
   * multiply–adds per row instead of count·q0.
   */
  gammaTimesW(
    j: number, lambdas: readonly Float64Array[], L0: Float64Array, lo: number, WXy: Float64Array, wo: number, P: number,
    Gamma: Float64Array, M: number, xOffset: number, rows: Int32Array, count: number, H: Float64Array, Tt?: Float64Array,
  ): void {
    const { q0, qs, G, V, zStride, zOffset, rowStart } = this;
    const K = qs.length - 1;
    const { first, m } = this.prepare(j, lambdas, L0, lo);
    if (Tt) {
      // From `gammaTimesObservations`: H[a] = Σ_o Tt[rows_a][o] g_o' + Γ[rows_a, [X y]] WXy_j.
      // Two rows a by four columns c at a time (8 sums for 6 loads per step).
      const n = Tt.length / M;
      const c4 = q0 - (q0 % 4);
      for (let a = 0; a < count; a += 2) {
        const pair = a + 1 < count;
        const a2 = pair ? a + 1 : a;
        const t1 = rows[a] * n + first, t2 = rows[a2] * n + first;
        const g1 = rows[a] * M + xOffset, g2 = rows[a2] * M + xOffset;
        for (let c = 0; c < c4; c += 4) {
          let s10 = 0, s11 = 0, s12 = 0, s13 = 0, s20 = 0, s21 = 0, s22 = 0, s23 = 0;
          for (let o = 0; o < m; o++) {
            const x1 = Tt[t1 + o], x2 = Tt[t2 + o];
            const go = o * q0 + c;
            const y0 = G[go], y1 = G[go + 1], y2 = G[go + 2], y3 = G[go + 3];
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          }
          for (let b = 0; b < P; b++) {
            const x1 = Gamma[g1 + b], x2 = Gamma[g2 + b];
            const wb = wo + b * q0 + c;
            const y0 = WXy[wb], y1 = WXy[wb + 1], y2 = WXy[wb + 2], y3 = WXy[wb + 3];
            s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
            s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
          }
          const h1 = a * q0 + c;
          H[h1] = s10; H[h1 + 1] = s11; H[h1 + 2] = s12; H[h1 + 3] = s13;
          if (pair) {
            const h2 = h1 + q0;
            H[h2] = s20; H[h2 + 1] = s21; H[h2 + 2] = s22; H[h2 + 3] = s23;
          }
        }
        for (let c = c4; c < q0; c++) {
          for (const [ar, t, g] of pair ? [[a, t1, g1], [a2, t2, g2]] : [[a, t1, g1]]) {
            let s = 0;
            for (let o = 0; o < m; o++) s += Tt[t + o] * G[o * q0 + c];
            for (let b = 0; b < P; b++) s += Gamma[g + b] * WXy[wo + b * q0 + c];
            H[ar * q0 + c] = s;
          }
        }
      }
      return;
    }
    if (this.gatherScratch.length < count * (q0 + 1)) this.gatherScratch = new Float64Array(count * (q0 + 1));
    // HT = H' (q0×count) and t (count), contiguous over the rows; Γ is symmetric, so
    // Γ[rows_a, i] is read along row i.
    const HT = this.gatherScratch.subarray(0, q0 * count);
    const t = this.gatherScratch.subarray(q0 * count, (q0 + 1) * count);
    HT.fill(0);
    // The rows are increasing; consecutive ones (a level meeting every level of the other terms) are read directly.
    const contiguous = count > 0 && rows[count - 1] - rows[0] === count - 1;
    const accumulate = (g: Float64Array, go: number) => {
      for (let c = 0; c < q0; c++) {
        const gc = g[go + c];
        if (gc === 0) continue;
        const hc = c * count;
        for (let a = 0; a < count; a++) HT[hc + a] += t[a] * gc;
      }
    };
    for (let o = 0; o < m; o++) {
      t.fill(0);
      for (let k = 1; k <= K; k++) {
        const q = qs[k];
        const rs = rowStart[(first + o) * K + k - 1];
        const vo = o * zStride + zOffset[k];
        for (let r = 0; r < q; r++) {
          const v = V[vo + r];
          if (v === 0) continue;
          const row = (rs + r) * M;
          if (contiguous) {
            const at = row + rows[0];
            for (let a = 0; a < count; a++) t[a] += v * Gamma[at + a];
          } else {
            for (let a = 0; a < count; a++) t[a] += v * Gamma[row + rows[a]];
          }
        }
      }
      accumulate(G, o * q0);
    }
    for (let b = 0; b < P; b++) {
      const row = (xOffset + b) * M;
      for (let a = 0; a < count; a++) t[a] = Gamma[row + rows[a]];
      accumulate(WXy, wo + b * q0);
    }
    for (let a = 0; a < count; a++) for (let c = 0; c < q0; c++) H[a * q0 + c] = HT[c * count + a];
  }

  /**
   * C −= W_j W_j' on the rest's random-effects rows and on the [X y] rows against them, for an
   * observation-route level j (C row-major M×M, lower triangle; the [X y] rows' own block is left
   * to the caller). `L0` holds level j's factor at `lo`, `WXy` its P×q0 block at `wo`.
   */
  subtract(j: number, lambdas: readonly Float64Array[], L0: Float64Array, lo: number, WXy: Float64Array, wo: number, P: number, C: Float64Array, M: number, xOffset: number): void {
    const { q0, qs, G, V, T, zStride, zOffset, rowStart } = this;
    const K = qs.length - 1;
    const { first, m } = this.prepare(j, lambdas, L0, lo);
    if (K === 1) this.subtractOne(C, M, first, m);
    // Random-effects rows: Σ over ordered pairs, each block written once in the lower triangle.
    else for (let o1 = 0; o1 < m; o1++) {
      const g1 = o1 * q0;
      for (let o2 = 0; o2 <= o1; o2++) {
        const g2 = o2 * q0;
        let h = 0;
        for (let c = 0; c < q0; c++) h += G[g1 + c] * G[g2 + c];
        if (h === 0) continue;
        addPair(C, M, V, zStride, zOffset, qs, K, rowStart, first, o1, o2, h);
        if (o2 !== o1) addPair(C, M, V, zStride, zOffset, qs, K, rowStart, first, o2, o1, h);
      }
    }
    // [X y] rows against the random-effects rows: T[a][o] = w_a · g_o.
    for (let a = 0; a < P; a++) {
      const w = wo + a * q0;
      for (let o = 0; o < m; o++) {
        let s = 0;
        for (let c = 0; c < q0; c++) s += WXy[w + c] * G[o * q0 + c];
        T[a * m + o] = s;
      }
    }
    for (let a = 0; a < P; a++) {
      const ra = (xOffset + a) * M;
      for (let o = 0; o < m; o++) {
        const t = T[a * m + o];
        if (t === 0) continue;
        for (let k = 1; k <= K; k++) {
          const start = rowStart[(first + o) * K + k - 1];
          const vo = o * zStride + zOffset[k];
          for (let c = 0; c < qs[k]; c++) C[ra + start + c] -= t * V[vo + c];
        }
      }
    }
  }

  /**
   * The random-effects rows for one other term, its observations in level order: for o2 ≤ o1
   * the block of o1's level is at or below o2's, so each unordered pair is visited once (on a
   * shared level, both orders of the pair go to the block's lower triangle).
   */
  private subtractOne(C: Float64Array, M: number, first: number, m: number): void {
    const { q0, G, V, rowStart } = this;
    const q = this.qs[1];
    for (let o1 = 0; o1 < m; o1++) {
      const g1 = o1 * q0;
      const s1 = rowStart[first + o1];
      const v1 = o1 * q;
      for (let o2 = 0; o2 <= o1; o2++) {
        const g2 = o2 * q0;
        let h = 0;
        for (let c = 0; c < q0; c++) h += G[g1 + c] * G[g2 + c];
        const s2 = rowStart[first + o2];
        const v2 = o2 * q;
        if (s1 !== s2 && q === 8) {
          // The same operations as the general loop below, with o2's values in registers (kb07's
          // maximal model, q = 8, and correlated slopes, q = 4: most of an evaluation is spent
          // here; 10.6 -> 7 ms per evaluation of the maximal model, bit for bit the same).
          const w0 = V[v2], w1 = V[v2 + 1], w2 = V[v2 + 2], w3 = V[v2 + 3];
          const w4 = V[v2 + 4], w5 = V[v2 + 5], w6 = V[v2 + 6], w7 = V[v2 + 7];
          for (let r = 0; r < 8; r++) {
            const hv = h * V[v1 + r];
            const row = (s1 + r) * M + s2;
            C[row] -= hv * w0;
            C[row + 1] -= hv * w1;
            C[row + 2] -= hv * w2;
            C[row + 3] -= hv * w3;
            C[row + 4] -= hv * w4;
            C[row + 5] -= hv * w5;
            C[row + 6] -= hv * w6;
            C[row + 7] -= hv * w7;
          }
        } else if (s1 !== s2 && q === 4) {
          const w0 = V[v2], w1 = V[v2 + 1], w2 = V[v2 + 2], w3 = V[v2 + 3];
          for (let r = 0; r < 4; r++) {
            const hv = h * V[v1 + r];
            const row = (s1 + r) * M + s2;
            C[row] -= hv * w0;
            C[row + 1] -= hv * w1;
            C[row + 2] -= hv * w2;
            C[row + 3] -= hv * w3;
          }
        } else if (s1 !== s2) {
          for (let r = 0; r < q; r++) {
            const hv = h * V[v1 + r];
            const row = (s1 + r) * M + s2;
            for (let c = 0; c < q; c++) C[row + c] -= hv * V[v2 + c];
          }
        } else if (o1 === o2) {
          for (let r = 0; r < q; r++) {
            const hv = h * V[v1 + r];
            const row = (s1 + r) * M + s2;
            for (let c = 0; c <= r; c++) C[row + c] -= hv * V[v2 + c];
          }
        } else {
          for (let r = 0; r < q; r++) {
            const row = (s1 + r) * M + s2;
            const a1 = h * V[v1 + r];
            const a2 = h * V[v2 + r];
            for (let c = 0; c <= r; c++) C[row + c] -= a1 * V[v2 + c] + a2 * V[v1 + c];
          }
        }
      }
    }
  }
}

/**
 * C −= h · r_o1 r_o2' on the entries (a, b) with a in o1's pieces, b in o2's, and a ≥ b (a
 * piece is one term's q rows of the observation's level; pieces of different levels are
 * disjoint row ranges, so a block is either wholly below the diagonal or on it).
 */
function addPair(C: Float64Array, M: number, V: Float64Array, stride: number, zOffset: number[], qs: number[], K: number, rowStart: Int32Array, first: number, o1: number, o2: number, h: number): void {
  for (let k1 = 1; k1 <= K; k1++) {
    const s1 = rowStart[(first + o1) * K + k1 - 1];
    const q1 = qs[k1];
    const v1 = o1 * stride + zOffset[k1];
    for (let k2 = 1; k2 <= K; k2++) {
      const s2 = rowStart[(first + o2) * K + k2 - 1];
      if (s1 < s2) continue;
      const q2 = qs[k2];
      const v2 = o2 * stride + zOffset[k2];
      const diagonal = s1 === s2;
      for (let r = 0; r < q1; r++) {
        const hv = h * V[v1 + r];
        if (hv === 0) continue;
        const row = (s1 + r) * M + s2;
        const end = diagonal ? r + 1 : q2;
        for (let c = 0; c < end; c++) C[row + c] -= hv * V[v2 + c];
      }
    }
  }
}

/** out[to + c] = (Λ'z)[c], c < q, for z = zk[from .. from + q) and Λ (q×q lower triangular): v_o = Λ_k' zk_o. */
function lambdaTransposeTimes(Lam: Float64Array, q: number, zk: Float64Array, from: number, out: Float64Array, to: number): void {
  for (let c = 0; c < q; c++) {
    let s = 0;
    for (let r = c; r < q; r++) s += Lam[r * q + c] * zk[from + r];
    out[to + c] = s;
  }
}

/**
 * Whether Σ_o zk_o z0_o' over each cell reproduces the cross-product blocks Z_k'Z_0 (relative
 * 1e-10 of the block's largest entry): the rows are the ones the blocks were summed from.
 */
function reproducesCross(crossprod: CrossProducts, terms: readonly TermRows[], order: Int32Array, obsStart: Int32Array, z0: Float64Array, zk: Float64Array, stride: number): boolean {
  const q0 = terms[0].q;
  let off = 0;
  for (let k = 1; k < terms.length; k++) {
    const { q, refs } = terms[k] as Required<TermRows>;
    const { colPtr, rowLevel, values } = crossprod.cross[k][0];
    const sum = new Float64Array(values.length);
    for (let j = 0; j + 1 < obsStart.length; j++) {
      for (let o = obsStart[j]; o < obsStart[j + 1]; o++) {
        const level = refs[order[o]];
        // The cell's position in column j (levels ascending): binary search.
        let lo = colPtr[j], hi = colPtr[j + 1] - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (rowLevel[mid] < level) lo = mid + 1;
          else hi = mid;
        }
        if (lo >= colPtr[j + 1] || rowLevel[lo] !== level) return false;
        const b = lo * q * q0;
        for (let r = 0; r < q; r++) for (let c = 0; c < q0; c++) sum[b + r * q0 + c] += zk[o * stride + off + r] * z0[o * q0 + c];
      }
    }
    let scale = 0;
    for (const v of values) scale = Math.max(scale, Math.abs(v));
    for (let i = 0; i < values.length; i++) if (Math.abs(sum[i] - values[i]) > 1e-10 * scale) return false;
    off += q;
  }
  return true;
}
