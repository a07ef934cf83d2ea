/** `lmm compare` on the command line: JSON shape, text output, report file, user errors. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { GROUP_COLUMNS } from '../../samplers/compare/index.js';
import { fixtures } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lmm-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(fixtures, 'data', 'politeness.csv');
const formula = 'frequency ~ attitude + (1 | subject) + (1 | scenario)';
const sampler = ['--chains', '2', '--iter', '400', '--seed', '3'];

function capture(): Io & { out: string; err: string } {
  const io = { out: '', err: '', stderrIsTTY: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('lmm compare', () => {
  it('--json prints one object {fit, sample, groups, icc, shrinkageWeights, edf}', async () => {
    const io = capture();
    expect(await main(['compare', '--data', data, '--formula', formula, ...sampler, '--json'], io)).toBe(0);
    const json = JSON.parse(io.out) as { fit: { formula: string; nobs: number }; sample: { seed: number }; groups: Record<string, unknown>[]; icc: unknown[] };
    expect(Object.keys(json)).toEqual(['fit', 'sample', 'groups', 'icc', 'shrinkageWeights', 'edf']);
    expect(json.fit.nobs).toBe(83);
    expect(json.sample.seed).toBe(3);
    // 7 scenarios and 6 subjects, one intercept each; the n of one group add up to the 83 rows used.
    expect(json.groups).toHaveLength(13);
    for (const row of json.groups) expect(Object.keys(row)).toEqual([...GROUP_COLUMNS]);
    expect(json.groups.reduce((s, g) => s + (g.group === 'subject' ? (g.n as number) : 0), 0)).toBe(83);
    expect(json.icc).toHaveLength(2);
    expect(io.err).toMatch(/dropped 1 of 84 rows/);
    // Which fixed columns make up each population value, on stderr.
    expect(io.err).toContain('lmm compare: population value of subject (Intercept) = (Intercept)\n');
  });

  it("prints the sampler's convergence warnings on stderr after the output, as lmm sample does", async () => {
    const io = capture();
    expect(await main(['compare', '--data', data, '--formula', formula, '--chains', '2', '--iter', '20', '--warmup', '10', '--seed', '3'], io)).toBe(0);
    const warnings = io.err.split('\n').filter((l) => l.startsWith('lmm compare: warning:'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.join('\n')).toMatch(/bulk-ESS below 200/);
  });

  it('text with a residual structure: rho and the stratum sigmas, the exact estimate beside the posterior', async () => {
    const io = capture();
    const orthodont = join(fixtures, 'data', 'orthodont.csv');
    expect(await main(['compare', '--data', orthodont, '--formula', 'distance ~ age + Sex + (1 | Subject)', '--residuals', 'ar1(visit | Subject) + var(Sex)', ...sampler], io)).toBe(0);
    const lines = io.out.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Residual structure ar1(visit | Subject) + var(Sex): exact REML estimate and posterior'));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1].trim().split(/\s+/)).toEqual(['param', 'REML', 'posteriorMean', 'median', 'q2.5', 'q97.5', 'rhat', 'ess_bulk']);
    // nlme's lme REML estimates (test/fixtures/nlme_residuals): rho 0.1886, sigma Female 0.8323, Male 1.876.
    const row = (name: string) => lines.slice(at + 2, at + 5).find((l) => l.trim().startsWith(name))!.trim().split(/\s+/);
    expect(Number(row('rho')[1])).toBeCloseTo(0.1886, 3);
    expect(Number(row('sigma[Female]')[1])).toBeCloseTo(0.8323, 3);
    expect(Number(row('sigma[Male]')[1])).toBeCloseTo(1.876, 2);
    for (const name of ['rho', 'sigma[Female]', 'sigma[Male]']) {
      const [, , mean, , lo, hi] = row(name).map(Number);
      expect(lo).toBeLessThan(mean);
      expect(mean).toBeLessThan(hi);
    }
  });

  it('names the group-level predictors absorbed into a coefficient on stderr', async () => {
    const io = capture();
    expect(await main(['compare', '--data', data, '--formula', 'frequency ~ attitude + gender + (1 | subject) + (1 | scenario)', ...sampler, '--json'], io)).toBe(0);
    expect(io.err).toContain('lmm compare: population value of subject (Intercept) = (Intercept) + genderM; genderM constant times the intercept within every subject, absorbed in no pooling\n');
    const json = JSON.parse(io.out) as { fit: { fixef: Record<string, number> }; groups: { group: string; level: string; population: number }[] };
    const male = json.groups.find((g) => g.group === 'subject' && g.level === 'M3')!;
    expect(Math.abs(male.population - (json.fit.fixef['(Intercept)'] + json.fit.fixef.genderM))).toBeLessThan(1e-9);
  });

  it('prints a readable table and writes --report', async () => {
    const io = capture();
    const report = join(dir, 'report.html');
    expect(await main(['compare', '--data', data, '--formula', formula, ...sampler, '--report', report], io)).toBe(0);
    expect(io.out).toMatch(/^Exact REML fit and Gibbs sampler: frequency ~ attitude/);
    expect(io.out).toMatch(/Intraclass correlation/);
    expect(io.out).toMatch(/\nsubject +F1 +\(Intercept\) +14 /);
    expect(existsSync(report)).toBe(true);
    expect(readFileSync(report, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('user errors exit 2 with one line', async () => {
    const io = capture();
    expect(await main(['compare', '--formula', formula], io)).toBe(2);
    expect(io.err).toBe('lmm compare: error: missing required option --data (or --sql, --crossprod)\n');
    const bad = capture();
    expect(await main(['compare', '--data', data, '--formula', formula, '--iter', '0'], bad)).toBe(2);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    const unwritable = capture();
    expect(await main(['compare', '--data', data, '--formula', formula, ...sampler, '--report', join(dir, 'no', 'such', 'dir.html')], unwritable)).toBe(2);
    expect(unwritable.err).toMatch(/cannot write report/);
  });
});
