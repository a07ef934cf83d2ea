// Edge cases of R posterior 1.4.0 (NA → null for constant, non-finite or too few draws; the middle
// draw of odd-length chains dropped when splitting) and internal consistency: the buffered
// summary path against the plain per-statistic functions (1e-10 relative), and the lazily
// computed autocovariances (direct blocks, FFT beyond 256 lags) against a straightforward
// all-lags implementation of the same estimator (1e-9 relative).
import { describe, expect, it } from 'vitest';
import { essBulk, essFlat, essMean, essOfChains, essTail, mcseMean, rhat, rhatOfChains, splitChains } from '../../src/diagnostics/ess.js';
import { DrawsSummarizer, summarizeDraws, type SummaryRow } from '../../src/diagnostics/summarize.js';
import { mad, mean, median, quantile, sd } from '../../src/diagnostics/stats.js';
import { ar1 } from './draws.helpers.js';

/** Straightforward ESS (all autocovariance lags by direct sums), written independently of essFlat. */
function referenceEss(chains: number[][]): number {
  const m = chains.length;
  const n = chains[0].length;
  const acov = chains.map((c) => {
    const mu = c.reduce((a, b) => a + b, 0) / n;
    return Array.from({ length: n }, (_, k) => {
      let s = 0;
      for (let t = 0; t + k < n; t++) s += (c[t] - mu) * (c[t + k] - mu);
      return s / n;
    });
  });
  const meanAt = (k: number): number => acov.reduce((s, a) => s + a[k], 0) / m;
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / n);
  const grand = means.reduce((a, b) => a + b, 0) / m;
  const w = (meanAt(0) * n) / (n - 1);
  const varPlus = (w * (n - 1)) / n + (m > 1 ? means.reduce((s, v) => s + (v - grand) ** 2, 0) / (m - 1) : 0);
  const rho = new Array<number>(n).fill(0);
  rho[0] = 1;
  let even = 1;
  let odd = 1 - (w - meanAt(1)) / varPlus;
  rho[1] = odd;
  let t = 0;
  while (t < n - 5 && even + odd > 0) {
    t += 2;
    even = 1 - (w - meanAt(t)) / varPlus;
    odd = 1 - (w - meanAt(t + 1)) / varPlus;
    if (even + odd >= 0) {
      rho[t] = even;
      rho[t + 1] = odd;
    }
  }
  const maxT = t;
  if (even > 0) rho[maxT] = even;
  for (let k = 2; k <= maxT - 2; k += 2) {
    if (rho[k] + rho[k + 1] > rho[k - 2] + rho[k - 1]) rho[k] = rho[k + 1] = (rho[k - 2] + rho[k - 1]) / 2;
  }
  const tau = Math.max(-1 + 2 * rho.slice(0, maxT).reduce((a, b) => a + b, 0) + rho[maxT], 1 / Math.log10(m * n));
  return (m * n) / tau;
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('ESS estimator', () => {
  it('agrees with an all-lags reference for weak and strong autocorrelation (FFT path included)', () => {
    for (const [phi, n] of [[0, 400], [0.6, 400], [0.97, 600], [0.998, 1200], [-0.7, 300]] as const) {
      const chains = ar1(3, n, phi, 99 + n);
      const got = essOfChains(chains);
      expect(got).not.toBeNull();
      expect(rel(got as number, referenceEss(chains)), `phi ${phi}`).toBeLessThan(1e-9);
    }
  });

  it('needs at least 3 draws per chain; R-hat needs 2 per split chain', () => {
    expect(essOfChains([[1, 2]])).toBeNull();
    expect(essOfChains([[1, 2, 4]])).not.toBeNull();
    expect(rhatOfChains([[1], [2]])).toBeNull();
    expect(rhatOfChains([[1, 2, 3]])).toBeNull(); // one chain
    for (const n of [1, 2, 3]) {
      const row = summarizeDraws([Array.from({ length: n }, (_, i) => i * 1.5), Array.from({ length: n }, (_, i) => i * 0.5)]);
      expect([row.rhat, row.ess_bulk, row.ess_tail, row.mcse_mean]).toEqual([null, null, null, null]);
      expect(row.mean).not.toBeNull();
    }
    // n = 4 and 5 split into chains of 2: R-hat defined, ESS (needs 3) not
    const row4 = summarizeDraws([[1, 3, 2, 5], [2, 1, 4, 3]]);
    expect(row4.rhat).not.toBeNull();
    expect(row4.ess_bulk).toBeNull();
  });
});

describe('splitting', () => {
  it('drops the middle draw of odd-length chains', () => {
    expect(splitChains([[1, 2, 3, 4, 5]]).map((c) => Array.from(c))).toEqual([[1, 2], [4, 5]]);
    expect(splitChains([[1, 2, 3, 4], [5, 6, 7, 8]]).map((c) => Array.from(c))).toEqual([[1, 2], [5, 6], [3, 4], [7, 8]]);
    expect(splitChains([[7]]).map((c) => Array.from(c))).toEqual([[7]]);
  });
});

