/**
 * The installed executable: after `npm install` (which builds), `dist/cli/lmm.js` (the CLI
 * bundled by scripts/build-cli.mjs) is the package's `lmm` bin and must run on its own
 * (shebang, executable bit), as `npx lmm` runs it, with the worker threads beside it; the
 * unbundled `dist/src/cli/main.js` runs too and gives the same output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const root = join(fixtures, '..', '..');
const bin = join(root, 'dist', 'cli', 'lmm.js');
const unbundled = join(root, 'dist', 'src', 'cli', 'main.js');

describe('lmm executable', () => {
  it.skipIf(!existsSync(bin))('is the package bin, executable, and fits a model as the unbundled CLI does', () => {
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.lmm).toBe('dist/cli/lmm.js');
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const args = ['fit', '--data', join(fixtures, 'data', 'dyestuff.csv'), '--formula', 'Yield ~ 1 + (1 | Batch)', '--json'];
    const out = JSON.parse(execFileSync(bin, args, { encoding: 'utf8' }));
    expect(out.nobs).toBe(30);
    const ref = JSON.parse(execFileSync(unbundled, args, { encoding: 'utf8' }));
    expect(out.REMLcrit).toBe(ref.REMLcrit);
    expect(out.theta).toEqual(ref.theta);
  });
  it.skipIf(!existsSync(bin))('runs the sampler\'s and the bootstrap\'s worker threads from the bundle, same results as unbundled', () => {
    const sample = ['sample', '--data', join(fixtures, 'data', 'sleepstudy.csv'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--seed', '3', '--iter', '300', '--json'];
    const a = JSON.parse(execFileSync(bin, sample, { encoding: 'utf8' }));
    const b = JSON.parse(execFileSync(unbundled, sample, { encoding: 'utf8' }));
    expect(a.summary).toEqual(b.summary);
    const boot = ['bootstrap', '--data', join(fixtures, 'data', 'sleepstudy.csv'), '--formula', 'Reaction ~ Days + (Days | Subject)', '--n', '120', '--seed', '2', '--json'];
    expect(JSON.parse(execFileSync(bin, boot, { encoding: 'utf8' })).replicates).toEqual(JSON.parse(execFileSync(unbundled, boot, { encoding: 'utf8' })).replicates);
  });
  it.skipIf(!existsSync(bin))('loads the report (vega) only for compare: no other command imports it at start-up', () => {
    // The static imports of each command's chunk, followed through the bundle: what Node loads
    // before the command runs (dynamic imports, such as compare's --report, are left out).
    const dir = dirname(bin);
    const closure = (file: string, seen = new Set<string>()): Set<string> => {
      if (seen.has(file)) return seen;
      seen.add(file);
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) closure(m[1], seen);
      return seen;
    };
    const entry = readFileSync(bin, 'utf8');
    const commands = [...entry.matchAll(/import\("\.\/(([a-z]+)-[A-Z0-9]+\.js)"\)/g)].map((m) => ({ name: m[2], file: m[1] }));
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['fit', 'sample', 'bootstrap', 'anova', 'predict', 'summarize', 'compare']));
    const loadsVega = (file: string) => [...closure(file)].some((f) => readFileSync(join(dir, f), 'utf8').includes('vega-lite'));
    for (const { name, file } of commands) if (name !== 'compare') expect({ name, vega: loadsVega(file) }).toEqual({ name, vega: false });
  });
});
