/** The WebAssembly lag kernel (lag sums and chain moments) against plain double loops. */
import { describe, expect, it } from 'vitest';
import { KERNEL_LAGS, LagKernel } from '../../src/diagnostics/lagKernel.js';
import { EssWorkspace, chainMoments, essFlat } from '../../src/diagnostics/ess.js';
import { kernelMemory } from '../../src/diagnostics/wasm.js';
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

  it('computes chain means and variances as chainMoments does (1e-14 and 1e-12 relative), centring where asked', () => {
    const next = lcg(13);
    const memory = kernelMemory(1 << 20);
    const kernel = new LagKernel({ memory, at: 4096, length: 20_000, chains: 8 });
    const x = new Float64Array(memory.buffer, 0, 512); // draws elsewhere in the same memory
    for (const [m, n] of [[1, 1], [1, 2], [3, 5], [8, 63], [2, 255]] as const) {
      for (let i = 0; i < m * n; i++) x[i] = 1e6 + next() * (i % 7); // offset: a naive one-pass formula would lose digits
      const means = new Float64Array(m);
      const vars = new Float64Array(m);
      const centred = kernel.series(m * n);
      kernel.moments(x, m, n, means, vars, centred);
      const wantMeans = new Float64Array(m);
      const wantVars = new Float64Array(m);
      const wantCentred = new Float64Array(m * n);
      chainMoments(x.slice(0, m * n), m, n, wantMeans, wantVars, wantCentred);
      for (let c = 0; c < m; c++) {
        expect(Math.abs(means[c] - wantMeans[c])).toBeLessThanOrEqual(1e-14 * Math.abs(wantMeans[c]));
        if (n === 1) expect(vars[c]).toBeNaN();
        else expect(Math.abs(vars[c] - wantVars[c])).toBeLessThanOrEqual(1e-12 * wantVars[c]);
      }
      for (let i = 0; i < m * n; i++) expect(Math.abs(centred[i] - wantCentred[i])).toBeLessThanOrEqual(1e-9);
      // in place, and without writing
      const before = x.slice(0, m * n);
      kernel.moments(x, m, n, means, vars);
      expect(x.slice(0, m * n)).toEqual(before);
      kernel.moments(x, m, n, means, vars, x);
      for (let i = 0; i < m * n; i++) expect(x[i]).toBe(centred[i]);
    }
  });

  it('keeps to its region of a shared memory', () => {
    const memory = kernelMemory(1 << 16);
    const kernel = new LagKernel({ memory, at: 1024, length: 100, chains: 2 });
    expect(kernel.series(100).byteOffset).toBeGreaterThanOrEqual(1024);
    expect(() => kernel.series(101)).toThrow(/region/);
    const inside = new Float64Array(memory.buffer, 0, 100);
    const means = new Float64Array(3);
    expect(() => kernel.moments(inside, 3, 10, means, means)).toThrow(/chains/);
    expect(() => kernel.moments(new Float64Array(100), 2, 10, means, means)).toThrow(/outside/);
    expect(() => new LagKernel({ memory, at: 1000, length: 10, chains: 1 })).toThrow(/unaligned/);
  });
});
