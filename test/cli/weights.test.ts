/**
 * `--weights COLUMN` on `lmm fit` and `lmm anova` (lme4's `weights =`): the reference is lme4
 * 1.1-31's ML deviance of fixtures/lme4_functions/sleep_weights_ml.json (to 1e-6); bad columns
 * are one line on stderr and exit 2; `lmm sample` has no such option and says so.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixtures, jsonFixtures } from '../helpers.js';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

const data = join(fixtures, 'data', 'sleep_weights.csv');
const formula = 'Reaction ~ Days + (Days | Subject)';

describe('--weights', () => {
  it('lmm fit --weights w --ml matches lme4', async () => {
    const ref = jsonFixtures<{ id: string; deviance: number }>('lme4_functions').find((r) => r.id === 'sleep_weights_ml')!;
    const r = await run('fit', '--data', data, '--formula', formula, '--weights', 'w', '--ml', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.nobs).toBe(179);
    expect(Math.abs(json.deviance - ref.deviance)).toBeLessThan(1e-6);
    expect(r.stderr).toMatch(/dropped 1 of 180 rows/);
  });
  it('lmm anova --weights weights every model', async () => {
    const r = await run('anova', '--data', data, '--formula', 'Reaction ~ Days + (1 | Subject)', '--formula', formula, '--weights', 'w', '--json');
    expect(r.code).toBe(0);
    const ref = jsonFixtures<{ id: string; logLik: number }>('lme4_functions').find((x) => x.id === 'sleep_weights_ml')!;
    expect(Math.abs(JSON.parse(r.stdout).models[1].logLik - ref.logLik)).toBeLessThan(1e-6);
  });
  it('a zero or unknown weights column is one line and exit 2', async () => {
    for (const [column, message] of [
      ['Days', "weights column 'Days' is 0 in row 1"],
      ['ww', "unknown weights column 'ww' (did you mean 'w'?)"],
    ]) {
      const r = await run('fit', '--data', data, '--formula', formula, '--weights', column);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr.trim().split('\n').filter((l) => l.includes('error')).length).toBe(1);
    }
  });
  it('lmm sample refuses --weights', async () => {
    const r = await run('sample', '--data', data, '--formula', formula, '--weights', 'w');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--weights'/);
  });
});
