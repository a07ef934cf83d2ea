// FFT and autocovariance checked against direct O(n²) sums (tolerance 1e-10 relative to the
// lag-0 value, far above double rounding for these sizes).
import { describe, expect, it } from 'vitest';
import { autocovariance, autocovariancePair, fft, nextPowerOfTwo } from '../../src/diagnostics/fft.js';

function pseudoRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

function directAutocovariance(x: number[]): number[] {
  const n = x.length;
  const m = x.reduce((a, b) => a + b, 0) / n;
  return x.map((_, k) => {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += (x[t] - m) * (x[t + k] - m);
    return s / n;
  });
}

describe('fft', () => {
  it('matches a direct DFT and inverts (unscaled inverse)', () => {
    const rand = pseudoRandom(7);
    for (const n of [1, 2, 4, 8, 64]) {
      const re = Float64Array.from({ length: n }, rand);
      const im = Float64Array.from({ length: n }, rand);
      const [re0, im0] = [re.slice(), im.slice()];
      fft(re, im);
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * j * k) / n;
          sr += re0[j] * Math.cos(a) - im0[j] * Math.sin(a);
          si += re0[j] * Math.sin(a) + im0[j] * Math.cos(a);
        }
        expect(re[k]).toBeCloseTo(sr, 10);
        expect(im[k]).toBeCloseTo(si, 10);
      }
      fft(re, im, true);
      for (let j = 0; j < n; j++) {
        expect(re[j] / n).toBeCloseTo(re0[j], 12);
        expect(im[j] / n).toBeCloseTo(im0[j], 12);
      }
    }
  });

  it('rejects lengths that are not powers of two', () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two/);
    expect(nextPowerOfTwo(1000)).toBe(1024);
    expect(nextPowerOfTwo(1024)).toBe(1024);
  });
});

describe('autocovariance', () => {
  it('equals the direct biased estimator at every lag', () => {
    const rand = pseudoRandom(11);
    for (const n of [1, 2, 3, 7, 100, 257, 1000]) {
      const x = Array.from({ length: n }, rand).map((v, i) => v + 0.3 * Math.sin(i / 5) + 2);
      const got = autocovariance(x);
      const want = directAutocovariance(x);
      expect(got.length).toBe(n);
      const scale = Math.max(want[0], 1e-300);
      for (let k = 0; k < n; k++) expect(Math.abs(got[k] - want[k]) / scale).toBeLessThan(1e-10);
    }
  });

  it('separates two series transformed together', () => {
    const rand = pseudoRandom(3);
    const n = 123;
    const a = Array.from({ length: n }, rand);
    const b = Array.from({ length: n }, () => rand() * 5);
    const center = (x: number[]): Float64Array => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      return Float64Array.from(x, (v) => v - m);
    };
    const outA = new Float64Array(n);
    const outB = new Float64Array(n);
    autocovariancePair(center(a), center(b), outA, outB);
    const wantA = directAutocovariance(a);
    const wantB = directAutocovariance(b);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(outA[k] - wantA[k]) / wantA[0]).toBeLessThan(1e-10);
      expect(Math.abs(outB[k] - wantB[k]) / wantB[0]).toBeLessThan(1e-10);
    }
  });
});
