/**
 * Bootstrap intervals of predictions (src/fit/bootstrap/predictInterval.ts) against lme4 1.1-31's
 * bootMer of predict() (test/fixtures/bootstrap/predict.json, test/fixtures/scripts/predict_boot.R,
 * 2,000 replicates): re.form = NA with new random effects (use.u = FALSE), and with the random
 * effects conditional on the estimated ones (use.u = TRUE). Point predictions to 1e-6 relative
 * (R's tight fit); at R's quantiles, our replicates' ECDF within 4·sqrt(q(1 − q)(1/N₁ + 1/N₂)),
 * tested through the intervals' limits at the matching levels.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { predictionIntervals } from '../../../src/fit/bootstrap/predictInterval.js';
import { fitLmm } from '../../../src/fit/lmm.js';
import { LmmError } from '../../../src/errors.js';
import { dataset } from '../../helpers.js';
import { normalQuantile as qnorm } from '../../../src/diagnostics/qnorm.js';

interface Row { point: number; quantiles: Record<string, number> }
const ref = JSON.parse(readFileSync('test/fixtures/bootstrap/predict.json', 'utf8')) as { formula: string; nsim: number; newdata: { Days: number[]; Subject: string[] }; population: Row[]; conditional: Row[] };
const fit = fitLmm(dataset('sleepstudy'), ref.formula);
const newdata = aq.table({ Days: ref.newdata.Days, Subject: ref.newdata.Subject });
const N = 400;

describe.each([
  ['population (re.form = NA)', false, ref.population],
  ['conditional (re.form = NULL, use.u = TRUE)', true, ref.conditional],
] as const)('%s', (_name, random, rows) => {
  it(`point predictions as lme4's and the ${N}-replicate 2.5%/25%/75%/97.5% limits at R's quantiles within MC error`, () => {
    for (const [level, lo, hi] of [[0.95, '0.025', '0.975'], [0.5, '0.25', '0.75']] as const) {
      const r = predictionIntervals(fit, newdata, { interval: 'confidence', random, n: N, seed: 91, level });
      rows.forEach((row, k) => {
        expect(Math.abs(r.fit[k] - row.point)).toBeLessThan(1e-6 * Math.abs(row.point));
        // The limit L = our quantile at q; R's replicates put mass q below R's quantile x_q. Compare
        // positions: our limit and R's quantile differ by at most the quantile's MC error, here
        // bounded through R's own neighbouring quantiles (the density between them).
        for (const [q, ours] of [[Number(lo), r.lower[k]], [Number(hi), r.upper[k]]] as const) {
          const x = row.quantiles[String(q)];
          const spread = (row.quantiles['0.75'] - row.quantiles['0.25']) / 1.349; // normal-scale SD of the replicates
          const se = (Math.sqrt(q * (1 - q) * (1 / N + 1 / ref.nsim)) / normalDensity(q)) * spread;
          expect(Math.abs(ours - x), `row ${k + 1} q = ${q}`).toBeLessThan(4 * se);
        }
      });
    }
  });
});

it('prediction intervals contain the confidence intervals; new levels need allowNewLevels', () => {
  const conf = predictionIntervals(fit, newdata, { interval: 'confidence', n: 200, seed: 3 });
  const pred = predictionIntervals(fit, newdata, { interval: 'prediction', n: 200, seed: 3 });
  for (let k = 0; k < 5; k++) {
    expect(pred.lower[k]).toBeLessThan(conf.lower[k]);
    expect(pred.upper[k]).toBeGreaterThan(conf.upper[k]);
  }
  const unseen = aq.table({ Days: [3], Subject: ['999'] });
  expect(() => predictionIntervals(fit, unseen, { interval: 'confidence', n: 10 })).toThrow(LmmError);
  const allowed = predictionIntervals(fit, unseen, { interval: 'prediction', n: 200, seed: 4, allowNewLevels: true });
  expect(allowed.newLevelRows).toBe(1);
  // A new subject's prediction interval includes the between-subject spread: wider than a known one's.
  expect(allowed.upper[0] - allowed.lower[0]).toBeGreaterThan(pred.upper[3] - pred.lower[3]);
});

/** φ(Φ⁻¹(q)): the standard normal density at its q quantile. */
function normalDensity(q: number): number {
  const z = qnorm(q);
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
