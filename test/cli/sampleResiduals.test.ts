/**
 * `lmm sample --residuals` and `lmm compare --residuals` (issue 15): the JSON carries the spec,
 * ρ and the per-stratum σ's; the text prints them with the priors; compare's exact fit has the
 * same structure and says how no pooling was done; bad specs, unknown columns, a ρ prior without
 * ar1, repeated times within an AR group are one line on stderr with exit 2.
 */
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';
import { run } from './run.js';

const orth = join(fixtures, 'data', 'orthodont.csv');
const formula = 'distance ~ age + Sex + (1 | Subject)';
const settings = ['--seed', '3', '--chains', '2', '--iter', '400'];

describe('sample and compare with --residuals', () => {
  it('lmm sample --residuals --json: residuals, rho, sigma[level] in the summary; rho prior echoed', async () => {
    const r = await run('sample', '--data', orth, '--formula', formula, '--residuals', 'ar1(visit | Subject) + var(Sex)', ...settings, '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.residuals).toBe('ar1(visit | Subject) + var(Sex)');
    expect(json.priors.rho).toEqual({ uniform: [-1, 1] });
    const params = json.summary.map((row: { param: string }) => row.param);
    for (const p of ['rho', 'sigma[Female]', 'sigma[Male]', 'sigma2[Female]', 'sigma2[Male]']) expect(params).toContain(p);
  });

  it('text output lists rho and the strata, and the ρ prior; draws CSV has the columns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-res-'));
    const draws = join(dir, 'draws.csv');
    const priors = join(dir, 'priors.json');
    writeFileSync(priors, JSON.stringify({ rho: { beta: [2, 2] } }));
    const r = await run('sample', '--data', orth, '--formula', formula, '--residuals', 'ar1(visit | Subject)', '--priors', priors, '--draws', draws, ...settings);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/residuals ar1\(visit \| Subject\)/);
    expect(r.stdout).toMatch(/\(rho \+ 1\)\/2 ~ beta\(2\.00, 2\.00\)/);
    expect(r.stdout).toMatch(/^rho /m);
    expect(readFileSync(draws, 'utf8').split('\n')[0]).toMatch(/^chain,iteration,.*sigma,rho,/);
  });

  it('lmm compare --residuals: the fit has the structure; the note says how no pooling was done', async () => {
    const r = await run('compare', '--data', orth, '--formula', formula, '--residuals', 'ar1(visit | Subject) + var(Sex)', ...settings, '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.fit.residuals).toBe('ar1(visit | Subject) + var(Sex)');
    expect(json.fit.rho).toBeGreaterThan(0.1);
    expect(json.sample.residuals).toBe('ar1(visit | Subject) + var(Sex)');
    expect(r.stderr).toMatch(/no pooling and complete pooling are GLS fits under the same structure at the mixed model's REML estimates \(rho = 0\.18\d\d; SD ratios Female 1\.0000, Male 2\.25\d\d\)/);
  });

  it('user errors: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-res-'));
    const priors = join(dir, 'priors.json');
    writeFileSync(priors, JSON.stringify({ rho: { uniform: [0, 1] } }));
    const cases: [string[], RegExp][] = [
      [['--residuals', 'ar2(visit | Subject)'], /--residuals: cannot read 'ar2\(visit \| Subject\)'/],
      [['--residuals', 'var(Sx)'], /--residuals: unknown column 'Sx'/],
      [['--residuals', 'var(Sex)', '--priors', priors], /--priors: rho is given but the model has no ar1 residuals/],
      [['--residuals', 'ar1(visit | Sex)'], /ar1 time 'visit' repeats the value 0 within group 'Female' of 'Sex'|ar1 time 'visit' repeats the value 0 within group 'Male' of 'Sex'/],
    ];
    for (const [extra, message] of cases) {
      const r = await run('sample', '--data', orth, '--formula', formula, ...extra, ...settings);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
