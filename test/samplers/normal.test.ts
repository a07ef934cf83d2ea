/**
 * The ziggurat normal generator: with a fixed seed, bin frequencies over the whole line (the
 * rectangles, the wedges, and the tail beyond r = 3.4426) match Φ, and the first four moments
 * match N(0, 1), each within 4.5 Monte Carlo standard errors.
 */
import { describe, expect, it } from 'vitest';
import mt19937 from '@stdlib/random-base-mt19937';
import { ziggurat } from '../../samplers/normal.js';
import { createRng } from '../../samplers/rng.js';

/** Φ(b) − Φ(a) by composite Simpson's rule on the density (error far below the test's resolution). */
function normalProbability(a: number, b: number): number {
  const steps = 20000;
  const h = (b - a) / steps;
  const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
  let s = phi(a) + phi(b);
  for (let i = 1; i < steps; i++) s += (i % 2 ? 4 : 2) * phi(a + i * h);
  return (s * h) / 3;
}

describe('ziggurat normal generator', () => {
  const base = mt19937.factory({ seed: 20260517 });
  const normal = ziggurat(base, (base as unknown as { normalized: () => number }).normalized);
  const N = 2_000_000;
  const x = new Float64Array(N);
  for (let i = 0; i < N; i++) x[i] = normal();

  it('bin frequencies match Φ, including the wedges and the tail', () => {
    const cuts = [-Infinity, -4, -3.442619855899, -3, -2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.442619855899, 4, Infinity];
    const counts = new Array<number>(cuts.length - 1).fill(0);
    for (let i = 0; i < N; i++) {
      let b = 0;
      while (x[i] >= cuts[b + 1]) b++;
      counts[b]++;
    }
    counts.forEach((c, b) => {
      const lo = Math.max(cuts[b], -12);
      const hi = Math.min(cuts[b + 1], 12);
      const p = normalProbability(lo, hi);
      const se = Math.sqrt(N * p * (1 - p));
      expect(Math.abs(c - N * p) / se, `bin [${cuts[b]}, ${cuts[b + 1]})`).toBeLessThan(4.5);
    });
  });

  it('moments match N(0, 1)', () => {
    // Raw moments E[x^k] = 0, 1, 0, 3 with variances E[x^2k] − E[x^k]² = 1, 2, 15, 96.
    const target = [0, 1, 0, 3];
    const variance = [1, 2, 15, 96];
    for (let k = 1; k <= 4; k++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += x[i] ** k;
      const z = (s / N - target[k - 1]) / Math.sqrt(variance[k - 1] / N);
      expect(Math.abs(z), `moment ${k}`).toBeLessThan(4.5);
    }
  });

  it('is the stream of createRng, so one seed replays every draw', () => {
    const a = createRng(11);
    const b = createRng(11);
    for (let i = 0; i < 1000; i++) expect(a.normal()).toBe(b.normal());
  });
});
