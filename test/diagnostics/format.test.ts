/** Text rendering of summary numbers. */
import { describe, expect, it } from 'vitest';
import { formatEss, formatRhat, formatSignificant, formatSummaryTable } from '../../src/diagnostics/format.js';

describe('summary text', () => {
  it('gives three significant digits, whole numbers from 1000, exponents far from 1', () => {
    expect([0.000456789, 0.0123456, 1.23456, -12.3456, 999.4, 1234.5, -98765.4].map((v) => formatSignificant(v))).toEqual(
      ['0.000457', '0.0123', '1.23', '-12.3', '999', '1235', '-98765'],
    );
    expect([1.2345e-7, -2.706289689136653e297, 1.0206351962768771e300, 4.5e15].map((v) => formatSignificant(v))).toEqual(
      ['1.23e-7', '-2.71e+297', '1.02e+300', '4.50e+15'],
    );
    expect([formatSignificant(0), formatSignificant(null), formatSignificant(Infinity)]).toEqual(['0', 'NA', 'NA']);
    expect([formatRhat(1.00234), formatRhat(null), formatEss(3331.6), formatEss(null)]).toEqual(['1.002', 'NA', '3332', 'NA']);
  });

  it('aligns a table: names to the left, numbers to the right', () => {
    const row = { mean: 1.5, median: 1.5, sd: 0.25, mad: 0.3, q5: 1.1, q95: 1.9, rhat: 1.001, ess_bulk: 4000.2, ess_tail: 3000.7, mcse_mean: 0.01 };
    const text = formatSummaryTable([{ param: 'beta[1]', ...row }, { param: 'sigma', ...row, mean: null }]);
    expect(text.split('\n')).toEqual([
      'variable  mean  median     sd    mad    q5   q95   rhat  ess_bulk  ess_tail',
      'beta[1]   1.50    1.50  0.250  0.300  1.10  1.90  1.001      4000      3001',
      'sigma       NA    1.50  0.250  0.300  1.10  1.90  1.001      4000      3001',
      '',
    ]);
  });
});
