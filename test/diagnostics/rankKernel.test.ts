/**
 * The rank kernel: its radix sort against a comparison sort by key (with the list of equal-key
 * runs), its scores of the draws and of the folded draws against ranks found by sorting.
 */
import { describe, expect, it } from 'vitest';
import { RankKernel } from '../../src/diagnostics/rankKernel.js';

/** The kernel's sort key: the upper 32-bit word, magnitude bits flipped for negatives, −1 → 0. */
function key(v: number): number {
  const words = new Int32Array(new Float64Array([v]).buffer);
  const hi = words[1];
  const k = hi ^ ((hi >> 31) & 0x7fffffff);
  return k === -1 ? 0 : k;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
}

describe('sort kernel', () => {
  it('orders by key, stably, lists every run of equal keys, and writes the sorted values', () => {
    const next = lcg(3);
    const special = [0, -0, 5e-324, -5e-324, 1e-310, -1e-310, Infinity, -Infinity, 1, 1 + 2 ** -40, -1, -1 - 2 ** -40, 2, 2, 2, 1e300, -1e300];
    for (const n of [1, 2, 17, 3000, 40_000]) {
      const kernel = new RankKernel(n + 5);
      const x = Float64Array.from({ length: n }, (_, i) => {
        if (i < special.length && n > special.length) return special[i];
        const u = next();
        // normals, heavy tails, and values rounded to a grid (ties)
        return i % 3 === 0 ? Math.round((u - 0.5) * 40) / 4 : i % 3 === 1 ? (u - 0.5) * 6 : Math.tan(Math.PI * (u - 0.5));
      });
      kernel.values.set(x);
      const runs = kernel.sort(n);
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(x[a]) - key(x[b]) || a - b);
      expect(Array.from(kernel.order.subarray(0, n))).toEqual(expected);
      expect(Array.from(kernel.sorted.subarray(0, n))).toEqual(expected.map((i) => x[i]));
      const want: number[] = [];
      for (let s = 0; s < n; ) {
        let e = s + 1;
        while (e < n && key(x[expected[e]]) === key(x[expected[s]])) e++;
        if (e - s > 1) want.push(s, e);
        s = e;
      }
      expect(Array.from(kernel.runs.subarray(0, 2 * runs))).toEqual(want);
    }
  });

  it('scores the draws and the folded draws by rank, skipping the dropped ones, and finds the folded median', () => {
    const next = lcg(5);
    for (const [n, kept] of [[3000, 3000], [3001, 2998], [6, 6], [5, 4]]) {
      const kernel = new RankKernel(n);
      const x = Float64Array.from({ length: n }, () => Math.tan(Math.PI * (next() - 0.5)));
      kernel.values.set(x);
      expect(kernel.sort(n)).toBe(0);
      // whole[r]: any distinct numbers do to follow the ranks
      for (let r = 0; r <= kept; r++) kernel.whole[r] = 1000 + r;
      const rankOf = (v: Float64Array): number[] => {
        const idx = Array.from({ length: kept }, (_, i) => i).sort((a, b) => v[a] - v[b]);
        const r = new Array<number>(kept);
        idx.forEach((i, k) => (r[i] = k + 1));
        return r;
      };
      kernel.scores(n, kept);
      expect(Array.from(kernel.scoresOut.subarray(0, kept))).toEqual(rankOf(x).map((r) => 1000 + r));
      // Folded about the upper middle draw (a midpoint is tested below).
      const sorted = Array.from(x).sort((a, b) => a - b);
      const lo = n >> 1;
      const med = sorted[lo];
      expect(kernel.folded(n, kept, lo, med)).toBe(true);
      const folded = x.map((v) => Math.abs(v - med));
      expect(Array.from(kernel.scoresOut.subarray(0, kept))).toEqual(rankOf(folded).map((r) => 1000 + r));
      const all = Array.from(folded).sort((a, b) => a - b);
      expect(Array.from(kernel.mad)).toEqual([all[(n - 1) >> 1], all[n >> 1]]);
    }
  });

  it('goes on from a middle pair the caller scored', () => {
    const next = lcg(9);
    const n = 4000;
    const kernel = new RankKernel(n);
    // dyadic draws, so that the middle pair folds about its midpoint to equal values exactly
    const x = Float64Array.from({ length: n }, () => Math.round((next() - 0.5) * 2 ** 44) / 2 ** 40);
    kernel.values.set(x);
    expect(kernel.sort(n)).toBe(0);
    for (let r = 0; r <= n; r++) kernel.whole[r] = 1000 + r;
    const sorted = Array.from(x).sort((a, b) => a - b);
    const med = (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    expect(med - sorted[n / 2 - 1]).toBe(sorted[n / 2] - med);
    expect(kernel.folded(n, n, n / 2, med)).toBe(false);
    expect(kernel.folded(n, n, n / 2, med, n / 2 - 2, n / 2 + 1, 2)).toBe(true);
    const folded = Array.from(x, (v) => Math.abs(v - med));
    const byFold = Array.from(x.keys()).sort((a, b) => folded[a] - folded[b]);
    byFold.slice(2).forEach((p, k) => expect(kernel.scoresOut[p]).toBe(1000 + k + 3));
    const all = folded.sort((a, b) => a - b);
    expect(Array.from(kernel.mad)).toEqual([all[n / 2 - 1], all[n / 2]]);
    expect(() => kernel.folded(n, n, n / 2, med, -1, n, 0)).toThrow(/folding point/);
  });

  it('gives up on folded draws that tie, on either merge and across them', () => {
    for (const x of [[-2, -1, 0, 1, 3], [-3, -1, 0, 2, 3], [-5, -1, 0, 1.5, 4, 7], [-4, -3, -1, 1, 2, 6]]) {
      const kernel = new RankKernel(x.length);
      kernel.values.set(x);
      kernel.sort(x.length);
      const n = x.length;
      const med = n % 2 ? x[(n - 1) / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
      expect(kernel.folded(n, n, x.findIndex((v) => v >= med), med), x.join(' ')).toBe(false);
    }
  });

  it('refuses more values than its capacity', () => {
    expect(() => new RankKernel(10).sort(11)).toThrow(/capacity/);
  });
});
