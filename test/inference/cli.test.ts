/** `lmm fit` inference output: lmerTest's table and F tests, `--confint`, `--ddf`, errors. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/run.js';
import { fixtures, jsonFixtures, relClose } from '../helpers.js';

const data = (name: string) => join(fixtures, 'data', `${name}.csv`);
const reference = jsonFixtures<{ id: string; coefficients: { term: string; df: number; p: number }[]; anova: { term: string; DenDF: number }[]; profile: { parm: string; lower: number; upper: number }[] }>('lmertest')
  .find((r) => r.id === 'politeness_gender_reml')!;

describe('lmm fit inference', () => {
  const args = ['fit', '--data', data('politeness'), '--formula', 'frequency ~ attitude + gender + (1 | subject) + (1 | scenario)'];
  it('--json has ddf, pvalue and anova (lmerTest, 1e-4 on df) and confint rows in lme4 order', async () => {
    const r = await run(...args, '--json', '--confint', 'profile');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    for (const row of reference.coefficients) {
      expect(relClose(json.ddf[row.term], row.df, 1e-4), row.term).toBe(true);
      expect(relClose(json.pvalue[row.term], row.p, 1e-3), row.term).toBe(true);
    }
    expect(json.anova.map((a: { term: string }) => a.term)).toEqual(reference.anova.map((a) => a.term));
    expect(relClose(json.anova[1].DenDF, reference.anova[1].DenDF, 1e-4)).toBe(true);
    expect(json.confint.method).toBe('profile');
    expect(json.confint.level).toBe(0.95);
    expect(json.confint.rows.map((x: { name: string }) => x.name)).toEqual(reference.profile.map((x) => x.parm));
    json.confint.rows.forEach((x: { lower: number; upper: number }, i: number) => {
      expect(relClose(x.lower, reference.profile[i].lower, 1e-3)).toBe(true);
      expect(relClose(x.upper, reference.profile[i].upper, 1e-3)).toBe(true);
    });
    expect(r.stderr).toMatch(/profile intervals from the ML fit/);
  }, 60000);
  it('prints the t-test table with df and Pr(>|t|), the F tests and readable interval names', async () => {
    const r = await run(...args, '--confint', 'wald', '--level', '0.9');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Linear mixed model fit by REML\. t-tests use Satterthwaite's method/);
    expect(r.stdout).toMatch(/Estimate Std\. Error +df t value Pr\(>\|t\|\)/);
    expect(r.stdout).toMatch(/Type III Analysis of Variance Table with Satterthwaite's method/);
    expect(r.stdout).toMatch(/Wald confidence intervals:\n +5 % +95 %\nsd_\(Intercept\)\|scenario +NA +NA\n/);
    expect(r.stdout).toMatch(/\nsigma +NA +NA\n\(Intercept\) +\d/);
    expect(r.stdout).toMatch(/Signif\. codes/);
  });
  it('--ddf none prints lme4\'s table and leaves the inference fields out of the JSON', async () => {
    const text = await run(...args, '--ddf', 'none');
    expect(text.stdout).toMatch(/Estimate Std\. Error t value\n/);
    expect(text.stdout).not.toMatch(/Satterthwaite/);
    const json = JSON.parse((await run(...args, '--ddf', 'none', '--json')).stdout);
    expect(json).not.toHaveProperty('ddf');
    expect(json).not.toHaveProperty('anova');
  });
  it('--ddf kenward-roger gives pbkrtest\'s df and says so', async () => {
    const kr = jsonFixtures<{ id: string; coefficients: { term: string; df: number }[] }>('lmertest_kr').find((r) => r.id === 'politeness_gender_reml')!;
    const json = JSON.parse((await run(...args, '--ddf', 'kenward-roger', '--json')).stdout);
    for (const row of kr.coefficients) expect(relClose(json.ddf[row.term], row.df, 1e-4), row.term).toBe(true);
    const text = (await run(...args, '--ddf', 'kenward-roger')).stdout;
    expect(text).toMatch(/t-tests use Kenward-Roger's method/);
    expect(text).toMatch(/Type III Analysis of Variance Table with Kenward-Roger's method/);
  });
  it('--ddf kenward-roger on 7185 rows exits 2 with one line', async () => {
    const r = await run('fit', '--data', data('hsb'), '--formula', 'mathach ~ 1 + (1 | school)', '--ddf', 'kenward-roger');
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/7185 rows is above the limit/);
  });
  const errors: [string, string[], RegExp][] = [
    ['an unknown --ddf', ['--ddf', 'kr'], /--ddf must be satterthwaite, kenward-roger or none, got 'kr'/],
    ['Kenward-Roger by ML', ['--ddf', 'kenward-roger', '--ml'], /--ddf kenward-roger needs a REML fit/],
    ['an unknown --confint', ['--confint', 'exact'], /--confint must be profile, wald or boot, got 'exact'/],
    ['a bootstrap of no replicates', ['--confint', 'boot', '--nsim', '0'], /--nsim/],
    ['a level outside (0, 1)', ['--confint', 'wald', '--level', '95'], /--level must be a number between 0 and 1, got '95'/],
  ];
  for (const [name, extra, message] of errors) {
    it(`refuses ${name} with one line and exit 2`, async () => {
      const r = await run(...args, ...extra);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});

describe('lmm fit --confint boot', () => {
  it('prints percentile intervals of a parametric bootstrap, the same as lmm bootstrap\'s for the seed', async () => {
    const fitArgs = ['fit', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--ddf', 'none'];
    const r = await run(...fitArgs, '--confint', 'boot', '--nsim', '60', '--seed', '3', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.confint).toMatchObject({ method: 'boot', level: 0.95, nsim: 60, seed: 3 });
    const boot = JSON.parse((await run('bootstrap', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--n', '60', '--seed', '3', '--json')).stdout);
    expect(json.confint.rows.map((x: { name: string }) => x.name)).toEqual(boot.intervals.map((x: { name: string }) => x.name));
    json.confint.rows.forEach((row: { lower: number; upper: number }, i: number) => {
      expect(row.lower).toBe(boot.intervals[i].lower);
      expect(row.upper).toBe(boot.intervals[i].upper);
    });
    const text = (await run(...fitArgs, '--confint', 'boot', '--nsim', '60', '--seed', '3')).stdout;
    expect(text).toMatch(/Parametric bootstrap \(60 replicates, percentile\) confidence intervals:/);
  });
});
