// The buffered summary path (one sort per parameter, folded ranks by merging outward from the
// median, indicator autocovariances by counting, lazily filled lags) against the straightforward
// per-statistic functions (which sort, fold, rank-normalize and materialize indicators
// separately) and an all-lags ESS reference: equal to 1e-12 relative on varied draw sets.
import { describe, expect, it } from 'vitest';
import { essBulk, essFlat, essIndicatorFlat, essOfChains, essTail, mcseMean, rhat } from '../../src/diagnostics/ess.js';
import { SortWorkspace, sortOrder } from '../../src/diagnostics/ranks.js';
import { mad, mean, median, quantile, sd } from '../../src/diagnostics/stats.js';
import { DrawsSummarizer, type SummaryRow } from '../../src/diagnostics/summarize.js';
import { ar1, normals } from './draws.helpers.js';

const TOLERANCE = 1e-12;

const rel = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

function expectClose(got: number | null, want: number | null, what: string): void {
  if (want === null) expect(got, what).toBeNull();
  else {
    expect(got, what).not.toBeNull();
    expect(rel(got as number, want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(TOLERANCE);
  }
}

function straightforward(chains: number[][]): SummaryRow {
  const pooled = chains.flat();
  return {
    mean: mean(pooled), median: median(pooled), sd: sd(pooled), mad: mad(pooled),
    q5: quantile(pooled, 0.05), q95: quantile(pooled, 0.95),
    rhat: rhat(chains), ess_bulk: essBulk(chains), ess_tail: essTail(chains), mcse_mean: mcseMean(chains),
  };
}

/** ESS with every autocovariance lag summed directly, written independently of essFlat. */
function referenceEss(chains: number[][]): number {
  const m = chains.length;
  const n = chains[0].length;
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const acov = chains.map((c, j) =>
    Array.from({ length: n }, (_, k) => {
      let s = 0;
      for (let t = 0; t + k < n; t++) s += (c[t] - means[j]) * (c[t + k] - means[j]);
      return s / n;
    }),
  );
  const at = (k: number): number => acov.reduce((s, a) => s + a[k], 0) / m;
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const w = (at(0) * n) / (n - 1);
  const varPlus = (w * (n - 1)) / n + (m > 1 ? means.reduce((s, v) => s + (v - grand) ** 2, 0) / (m - 1) : 0);
  const rho = new Array<number>(n + 2).fill(0);
  rho[0] = 1;
  let even = 1;
  let odd = 1 - (w - at(1)) / varPlus;
  rho[1] = odd;
  let t = 0;
  while (t < n - 5 && even + odd > 0) {
    t += 2;
    even = 1 - (w - at(t)) / varPlus;
    odd = 1 - (w - at(t + 1)) / varPlus;
    if (even + odd >= 0) {
      rho[t] = even;
      rho[t + 1] = odd;
    }
  }
  if (even > 0) rho[t] = even;
  for (let k = 2; k <= t - 2; k += 2) {
    if (rho[k] + rho[k + 1] > rho[k - 2] + rho[k - 1]) rho[k] = rho[k + 1] = (rho[k - 2] + rho[k - 1]) / 2;
  }
  const tau = Math.max(-1 + 2 * rho.slice(0, t).reduce((a, b) => a + b, 0) + rho[t], 1 / Math.log10(m * n));
  return (m * n) / tau;
}

const flat = (chains: number[][]): Float64Array => Float64Array.from(chains.flat());

describe('fast summary path equals the per-statistic functions (1e-12 relative)', () => {
  const cases: [string, number[][]][] = [
    ['iid, 4 chains, even', ar1(4, 1000, 0, 1)],
    ['AR(1) 0.5, 3 chains, odd', ar1(3, 1001, 0.5, 2)],
    ['AR(1) 0.9, 4 chains', ar1(4, 800, 0.9, 3)],
    ['AR(1) 0.99, 2 chains (long lags)', ar1(2, 1500, 0.99, 4)],
    ['AR(1) 0.998 (FFT fallback beyond 256 lags)', ar1(4, 1200, 0.998, 5)],
    ['antithetic AR(1) -0.6', ar1(4, 500, -0.6, 6)],
    ['1 chain, odd length', ar1(1, 333, 0.3, 7)],
    ['ties: rounded to 0.25', ar1(4, 600, 0.7, 8, (v) => Math.round(v * 4) / 4)],
    ['ties: integers, odd length', ar1(3, 255, 0.4, 9, (v) => Math.round(v))],
    ['ties: integers, −0 among the zeros (Math.round), 4000 draws', ar1(4, 1000, 0.4, 20, (v) => Math.round(v))],
    ['ties: binary', ar1(4, 300, 0.6, 10, (v) => (v > 0.8 ? 1 : 0))],
    ['ties: symmetric three values', ar1(4, 301, 0.2, 11, (v) => (v < -0.5 ? -1 : v > 0.5 ? 1 : 0))],
    ['skewed (exp)', ar1(4, 700, 0.8, 12, Math.exp)],
    ['heavy tails (cube)', ar1(2, 900, 0.5, 13, (v) => v ** 3)],
    ['one constant chain among varied ones', [...ar1(3, 400, 0.5, 14), new Array<number>(400).fill(0.25)]],
    ['all chains constant', [new Array<number>(100).fill(3), new Array<number>(100).fill(3)]],
    ['short chains (n = 7)', ar1(4, 7, 0.3, 15)],
    ['one chain stuck far in the tail', [...ar1(3, 400, 0.5, 16), ar1(1, 400, 0.5, 17, (v) => 6 + 0.01 * v)[0]]],
    // Constant z-scores detected from the ranks: every kept draw tied, or every kept folded draw.
    ['kept draws all tie, the dropped middle ones differ', [0, 1, 2].map((c) => Array.from({ length: 201 }, (_, t) => (t === 100 ? c + 3 : 2)))],
    // From 2048 draws the rank kernel sorts and ranks; folded draws that tie send it back here.
    // (dyadic draws mirrored about 1: x and 2 − x fold to exactly the same |x − 1|)
    ['mirrored chains: distinct draws, folded draws in tied pairs', ((c) => [c[0], c[1], c[0].map((v) => 2 - v), c[1].map((v) => 2 - v)])(ar1(2, 800, 0.3, 18, (v) => Math.round(v * 2 ** 20) / 2 ** 20))],
    ['one folded tie among 4000 draws', ((c) => [c[0], c[1], c[2], [...c[3].slice(0, 999), 2 * median(c.flat()) - c[0][0]]])(ar1(4, 1000, 0.2, 19))],
    ['folded draws all tie (±1 in equal numbers)', [0, 1, 2, 3].map((c) => Array.from({ length: 200 }, (_, t) => ((Math.floor(t / 5) + c) % 2 ? 1 : -1)))],
  ];
  const summarizer = new DrawsSummarizer(); // reused across shapes on purpose

  for (const [name, chains] of cases) {
    it(name, () => {
      const want = straightforward(chains);
      const got = summarizer.summarize(chains);
      for (const key of Object.keys(want) as (keyof SummaryRow)[]) expectClose(got[key], want[key], key);
    });
  }
});

describe('limits', () => {
  it('refuses, in one line, a parameter with more draws than a WebAssembly memory holds', () => {
    // (the check comes before any draw is read: the chains need not hold data)
    const chain = { length: 40_000_000 } as ArrayLike<number>;
    expect(() => new DrawsSummarizer().summarize([chain, chain])).toThrow(/a parameter has 80000000 draws; the summaries take at most about \d+ million per parameter/);
  });
});

describe('sorting', () => {
  it('sortOrder reports whether values tie', () => {
    const z = normals(6);
    const ws = new SortWorkspace();
    const distinct = Float64Array.from({ length: 5000 }, () => z());
    sortOrder(distinct, undefined, ws);
    expect(ws.ties).toBe(false);
    const tied = Float64Array.from(distinct, (v, i) => (i === 4999 ? distinct[17] : v));
    sortOrder(tied, undefined, ws);
    expect(ws.ties).toBe(true);
    // Distinct but equal in their leading 32 bits (finished by full value): no tie.
    const nearTies = Float64Array.from(distinct, (v, i) => (i === 4999 ? distinct[17] * (1 + 1e-12) : v));
    sortOrder(nearTies, undefined, ws);
    expect(ws.ties).toBe(false);
    sortOrder(distinct.subarray(0, 100), undefined, ws); // comparison sort: not checked
    expect(ws.ties).toBe(true);
  });

  it('sortOrder also writes the sorted values, ties and near-ties included', () => {
    const z = normals(5);
    const x = Float64Array.from({ length: 6000 }, (_, i) =>
      i % 3 === 0 ? Math.round(z() * 2) / 2 : i % 3 === 1 ? 1 + z() * 1e-10 : -0 * z() + z() * 100,
    );
    const order = new Uint32Array(x.length);
    const sorted = new Float64Array(x.length);
    sortOrder(x, order, undefined, sorted);
    expect(Array.from(sorted, (v) => v + 0)).toEqual(Array.from(Float64Array.from(x).sort(), (v) => v + 0));
    expect(Array.from(order)).toEqual(Array.from(x.keys()).sort((a, b) => x[a] - x[b] || a - b));
  });
});

describe('ESS building blocks (1e-12 relative)', () => {
  it('lazily filled direct/FFT lags equal the all-lags reference', () => {
    for (const [phi, n, m] of [[0, 300, 4], [0.6, 400, 3], [0.95, 500, 2], [0.998, 700, 4], [-0.7, 301, 1]] as const) {
      const chains = ar1(m, n, phi, 40 + n);
      expect(rel(essOfChains(chains) as number, referenceEss(chains)), `phi ${phi}`).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('indicator ESS by counting equals the ESS of the materialized 0/1 draws', () => {
    for (const [phi, n, m] of [[0, 500, 4], [0.9, 500, 4], [0.999, 900, 2], [0.5, 333, 3]] as const) {
      const chains = ar1(m, n, phi, 70 + n);
      const x = flat(chains);
      const sorted = Float64Array.from(x).sort();
      const order = sortOrder(x);
      for (const p of [0.02, 0.05, 0.3, 0.5, 0.95, 0.99]) {
        const q = quantile(x, p);
        const indicator = x.map((v) => (v <= q ? 1 : 0));
        const want = essFlat(indicator, m, n);
        expect(rel(essIndicatorFlat(x, q, m, n), want), `phi ${phi}, p ${p}`).toBeLessThanOrEqual(TOLERANCE);
        const viaOrder = essIndicatorFlat(x, q, m, n, undefined, { order, sorted });
        expect(rel(viaOrder, want), `phi ${phi}, p ${p} (from the order)`).toBeLessThanOrEqual(TOLERANCE);
      }
    }
  });

  it('indicator ESS with a chain whose ones are the majority (complemented chain)', () => {
    // chain 0 lies mostly below q, the others mostly above
    const chains = [...ar1(1, 400, 0.5, 90, (v) => v - 3), ...ar1(3, 400, 0.5, 91)];
    const x = flat(chains);
    const order = sortOrder(x);
    const sorted = Float64Array.from(x).sort();
    for (const p of [0.05, 0.2, 0.8]) {
      const q = quantile(x, p);
      const want = essFlat(x.map((v) => (v <= q ? 1 : 0)), 4, 400);
      expect(rel(essIndicatorFlat(x, q, 4, 400), want)).toBeLessThanOrEqual(TOLERANCE);
      expect(rel(essIndicatorFlat(x, q, 4, 400, undefined, { order, sorted }), want)).toBeLessThanOrEqual(TOLERANCE);
    }
  });
});
