/**
 * The installed executable: after `npm install` (which builds), `dist/cli/lmm.js` (the loader of
 * the CLI bundle dist/cli/lmm.cjs and its code cache, scripts/build-cli.mjs) is the package's `lmm` bin and must run on its own
 * (shebang, executable bit), as `npx lmm` runs it, with the worker threads beside it; the
 * unbundled `dist/src/cli/main.js` runs too and gives the same output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
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
  it.skipIf(!existsSync(bin))('keeps the report (vega) out of the CLI bundle: only compare --report imports it', () => {
    // vega has a top-level await and ~1.7 MB: it lives in dist/cli/report.js, imported at run time.
    const dir = dirname(bin);
    const cjs = readFileSync(join(dir, 'lmm.cjs'), 'utf8');
    expect(cjs.includes('vega-lite')).toBe(false);
    expect(readFileSync(join(dir, 'report.js'), 'utf8').includes('vega-lite')).toBe(true);
    expect(cjs).toContain('__lmmImport("./report.js")');
  });
  it.skipIf(!existsSync(bin))('compiles the bundle from its code cache, which V8 accepts, with the same output as without it', async () => {
    // The loader is dist/src/cli/launch.js; the build's training run wrote dist/cli/lmm.cjs.cache.
    const { loadCli } = await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'launch.js')).href);
    expect(loadCli(dirname(bin)).codeCache).toBe('accepted');
    const args = ['fit', '--data', join(fixtures, 'data', 'penicillin.csv'), '--formula', 'diameter ~ 1 + (1 | plate) + (1 | sample)', '--json'];
    const withCache = JSON.parse(execFileSync(bin, args, { encoding: 'utf8' }));
    const without = JSON.parse(execFileSync(bin, args, { encoding: 'utf8', env: { ...process.env, LMM_CODE_CACHE: '0' } }));
    delete withCache.fitMillis;
    delete without.fitMillis;
    expect(withCache).toEqual(without);
  });
  it.skipIf(!existsSync(bin))('writes the report through the bundle (the ES module report.js, imported by the loader)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-bin-'));
    try {
      const report = join(dir, 'report.html');
      execFileSync(bin, ['compare', '--data', join(fixtures, 'data', 'sleepstudy.csv'), '--formula', 'Reaction ~ Days + (1 | Subject)', '--iter', '200', '--seed', '2', '--report', report], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(readFileSync(report, 'utf8')).toContain('<svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