describe('the single-statistic functions on R matrices that posterior treats specially', () => {
  // References: R 4.2.2, posterior 1.4.0, on matrix(c(...), nrow = draws per chain).
  const close = (got: number | null, want: number) => expect(Math.abs((got as number) - want)).toBeLessThanOrEqual(1e-12 * Math.abs(want));

  it('chains of 3 draws: split into the first and the last draws of every chain, as R drops x[1:1, ]', () => {
    const chains = [[0.1, 0.5, -0.3], [0.8, 1.2, -0.7], [0.4, 0.9, 0.25], [-1.1, 2.2, 0.05]];
    expect(splitChains(chains).map((c) => Array.from(c))).toEqual([[0.1, 0.8, 0.4, -1.1], [-0.3, -0.7, 0.25, 0.05]]);
    close(essBulk(chains), 4);
    close(rhat(chains), 0.94145884976928607);
    close(essMean(chains), 4);
    close(mcseMean(chains), 0.43859710924996331);
    expect(essTail(chains)).toBeNull();
  });

  it('an infinite draw: R-hat and bulk ESS from the ranks, the rest NA', () => {
    const columns = [
      [0.3, -0.2, 1.5, Infinity, 0.7, -0.9, 0.1, 2.4], [-1.3, 0.6, 0.8, -0.4, 1.1, 0.9, 0.2, 0.5],
      [0.15, -0.35, 1.25, 0.45, -0.75, 0.05, 0.65, -1.45], [2.1, -0.6, 0.35, 1.05, -0.15, 0.85, -1.2, 0.4],
    ];
    close(essBulk(columns), 16);
    close(rhat(columns), 0.99502629260511954);
    expect([essTail(columns), essMean(columns), mcseMean(columns)]).toEqual([null, null, null]);
    expect(rhat(columns.map((c) => c.map((v) => (v > 0 ? Infinity : v))))).toBeNull(); // median infinite
  });
});

describe('undefined statistics', () => {
  it('constant draws: sd and mad 0, diagnostics null', () => {
    const row = summarizeDraws([new Array(50).fill(2), new Array(50).fill(2)]);
    expect(row).toMatchObject({ mean: 2, median: 2, sd: 0, mad: 0, q5: 2, q95: 2 });
    expect([row.rhat, row.ess_bulk, row.ess_tail, row.mcse_mean]).toEqual([null, null, null, null]);
  });

  it('a missing draw (NaN) makes every statistic null', () => {
    const chains = ar1(2, 100, 0.3, 5);
    chains[1][17] = NaN;
    expect(Object.values(summarizeDraws(chains)).every((v) => v === null)).toBe(true);
  });

  it('an infinite draw: quantiles, median, R-hat and bulk ESS (ranks) defined; mean, sd, tail ESS and MCSE null', () => {
    // as posterior 1.4.0 (see the infinite_draws fixture for its numbers)
    const chains = ar1(2, 100, 0.3, 6);
    chains[0][3] = Infinity;
    const row = summarizeDraws(chains);
    expect(row.median).toBeCloseTo(median(chains.flat()), 12);
    expect(row.q5).toBeCloseTo(quantile(chains.flat(), 0.05), 12);
    expect(row.q95).not.toBeNull();
    expect(row.rhat).not.toBeNull();
    expect(row.ess_bulk).not.toBeNull();
    expect([row.mean, row.sd, row.ess_tail, row.mcse_mean]).toEqual([null, null, null, null]);
  });

  it('rejects chains of unequal length', () => {
    expect(() => summarizeDraws([[1, 2, 3], [1, 2]])).toThrow(/same number of draws/);
  });
});

describe('buffered summary path', () => {
  const cases: [string, number[][]][] = [
    ['4 chains, even', ar1(4, 200, 0.5, 1)],
    ['3 chains, odd', ar1(3, 101, 0.8, 2)],
    ['1 chain, odd', ar1(1, 77, 0.2, 3)],
    ['ties (rounded)', ar1(4, 150, 0.4, 4, (v) => Math.round(v * 2) / 2)],
    ['ties, odd length', ar1(2, 61, 0.1, 8, (v) => Math.round(v))],
    ['skewed', ar1(2, 300, 0.9, 9, Math.exp)],
    ['binary', ar1(4, 64, 0.3, 10, (v) => (v > 0.5 ? 1 : 0))],
  ];
  const summarizer = new DrawsSummarizer(); // reused across shapes on purpose

  for (const [name, chains] of cases) {
    it(`matches the per-statistic functions: ${name}`, () => {
      const pooled = chains.flat();
      const want: SummaryRow = {
        mean: mean(pooled), median: median(pooled), sd: sd(pooled), mad: mad(pooled),
        q5: quantile(pooled, 0.05), q95: quantile(pooled, 0.95),
        rhat: rhat(chains), ess_bulk: essBulk(chains), ess_tail: essTail(chains), mcse_mean: mcseMean(chains),
      };
      const got = summarizer.summarize(chains);
      for (const key of Object.keys(want) as (keyof SummaryRow)[]) {
        const w = want[key];
        const g = got[key];
        if (w === null) expect(g, key).toBeNull();
        else if (w === 0) expect(g, key).toBe(0);
        else expect(rel(g as number, w), `${key}: ${g} vs ${w}`).toBeLessThan(1e-10);
      }
      expect(essMean(chains)).not.toBeNull();
    });
  }

  it('reads any array-like chains (Float64Array, plain arrays)', () => {
    const chains = ar1(2, 80, 0.2, 12);
    expect(summarizeDraws(chains.map((c) => Float64Array.from(c)))).toEqual(summarizeDraws(chains));
  });

  it('essFlat returns NaN (not a number) for constant input', () => {
    expect(essFlat(new Float64Array(20).fill(1), 2, 10)).toBeNaN();
  });
});
