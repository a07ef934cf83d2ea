/**
 * Seed 004 (Risk, BIOS 526): the random-intercept shrinkage lesson on sleepstudy,
 * Reaction ~ 1 + (1 | Subject). The eBLUP of subject i is the seed's
 *
 *     θ̂_i = (σ²/τ² μ + Σ_j y_ij) / (r_i + σ²/τ²),
 *
 * a weighted average of the subject's mean and the population mean μ with weight τ²/(τ² + σ²/r_i) on
 * the subject's mean. The example checks the formula against the fitter's eBLUPs, shows the ICC and
 * the effective degrees of freedom n·r/(r + σ²/τ²), then keeps only the first r_i rows of a few
 * subjects to show the eBLUP and the posterior mean moving toward μ as r_i shrinks.
 *
 *     npm run build && node dist/examples/shrinkage.js [--report shrinkage.html]
 */
import * as aq from 'arquero';
import { signif, table } from '../src/fit/format.js';
import { compare, type Comparison } from '../samplers/compare/index.js';
import { writeReport } from '../src/node/files.js';
import { besideTable, isEntryPoint, loadDataset, reportArgument, type ExampleOptions } from './common.js';

const formula = 'Reaction ~ 1 + (1 | Subject)';

/** Rows kept per subject in the subsampled data (the others keep all 10). */
export const SUBSAMPLE: Record<string, number> = { '308': 1, '309': 2, '337': 3, '310': 5 };

/** The seed's θ̂_i for every level of a random-intercept comparison, from its own sums. */
function seedFormula(comparison: Comparison, y: Float64Array, subject: string[]): number[] {
  const { fit } = comparison;
  const mu = fit.fixef['(Intercept)'];
  const ratio = fit.sigma ** 2 / fit.Psi[0][0];
  return comparison.groups.map((g) => {
    let sum = 0;
    for (let i = 0; i < y.length; i++) if (subject[i] === g.level) sum += y[i];
    return (ratio * mu + sum) / (g.n + ratio);
  });
}

/** Run the lesson and print it; returns the comparison on the subsampled data. */
export async function main(options: ExampleOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const sampler = { chains: options.chains ?? 4, iter: options.iter ?? 2000, seed: options.seed ?? 526 };
  const sleep = loadDataset('sleepstudy');

  const full = await compare(sleep, formula, sampler);
  const { fit } = full;
  const tau2 = fit.Psi[0][0];
  const sigma2 = fit.sigma ** 2;
  log(`== ${formula}: all 18 subjects with r = 10 days each ==`);
  log(`  mu = ${signif(fit.fixef['(Intercept)'], 5)}, tau^2 = ${signif(tau2, 5)}, sigma^2 = ${signif(sigma2, 5)}, sigma^2/tau^2 = ${signif(sigma2 / tau2, 4)}`);
  const theta = seedFormula(full, sleep.array('Reaction') as Float64Array, Array.from(sleep.array('Subject') as ArrayLike<unknown>, String));
  log('The seed\'s formulas (left) beside the fitter and the comparison module (right):');
  log(
    besideTable([
      ['ICC tau^2/(tau^2 + sigma^2)', +(tau2 / (tau2 + sigma2)).toFixed(6), full.icc[0].estimate],
      // The seed's n r/(r + sigma^2/tau^2) is for a model without fixed effects; estimating the mean takes one level's share.
      ['EDF (n - 1) r/(r + sigma^2/tau^2)', +((17 * 10) / (10 + sigma2 / tau2)).toFixed(6), full.edf[0].estimate],
      ...full.groups.slice(0, 4).map((g, j): [string, number, number] => [`theta_${g.level} formula vs eBLUP`, +theta[j].toFixed(6), g.eblup]),
    ]),
  );
  log(`  largest |formula - eBLUP| over the 18 subjects: ${signif(Math.max(...full.groups.map((g, j) => Math.abs(g.eblup - theta[j]))), 2)}`);

  const subsample = aq
    .from(sleep)
    .groupby('Subject')
    .derive({ day: aq.op.row_number() })
    .ungroup()
    .filter(aq.escape((d: { Subject: unknown; day: number }) => d.day <= (SUBSAMPLE[String(d.Subject)] ?? 10)))
    .select('Reaction', 'Subject');
  const small = await compare(subsample, formula, sampler);
  log(`\n== The same model after keeping only the first r_i days of subjects ${Object.keys(SUBSAMPLE).join(', ')} ==`);
  log(`  tau^2 = ${signif(small.fit.Psi[0][0], 5)}, sigma^2 = ${signif(small.fit.sigma ** 2, 5)}, mu = ${signif(small.fit.fixef['(Intercept)'], 5)}`);
  const weight = new Map(small.shrinkageWeights.map((w) => [w.level, w.weight]));
  const rows = small.groups
    .filter((g) => g.level in SUBSAMPLE || g.level === '330' || g.level === '372')
    .sort((a, b) => a.n - b.n)
    .map((g) => [g.level, String(g.n), signif(weight.get(g.level) as number, 3), signif(g.ols, 5), signif(g.eblup, 5), signif(g.posteriorMean, 5), `[${signif(g.q5, 4)}, ${signif(g.q95, 4)}]`, signif(g.shrinkage, 3)]);
  log(table([['subject', 'r_i', 'weight', 'mean (OLS)', 'eBLUP', 'posterior mean', '90% interval', 'shrinkage'], ...rows], 1, '  '));
  const gap = Math.max(...small.groups.map((g) => Math.abs((g.shrinkage as number) - (1 - (weight.get(g.level) as number)))));
  log(`  shrinkage = (ols - eblup)/(ols - population) is 1 - weight for every subject (largest gap ${signif(gap, 2)}): the level's mean`);
  log('  is its no-pooling estimate, mu its complete-pooling one, and the eBLUP lies the weight of the way from mu to it.');
  log('  As r_i falls the weight on the subject\'s own mean falls: the eBLUP moves toward mu and the posterior');
  log('  mean follows it, with a wider interval that also carries the uncertainty in tau^2 and sigma^2.');
  if (options.report) {
    await writeReport(small, options.report);
    log(`wrote ${options.report}`);
  }
  return small;
}

if (isEntryPoint(import.meta.url)) await main({ report: reportArgument() });
