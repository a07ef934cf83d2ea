/** The WebAssembly lag kernel against plain double loops. */
import { describe, expect, it } from 'vitest';
import { KERNEL_LAGS, LagKernel } from '../../src/diagnostics/lagKernel.js';
import { EssWorkspace, essFlat } from '../../src/diagnostics/ess.js';
import { LagWorkspace, fillLagsDirect } from '../../src/diagnostics/lags.js';

/** Chain-averaged biased autocovariance at lag k, summed plainly. */
function naiveLag(y: Float64Array, m: number, n: number, k: number): number {
  let s = 0;
  for (let c = 0; c < m; c++) {
    let cs = 0;
    for (let t = 0; t + k < n; t++) cs += y[c * n + t] * y[c * n + t + k];
    s += cs / n;
  }
  return s / m;
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
}

describe('lag kernel', () => {
  it('sums every lag as the plain loops do (1e-13 of the lag-0 sum) for short and long chains', () => {
    const kernel = new LagKernel();
    const next = lcg(7);
    for (const m of [1, 3, 8]) {
      for (const n of [8, 9, 10, 11, 12, 13, 17, 100, 1001]) {
        const y = kernel.series(m * n);
        for (let i = 0; i < m * n; i++) y[i] = next();
        const scale = naiveLag(y, m, n, 0);
        const acov = new Float64Array(n);
        for (let k0 = 0; k0 + KERNEL_LAGS <= n; k0 += n > 100 ? 37 : 1) {
          kernel.lags(m, n, k0, acov);
          for (let j = 0; j < KERNEL_LAGS; j++) {
            expect(Math.abs(acov[k0 + j] - naiveLag(y, m, n, k0 + j))).toBeLessThanOrEqual(1e-13 * scale);
          }
        }
      }
    }
  });

  it('rejects lags past the chains and series it does not hold', () => {
    const kernel = new LagKernel();
    kernel.series(20);
    expect(() => kernel.lags(2, 10, 3, new Float64Array(10))).toThrow(/out of range/);
    expect(() => kernel.lags(3, 10, 0, new Float64Array(10))).toThrow(/out of range/);
    expect(() => fillLagsDirect(new Float64Array(20), 2, 10, 1, new Float64Array(12), new LagWorkspace())).toThrow(/lag kernel/);
  });

  it('replaces its buffer when a longer one is asked for, and ESS copies foreign draws in', () => {
    const kernel = new LagKernel();
    const small = kernel.series(10);
    expect(kernel.holds(small)).toBe(true);
    expect(kernel.series(5)).toBe(small);
    const large = kernel.series(1_000_000);
    expect(large.length).toBe(1_000_000);
    expect(kernel.holds(large)).toBe(true);
    expect(kernel.holds(small)).toBe(false);
    // essFlat centres into its workspace's kernel buffer; a plain array gives the same ESS.
    const next = lcg(11);
    const x = Float64Array.from({ length: 400 }, next);
    const a = essFlat(x, 4, 100, new EssWorkspace());
    const b = essFlat(Float64Array.from(x), 4, 100, new EssWorkspace());
    expect(a).toBe(b);
  });
});
