// Reference values computed by hand from R's definitions (quantile type 7, mad constant 1.4826,
// rank ties "average", qnorm); tolerances 1e-12 unless stated.
import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/diagnostics/qnorm.js';
import { averageRanks, sortOrder } from '../../src/diagnostics/ranks.js';
import { mad, mean, median, quantile, sd, variance } from '../../src/diagnostics/stats.js';
import { zScale } from '../../src/diagnostics/zscale.js';

describe('basic statistics', () => {
  it('quantile type 7 interpolates between order statistics', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(x, 0.05)).toBeCloseTo(1.45, 12); // R: quantile(1:10, 0.05)
    expect(quantile(x, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantile([10, 1, 3, 2], 0.95)).toBeCloseTo(8.95, 12); // 3 + 0.85 * (10 - 3)
    expect(quantile([5], 0.05)).toBe(5);
    expect(quantile([1, 2], 0)).toBe(1);
    expect(quantile([1, 2], 1)).toBe(2);
    expect(quantile([-Infinity, 0, 1, 2], 0.05)).toBe(-Infinity);
  });

  it('median, mean, sd and mad follow R', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(variance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 12);
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(sd([1])).toBeNaN();
    // mad(c(1, 2, 3, 4, 100)) = 1.4826 * median(|x - 3|) = 1.4826 * median(2, 1, 0, 1, 97)
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 12);
    // even length: |x - 2.5| = 1.5, 0.5, 0.5, 1.5 → median 1
    expect(mad([1, 2, 3, 4])).toBeCloseTo(1.4826, 12);
  });
});

describe('ranks', () => {
  it('averages tied ranks as rank(ties.method = "average")', () => {
    expect(Array.from(averageRanks([10, 20, 10, 30, 20, 20]))).toEqual([1.5, 4, 1.5, 6, 4, 4]);
    expect(Array.from(averageRanks([0, -0, -1, 1]))).toEqual([2.5, 2.5, 1, 4]);
    expect(Array.from(averageRanks([-Infinity, Infinity, 0]))).toEqual([1, 3, 2]);
  });

  it('sortOrder agrees with a comparison sort, including values equal in their leading bits', () => {
    let s = 12345;
    const rand = (): number => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return s / 2147483648;
    };
    const n = 5000;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = rand();
      // mixture: exact ties, near-ties differing only in low mantissa bits, wide range, negatives
      x[i] = r < 0.2 ? Math.round(rand() * 10) : r < 0.4 ? 1 + rand() * 1e-9 : r < 0.6 ? -Math.exp(rand() * 40 - 20) : (rand() - 0.5) * 1e6;
    }
    const order = sortOrder(x);
    const want = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b] || a - b);
    expect(Array.from(order)).toEqual(want);
  });
});

describe('normal quantile and rank normalization', () => {
  it('matches R qnorm', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.6448536269514722, 14);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 14);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalQuantile(1e-300) / -37.04710).toBeCloseTo(1, 5);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });

  it('z-scales with the 3/8 offset and average ranks', () => {
    const z = zScale([3, 1, 2, 2]);
    // ranks 4, 1, 2.5, 2.5 → qnorm((r - 3/8) / (4 + 1/4))
    const expected = [4, 1, 2.5, 2.5].map((r) => normalQuantile((r - 0.375) / 4.25));
    expected.forEach((e, i) => expect(z[i]).toBeCloseTo(e, 14));
  });
});
