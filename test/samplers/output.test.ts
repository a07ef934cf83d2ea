/**
 * What `lmm sample` shows: derived draws (sigma, sd, corr) in CONTRACT.md's order and equal to
 * their definitions draw by draw; the text output (priors, β, σ, SDs and correlations first,
 * MCSE column, random effects only with --ranef); convergence warnings on stderr after the
 * table and in the JSON, exit status 0 (`--iter 20 --warmup 10` must warn, a long run must not).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../cli/run.js';
import { sample } from '../../samplers/sample.js';
import { dataset, fixtures } from '../helpers.js';

const data = (name: string) => join(fixtures, 'data', `${name}.csv`);

describe('derived parameters', () => {
  it('sigma, sd and corr follow the variance they derive from and equal their definitions', async () => {
    const result = await sample(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)', { seed: 3, chains: 2, iter: 200 });
    expect(result.params.slice(0, 10)).toEqual([
      'beta[(Intercept)]', 'beta[Days]', 'sigma2', 'sigma',
      'Psi[Subject][(Intercept),(Intercept)]', 'sd[Subject][(Intercept)]',
      'Psi[Subject][Days,(Intercept)]', 'corr[Subject][Days,(Intercept)]',
      'Psi[Subject][Days,Days]', 'sd[Subject][Days]',
    ]);
    expect(result.params[10]).toBe('a[Subject][308,(Intercept)]');
    const [s2, s, p00, sd0, p10, c10, p11, sd1] = ['sigma2', 'sigma', 'Psi[Subject][(Intercept),(Intercept)]', 'sd[Subject][(Intercept)]', 'Psi[Subject][Days,(Intercept)]', 'corr[Subject][Days,(Intercept)]', 'Psi[Subject][Days,Days]', 'sd[Subject][Days]'].map((p) => result.chainsOf(p));
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < s[c].length; i++) {
        expect(s[c][i]).toBe(Math.sqrt(s2[c][i]));
        expect(sd0[c][i]).toBe(Math.sqrt(p00[c][i]));
        expect(sd1[c][i]).toBe(Math.sqrt(p11[c][i]));
        expect(c10[c][i]).toBeCloseTo(p10[c][i] / Math.sqrt(p00[c][i] * p11[c][i]), 14);
        expect(Math.abs(c10[c][i])).toBeLessThan(1);
      }
    }
  });
});

describe('lmm sample output', () => {
  const args = ['sample', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--seed', '9', '--chains', '2'];

  it('text: priors one line per block, β, σ, SDs and correlations first, MCSE column; no random effects without --ranef', async () => {
    const r = await run(...args, '--iter', '400');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const at = lines.indexOf('Priors:');
    expect(lines.slice(at + 1, at + 4)).toEqual([
      expect.stringMatching(/^ {2}beta ~ independent normals \(mean 0, SD\): \(Intercept\) 2985; Days 196$/),
      expect.stringMatching(/^ {2}Psi\[Subject\]: Huang-Wand, each SD ~ half-t\(2, scale\): \(Intercept\) 56\.3; Days 19\.6; correlations uniform on \(-1, 1\)$/),
      expect.stringMatching(/^ {2}sigma ~ half-t\(2, 56\.3\)$/),
    ]);
    const header = lines.findIndex((l) => l.startsWith('variable'));
    expect(lines[header].split(/\s+/)).toEqual(['variable', 'mean', 'mcse', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail']);
    const names = lines.slice(header + 1).filter((l) => /^\S+\s+-?\d/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual([
      'beta[(Intercept)]', 'beta[Days]', 'sigma', 'sd[Subject][(Intercept)]', 'corr[Subject][Days,(Intercept)]', 'sd[Subject][Days]',
      'sigma2', 'Psi[Subject][(Intercept),(Intercept)]', 'Psi[Subject][Days,(Intercept)]', 'Psi[Subject][Days,Days]',
    ]);
    const withRanef = await run(...args, '--iter', '400', '--ranef');
    expect(withRanef.stdout).toMatch(/^a\[Subject\]\[372,Days\] /m);
  });

  it('--iter 20 --warmup 10 warns on stderr after the table, lists the warnings in the JSON, exit status 0', async () => {
    const r = await run(...args, '--iter', '20', '--warmup', '10');
    expect(r.status).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatch(/^lmm sample: warning: (R-hat >= 1\.01|bulk-ESS below 200|tail-ESS below 200) .*\(worst: .*\): .*; run longer chains \(e\.g\. --iter 2000 --warmup 1000\)/);
    expect(r.stderr).toMatch(/bulk-ESS below 200 \(100 per chain\)/);
    const json = JSON.parse((await run(...args, '--iter', '20', '--warmup', '10', '--json')).stdout);
    expect(json.warnings.map((w: { kind: string }) => w.kind)).toContain('ess_bulk');
    const bulk = json.warnings.find((w: { kind: string }) => w.kind === 'ess_bulk');
    expect(bulk.threshold).toBe(200);
    expect(bulk.worst.length).toBeGreaterThan(0);
    expect(bulk.worst[0].value).toBeLessThan(200);
  });

  it('a long run of a well-behaved model does not warn', async () => {
    const r = await run('sample', '--data', data('dyestuff'), '--formula', 'Yield ~ 1 + (1 | Batch)', '--seed', '4', '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).warnings).toEqual([]);
  });
});
