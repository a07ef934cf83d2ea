// Reference: R posterior 1.4.0 `summarise_draws` results stored in test/fixtures/posterior/*.json
// (copied from the shared folder). Tolerance: 1e-6 relative (absolute 1e-12 where the reference
// is 0); null (R's NA) must match null exactly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { essBulk, essTail, mcseMean, rhat } from '../../src/diagnostics/ess.js';
import { mad, mean, median, quantile, sd } from '../../src/diagnostics/stats.js';
import { summarizeDraws, summarizeParameters, summaryRows, type SummaryRow } from '../../src/diagnostics/summarize.js';

interface Fixture {
  name: string;
  chains: number;
  iterations: number;
  draws: number[][];
  summary: SummaryRow;
}

const dir = join(import.meta.dirname, '..', 'fixtures', 'posterior');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);

const STATS: (keyof SummaryRow)[] = ['mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean'];
const TOLERANCE = 1e-6;

function relativeError(got: number | null, want: number | null): number {
  if (want === null || got === null) return want === got ? 0 : Infinity;
  return want === 0 ? (Math.abs(got) < 1e-12 ? 0 : Infinity) : Math.abs(got - want) / Math.abs(want);
}

function expectMatches(name: string, got: SummaryRow, want: SummaryRow): void {
  for (const stat of STATS) {
    const err = relativeError(got[stat], want[stat]);
    expect(err, `${name} ${stat}: got ${got[stat]}, R posterior gives ${want[stat]}`).toBeLessThan(TOLERANCE);
  }
}

describe('posterior 1.4.0 fixtures', () => {
  it('covers the expected cases', () => {
    expect(fixtures.map((f) => f.name)).toEqual(
      expect.arrayContaining(['constant_chain', 'one_chain_odd_length', 'iid_normal', 'ar1_0.99', 'antithetic']),
    );
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
    for (const f of fixtures) {
      expect(f.draws.length).toBe(f.chains);
      for (const c of f.draws) expect(c.length).toBe(f.iterations);
    }
  });

  for (const f of fixtures) {
    it(`summarizeDraws matches ${f.name}`, () => {
      expectMatches(f.name, summarizeDraws(f.draws), f.summary);
    });

    it(`the plain per-statistic functions match ${f.name}`, () => {
      const pooled = f.draws.flat();
      const got: SummaryRow = {
        mean: mean(pooled),
        median: median(pooled),
        sd: sd(pooled),
        mad: mad(pooled),
        q5: quantile(pooled, 0.05),
        q95: quantile(pooled, 0.95),
        rhat: rhat(f.draws),
        ess_bulk: essBulk(f.draws),
        ess_tail: essTail(f.draws),
        mcse_mean: mcseMean(f.draws),
      };
      expectMatches(f.name, got, f.summary);
    });
  }

  it('summarizeParameters gives one row per fixture, in order, with the same values', () => {
    const table = summarizeParameters(fixtures.map((f) => ({ param: f.name, chains: f.draws })));
    expect(table.columnNames()).toEqual(['param', 'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean']);
    const rows = summaryRows(table);
    expect(rows.map((r) => r.param)).toEqual(fixtures.map((f) => f.name));
    rows.forEach((row, i) => expectMatches(fixtures[i].name, row, fixtures[i].summary));
  });

  it('the constant chain has null diagnostics (R: NA)', () => {
    const row = summarizeDraws(fixtures.find((f) => f.name === 'constant_chain')!.draws);
    expect([row.rhat, row.ess_bulk, row.ess_tail, row.mcse_mean]).toEqual([null, null, null, null]);
    expect(row.sd).toBe(0);
  });
});

// More draw sets, made here with R posterior 1.4.0 (Debian r-cran-posterior) by
// test/fixtures/scripts/posterior_extra.R: tiny and very short chains (2 and 3 draws, whose tail
// ESS posterior still gives), odd lengths, ties, heavy tails, chains stuck in different modes, a
// constant chain among varying ones, counts, infinite draws (written "Inf" and "-Inf"), and
// long chains (sorted and ranked in WebAssembly), folded draws tied in pairs among them.
const extraDir = join(import.meta.dirname, '..', 'fixtures', 'posterior_extra');
const extra: Fixture[] = readdirSync(extraDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const fixture = JSON.parse(readFileSync(join(extraDir, f), 'utf8')) as Fixture;
    const draws = fixture.draws as (number | string)[][];
    fixture.draws = draws.map((chain) => chain.map((v) => (v === 'Inf' ? Infinity : v === '-Inf' ? -Infinity : (v as number))));
    return fixture;
  });

describe('posterior 1.4.0 on draw sets beyond the shared fixtures', () => {
  it('has the 17 extra draw sets', () => expect(extra.length).toBe(17));
  for (const f of extra) {
    it(`summarizeDraws matches ${f.name}`, () => {
      expectMatches(f.name, summarizeDraws(f.draws), f.summary);
    });
  }
});
