/** The lmm command line: outputs, exit statuses and one-line errors (CONTRACT.md). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { fixtures } from '../helpers.js';


const data = (name: string) => join(fixtures, 'data', `${name}.csv`);

describe('lmm fit', () => {
  it('--json prints exactly one JSON object with the contract fields', async () => {
    const r = await run('fit', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    for (const key of ['method', 'formula', 'nobs', 'ngroups', 'fixef', 'stderr', 'vcov', 'theta', 'sigma', 'varcorr', 'logLik', 'df', 'AIC', 'BIC', 'deviance', 'REMLcrit', 'singular', 'converged', 'ranef', 'fitMillis']) {
      expect(json, key).toHaveProperty(key);
    }
    expect(json.method).toBe('REML');
    expect(r.stderr).toBe('');
  });
  it('prints an lme4-style summary, with the singular-fit note', async () => {
    const r = await run('fit', '--data', data('dyestuff2'), '--formula', 'Yield ~ 1 + (1 | Batch)');
    expect(r.stdout).toMatch(/Linear mixed model fit by REML/);
    expect(r.stdout).toMatch(/Random effects:/);
    expect(r.stdout).toMatch(/boundary \(singular\) fit/);
  });
  it('reports rows dropped for missing values on stderr', async () => {
    const r = await run('fit', '--data', data('politeness'), '--formula', 'frequency ~ attitude + (1 | subject)', '--ml', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).nobs).toBe(83);
    expect(r.stderr).toMatch(/dropped 1 of 84 rows/);
  });
});

describe('user errors exit 2 with one line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-cli-'));
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['missing --data', ['fit', '--formula', 'y ~ (1|g)'], /missing required option --data/],
    ['unknown option', ['fit', '--bogus'], /Unknown option '--bogus'/],
    ['unreadable file', ['fit', '--data', join(dir, 'none.csv'), '--formula', 'y ~ (1 | g)'], /cannot read data file/],
    ['malformed formula', ['fit', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject'], /unbalanced parenthesis at column \d+/],
    ['no random effects', ['fit', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days'], /no random-effects terms: use a linear model/],
    ['unknown column', ['fit', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Day + (1 | Subject)'], /unknown column 'Day' in formula \(did you mean 'Days'\?\)/],
    ['bad sampler option', ['sample', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (1 | Subject)', '--iter', '0'], /--iter must be an integer >= 1, got '0'/],
    ['warmup not below iter', ['sample', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (1 | Subject)', '--iter', '100', '--warmup', '100'], /--warmup \(100\) must be below --iter \(100\)/],
  ];
  for (const [name, argv, message] of cases) {
    it(name, async () => {
      const r = await run(...argv);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
  it('bad priors name the entry', async () => {
    const priors = join(dir, 'priors.json');
    writeFileSync(priors, JSON.stringify({ Psi: { Subjekt: { df: 3 } } }));
    const r = await run('sample', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (1 | Subject)', '--priors', priors, '--iter', '20');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--priors: Psi: unknown grouping factor 'Subjekt'/);
  });
});

describe('lmm sample', () => {
  it('--json has the contract fields; the same seed gives the same numbers', async () => {
    const args = ['sample', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (1 | Subject)', '--iter', '200', '--chains', '2', '--seed', '5', '--json'];
    const a = JSON.parse((await run(...args)).stdout);
    const b = JSON.parse((await run(...args)).stdout);
    for (const key of ['formula', 'chains', 'iter', 'warmup', 'thin', 'seed', 'priors', 'summary', 'sampleMillis']) expect(a, key).toHaveProperty(key);
    expect(a.summary).toEqual(b.summary);
    expect(a.summary[0].param).toBe('beta[(Intercept)]');
    expect(Object.keys(a.summary[0])).toEqual(['param', 'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean']);
    expect(a.priors.Psi.Subject.halfT.df).toBe(2);
  });
});
