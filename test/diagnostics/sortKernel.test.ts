/** The radix sort kernel against a comparison sort by key, and its list of equal-key runs. */
import { describe, expect, it } from 'vitest';
import { SortKernel } from '../../src/diagnostics/sortKernel.js';

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
      const kernel = new SortKernel(n + 5);
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

  it('refuses more values than its capacity', () => {
    expect(() => new SortKernel(10).sort(11)).toThrow(/capacity/);
  });
});
