/**
 * Seed 001 (Liu, after Fox): High School and Beyond, 7,185 students in 160 schools. The random-effects
 * ANOVA, the random-coefficients model and its REML likelihood-ratio test, the coefficients-as-outcomes
 * models, each beside the numbers the notes print; then the Bayesian fit and the schools' shrinkage.
 *
 *     npm run build && node dist/examples/hsb.js [--report hsb.html]
 */
import { anova } from '../src/fit/anova.js';
import { fitLmm } from '../src/fit/lmm.js';
import { signif } from '../src/fit/format.js';
import { compare, formatModelLevel } from '../samplers/compare/index.js';
import { writeReport } from '../src/node/files.js';
import { besideTable, combination, component, isEntryPoint, loadDataset, reportArgument, type ExampleOptions } from './common.js';

/** Run the HSB analyses and print them; returns the comparison of the random-coefficients model. */
export async function main(options: ExampleOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const hsb = loadDataset('hsb');

  log('== Random-effects one-way ANOVA: mathach ~ 1 + (1 | school) ==');
  const anovaMl = fitLmm(hsb, 'mathach ~ 1 + (1 | school)', { reml: false });
  const anovaReml = fitLmm(hsb, 'mathach ~ 1 + (1 | school)');
  const psi1 = component(anovaReml, 'school', '(Intercept)');
  log(
    besideTable([
      ['beta1 (ML)', 12.637, anovaMl.fixef['(Intercept)']],
      ['psi1 (ML)', 2.925, component(anovaMl, 'school', '(Intercept)').sdcor],
      ['sigma (ML)', 6.257, anovaMl.sigma],
      ['beta1 (REML)', 12.637, anovaReml.fixef['(Intercept)']],
      ['psi1 (REML)', 2.935, psi1.sdcor],
      ['sigma (REML)', 6.257, anovaReml.sigma],
      ['ICC psi1^2/(psi1^2 + sigma^2)', 0.18, psi1.vcov / (psi1.vcov + anovaReml.sigma ** 2)],
    ]),
  );

  log('\n== Random-coefficients model: mathach ~ cses + (cses | school) ==');
  const rc = { ML: fitLmm(hsb, 'mathach ~ cses + (cses | school)', { reml: false }), REML: fitLmm(hsb, 'mathach ~ cses + (cses | school)') };
  const published = {
    ML: { b1: [12.636, 0.244], b2: [2.193, 0.128], psi1: 2.936, psi2: 0.823, psi12: 0.041, sigma: 6.058 },
    REML: { b1: [12.636, 0.245], b2: [2.193, 0.128], psi1: 2.946, psi2: 0.833, psi12: 0.042, sigma: 6.058 },
  };
  for (const method of ['ML', 'REML'] as const) {
    const fit = rc[method];
    const pub = published[method];
    const se = fit.stderr;
    log(
      besideTable([
        [`beta1 (${method})`, pub.b1[0], fit.beta[0]],
        [`  std. error`, pub.b1[1], se[0]],
        [`beta2 cses (${method})`, pub.b2[0], fit.beta[1]],
        [`  std. error`, pub.b2[1], se[1]],
        [`psi1 (${method})`, pub.psi1, component(fit, 'school', '(Intercept)').sdcor],
        [`psi2 (${method})`, pub.psi2, component(fit, 'school', 'cses').sdcor],
        [`psi12 (${method}, covariance)`, pub.psi12, component(fit, 'school', '(Intercept)', 'cses').vcov],
        [`  as a correlation`, null, component(fit, 'school', '(Intercept)', 'cses').sdcor],
        [`sigma (${method})`, pub.sigma, fit.sigma],
      ]),
    );
  }
  log('  (psi12: lme4 1.1-31 gives the covariance 0.0468 (REML) too, test/fixtures/lme4/hsb_cses_reml.json; the notes\' 0.041/0.042 differ from lme4 on this value only.)');
  const lrt = anova(hsb, ['mathach ~ cses + (1 | school)', 'mathach ~ cses + (cses | school)'], { refit: false });
  const [m0, m1] = lrt.models;
  log('REML likelihood-ratio test of the random slopes (same fixed effects, so REML is legitimate):');
  log(
    besideTable([
      ['log L1 (cses | school)', -23357.12, m1.logLik],
      ['log L0 (1 | school)', -23362.0, m0.logLik],
      ['G^2', 9.76, m1.Chisq as number],
      ['df', 2, m1.Df as number],
      ['p', 0.008, m1.p as number],
    ]),
  );
  log(`  boundary-corrected p (50:50 mixture of chi2(1) and chi2(2)): ${signif(m1.pBoundary, 3)}`);

  log('\n== Coefficients-as-outcomes ==');
  const fixed = 'mathach ~ meanses + sector + cses + meanses:cses + I(meanses^2):cses + sector:cses';
  const outcomes = [`${fixed} + (cses | school)`, `${fixed} + (0 + cses | school)`, `${fixed} + (1 | school)`].map((f) => fitLmm(hsb, f));
  log(
    besideTable([
      ['log L model 1 (cses | school)', -23247.7, outcomes[0].logLik],
      ['log L model 2 omitting psi1^2, psi12', -23357.86, outcomes[1].logLik],
      ['log L model 3 omitting psi2^2, psi12', -23247.93, outcomes[2].logLik],
      ['G^2 random intercepts (1 vs 2)', 219.86, 2 * (outcomes[0].logLik - outcomes[1].logLik)],
      ['G^2 random slopes (1 vs 3)', 0.46, 2 * (outcomes[0].logLik - outcomes[2].logLik)],
    ]),
  );
  log('  (The notes\' G^2 = 219.86 does not follow from their own log L: 2 x (-23247.70 + 23357.86) = 220.32.)');
  log('REML estimates of model 3. The notes code sector with Public = 0; R\'s treatment contrasts make Catholic');
  log('the reference (sectorPublic), so the notes\' coefficients are these combinations of ours:');
  const m3 = outcomes[2];
  const rows: [string, number, number, Record<string, number>][] = [
    ['beta1 intercept = (Intercept) + sectorPublic', 12.128, 0.199, { '(Intercept)': 1, sectorPublic: 1 }],
    ['beta2 meanses', 5.337, 0.369, { meanses: 1 }],
    ['beta3 Catholic = -sectorPublic', 1.225, 0.306, { sectorPublic: -1 }],
    ['beta4 cses = cses + sectorPublic:cses', 3.14, 0.166, { cses: 1, 'sectorPublic:cses': 1 }],
    ['beta5 meanses:cses', 0.755, 0.308, { 'meanses:cses': 1 }],
    ['beta6 cses:I(meanses^2)', -1.647, 0.575, { 'cses:I(meanses^2)': 1 }],
    ['beta7 Catholic:cses = -sectorPublic:cses', -1.516, 0.237, { 'sectorPublic:cses': -1 }],
  ];
  log(
    besideTable([
      ...rows.flatMap(([label, est, se, w]): [string, number, number][] => {
        const c = combination(m3, w);
        return [[label, est, c.estimate], ['  std. error', se, c.stderr]];
      }),
      ['psi1', 1.541, component(m3, 'school', '(Intercept)').sdcor],
      ['sigma', 6.06, m3.sigma],
    ]),
  );

  log('\n== The schools three ways: no pooling, complete pooling, partial pooling ==');
  log('  "A level-2 model relates the coefficients in the level-1 model to characteristics of schools":');
  log('    alpha_0i = gamma_00 + gamma_01 meanses_i + gamma_02 sector_i + u_0i');
  log('    alpha_1i = gamma_10 + gamma_11 meanses_i + gamma_12 sector_i + u_1i');
  log('  (the notes\' model without the meanses^2 term). Each school\'s alpha_0i and alpha_1i, estimated');
  log('  - with no pooling: its own dummy-variable regression (ols), meanses and sector absorbed into them;');
  log('  - with complete pooling: the level-2 line alone, gamma\'w_i (population);');
  log('  - with partial pooling: gamma\'w_i + u_i from the REML fit (eblup), and by the Gibbs sampler (posterior).');
  const formula = 'mathach ~ meanses + sector + cses + meanses:cses + sector:cses + (cses | school)';
  const comparison = await compare(hsb, formula, { chains: options.chains ?? 4, iter: options.iter ?? 1000, seed: options.seed ?? 2024 });
  for (const note of comparison.notes) log(`  ${note}`);
  const fit = comparison.fit;
  const summary = new Map(comparison.sample.summary().map((r) => [r.param, r]));
  log('  quantity                 REML   posterior mean');
  for (const [label, exact, param] of [
    ['gamma_00 (Intercept)', fit.fixef['(Intercept)'], 'beta[(Intercept)]'],
    ['gamma_01 meanses', fit.fixef.meanses, 'beta[meanses]'],
    ['gamma_02 sectorPublic', fit.fixef.sectorPublic, 'beta[sectorPublic]'],
    ['gamma_10 cses', fit.fixef.cses, 'beta[cses]'],
    ['psi1^2', fit.Psi[0][0], 'Psi[school][(Intercept),(Intercept)]'],
    ['psi2^2', fit.Psi[0][3], 'Psi[school][cses,cses]'],
    ['sigma^2', fit.sigma ** 2, 'sigma2'],
  ] as const) {
    log(`  ${label.padEnd(22)} ${signif(exact, 5).padStart(8)} ${signif(summary.get(param)?.mean as number, 5).padStart(12)}`);
  }
  log('  Under the default priors (half-t with 2 df on each SD, scale sd(y) for the intercept and sd(y)/sd(cses) for');
  log('  the slope; Huang & Wand 2013) the posterior of the variance components sits near REML: 160 schools of about 45 students');
  log('  say enough about them, though the slope variance\'s posterior keeps a long tail toward 0.');
  log(formatModelLevel(comparison));
  for (const term of ['(Intercept)', 'cses']) {
    const rowsOfTerm = comparison.groups.filter((g) => g.term === term && g.shrinkage !== null);
    const shrink = rowsOfTerm.map((g) => g.shrinkage as number).sort((a, b) => a - b);
    const median = shrink[Math.floor(shrink.length / 2)];
    const inside = shrink.filter((v) => v >= 0 && v <= 1).length;
    const grand = fit.fixef[term];
    // Toward their own line, not the grand mean: the eBLUP is nearer gamma'w_i than the bare fixed effect is.
    const ownLine = rowsOfTerm.filter((g) => Math.abs(g.eblup - g.population) < Math.abs(g.eblup - grand)).length;
    log(`  ${term}: median shrinkage toward gamma'w_i ${signif(median, 3)}, in [0, 1] for ${inside} of ${rowsOfTerm.length} schools; eBLUP nearer its school's own level-2 value than to the bare ${term} coefficient in ${ownLine}`);
  }
  log('  The slopes are pooled almost completely (psi2^2 is small once meanses and sector are in the level-2 model:');
  log('  "the level-2 explanatory variables do a sufficiently good job of accounting for differences in slopes"),');
  log('  and a slope\'s eBLUP also moves with its intercept\'s mode (their correlation in Psi), so where a school\'s own');
  log('  slope is close to its level-2 value the ratio (ols - eblup)/(ols - population) can fall outside [0, 1].');
  const [lo, hi] = [...comparison.groups.filter((g) => g.term === '(Intercept)')].sort((a, b) => a.population - b.population).filter((_, i, a) => i === 0 || i === a.length - 1);
  log(`  Population intercepts run from ${signif(lo.population, 4)} (school ${lo.level}) to ${signif(hi.population, 4)} (school ${hi.level}): each school is pulled toward its own`);
  log('  sector\'s line at its own meanses, not toward one grand mean.');
  const report = options.report;
  if (report) {
    await writeReport(comparison, report);
    log(`wrote ${report}`);
  }
  return comparison;
}

if (isEntryPoint(import.meta.url)) await main({ report: reportArgument() });
