/**
 * The CLI's code cache (dist/cli/lmm.cjs.cache; src/cli/launch.ts says why): load the bundle,
 * run the commands a user runs on small synthetic data (every fit route: one term, slopes,
 * crossed, nested, uncorrelated, weights; REML and ML; text and JSON; anova, predict, bootstrap,
 * sample, compare, summarize), then save the bytecode of every function they compiled.
 *
 * The data are made here, not taken from the tests' fixtures. If anything fails the cache is
 * simply not written: `lmm` then compiles as usual.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCli, bundleFiles } from '../dist/src/cli/launch.js';

const dir = fileURLToPath(new URL('../dist/cli/', import.meta.url));
const { codeCachePath } = bundleFiles(dir);
rmSync(codeCachePath, { force: true });

/** A small data set: 240 rows, g (24 levels) crossed with h (10), k nested in g, a factor f. */
function syntheticCsv() {
  let state = 12345;
  const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const u = Array.from({ length: 24 }, () => [normal(), 0.5 * normal()]);
  const v = Array.from({ length: 10 }, () => normal());
  const rows = ['y,x,f,g,h,k,w,t'];
  for (let i = 0; i < 240; i++) {
    const g = i % 24;
    const h = Math.floor(i / 24);
    const x = h + 0.1 * normal();
    const f = ['a', 'b', 'c'][i % 3];
    const y = 10 + 0.5 * x + (f === 'b' ? 1 : 0) + u[g][0] + u[g][1] * x + 0.7 * v[h] + normal();
    rows.push(`${y.toFixed(4)},${x.toFixed(4)},${f},g${g},h${h},k${i % 2},${(0.5 + uniform()).toFixed(3)},${h}`);
  }
  return rows.join('\n') + '\n';
}

const work = mkdtempSync(join(tmpdir(), 'lmm-code-cache-'));
try {
  const data = join(work, 'train.csv');
  writeFileSync(data, syntheticCsv());
  const { main, script } = loadCli(dir, false);
  const quiet = { stdout() {}, stderr() {}, stderrIsTTY: false };
  const formulas = [
    'y ~ x + (1 | g)',
    'y ~ x + (x | g)',
    'y ~ x + (x || g)',
    'y ~ x + f + (1 | g) + (1 | h)',
    'y ~ 1 + (1 | g/k)',
    'y ~ x * f + I(x^2) + (1 | g)',
    'y ~ x + (x | g) + (1 | h)',
  ];
  const runs = [];
  for (const formula of formulas) {
    for (const method of [[], ['--ml']]) {
      runs.push(['fit', '--data', data, '--formula', formula, ...method]);
      runs.push(['fit', '--data', data, '--formula', formula, ...method, '--json']);
    }
  }
  runs.push(['fit', '--data', data, '--formula', 'y ~ x + (1 | g)', '--weights', 'w', '--confint', 'wald']);
  runs.push(['fit', '--data', data, '--formula', 'y ~ x + (1 | g)', '--ddf', 'kenward-roger', '--json']);
  runs.push(['anova', '--data', data, '--formula', 'y ~ 1 + (1 | g)', '--formula', 'y ~ x + (1 | g)']);
  runs.push(['predict', '--data', data, '--formula', 'y ~ x + (x | g)', '--newdata', data]);
  runs.push(['bootstrap', '--data', data, '--formula', 'y ~ x + (1 | g)', '--n', '20', '--seed', '1', '--json']);
  const draws = join(work, 'draws.csv');
  runs.push(['sample', '--data', data, '--formula', 'y ~ x + (x | g)', '--chains', '2', '--iter', '200', '--seed', '1', '--draws', draws]);
  runs.push(['sample', '--data', data, '--formula', 'y ~ x + (1 | g) + (1 | h)', '--chains', '2', '--iter', '200', '--seed', '1', '--json']);
  runs.push(['summarize', '--draws', draws]);
  runs.push(['compare', '--data', data, '--formula', 'y ~ x + (1 | g)', '--chains', '2', '--iter', '200', '--seed', '1']);
  for (const argv of runs) {
    const status = await main(argv, quiet);
    if (status !== 0) throw new Error(`lmm ${argv.join(' ')} exited with ${status}`);
  }
  writeFileSync(codeCachePath, script.createCachedData());
} catch (error) {
  process.stderr.write(`build-code-cache: no code cache written (${error instanceof Error ? error.message : String(error)}); lmm compiles as usual\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
