/** `lmm bootstrap` and `lmm predict`: text and JSON output, the replicate table, one-line errors with status 2. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './run.js';
import { fixtures } from '../helpers.js';

const data = (name: string) => join(fixtures, 'data', `${name}.csv`);

describe('lmm bootstrap', () => {
  it('prints percentile intervals with readable names and the singular share', async () => {
    const r = await run('bootstrap', '--data', data('dyestuff2'), '--formula', 'Yield ~ 1 + (1 | Batch)', '--n', '200', '--seed', '4');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Parametric bootstrap of Yield ~ 1 \+ \(1 \| Batch\) \(REML\): 200 replicates, seed 4/);
    expect(r.stdout).toMatch(/Singular fits: \d+\.\d% of replicates/);
    expect(r.stdout).toMatch(/sd_\(Intercept\)\|Batch/);
    expect(r.stdout).toMatch(/2\.5 %\s+97\.5 %/);
  });

  it('--json has the intervals in lme4 confint order and one replicate row per replicate; --replicates writes the CSV', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-boot-'));
    const csv = join(dir, 'reps.csv');
    const r = await run('bootstrap', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--n', '20', '--seed', '2', '--ml', '--json', '--replicates', csv);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.method).toBe('ML');
    expect(json.intervals.map((i: { name: string }) => i.name)).toEqual(['.sig01', '.sig02', '.sig03', '.sigma', '(Intercept)', 'Days']);
    expect(json.replicates).toHaveLength(20);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('"replicate","objective","singular","sd_(Intercept)|Subject","cor_Days.(Intercept)|Subject","sd_Days|Subject","sigma","(Intercept)","Days"');
    // Same seed, same table.
    const again = await run('bootstrap', '--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--n', '20', '--seed', '2', '--ml', '--json');
    expect(JSON.parse(again.stdout).replicates).toEqual(json.replicates);
  });

  it('user errors: one line, status 2', async () => {
    for (const [args, pattern] of [
      [['--formula', 'Yield ~ 1 + (1 | Batch)'], /--data/],
      [['--data', data('dyestuff'), '--formula', 'Yield ~ 1 + (1 | Batch)', '--n', '0'], /--n/],
      [['--data', data('dyestuff'), '--formula', 'Yield ~ 1 + (1 | Batch)', '--level', '2'], /--level/],
      [['--data', data('dyestuff'), '--formula', 'Yield ~ 1 + (1 | Nope)'], /Nope/],
    ] as const) {
      const r = await run('bootstrap', ...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
});

describe('lmm predict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-predict-'));
  const newdata = join(dir, 'new.csv');
  writeFileSync(newdata, 'Days,Subject\n0,308\n9,309\n3,999\n');
  const model = ['--data', data('sleepstudy'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--newdata', newdata];

  it('prints CSV predictions; a level not in the fit is an error unless allowed', async () => {
    const refused = await run('predict', ...model);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/level '999' of 'Subject' is not in the fit/);
    const r = await run('predict', ...model, '--allow-new-levels');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('row,fit');
    expect(lines).toHaveLength(4);
    const population = await run('predict', ...model, '--re-form', 'NA', '--json');
    const json = JSON.parse(population.stdout);
    expect(json.reForm).toBe('NA');
    // Population level: the new subject's prediction is the fixed part, as the known ones'.
    expect(json.predictions[2].fit).toBeCloseTo(251.405 + 3 * 10.467, 2);
  });

  it('--interval adds bootstrap limits (lwr < fit < upr) with the replicates and seed in JSON', async () => {
    const r = await run('predict', ...model, '--allow-new-levels', '--interval', 'prediction', '--n', '100', '--seed', '5', '--json');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ interval: 'prediction', n: 100, seed: 5, level: 0.95 });
    for (const p of json.predictions) expect(p.lwr < p.fit && p.fit < p.upr).toBe(true);
    expect(r.stderr).toMatch(/1 row\(s\) with a level not in the fit/);
  });

  it('option errors: one line, status 2', async () => {
    for (const [args, pattern] of [
      [['--interval', 'credible'], /--interval/],
      [['--re-form', 'NULL'], /--re-form/],
    ] as const) {
      const r = await run('predict', ...model, ...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
