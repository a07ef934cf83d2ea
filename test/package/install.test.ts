/**
 * Installable as a user installs it: `npm pack` the built package (CI builds it in `npm ci`),
 * `npm install ./lmm-ts-*.tgz` in an empty project (dependencies from the npm registry, no
 * `overrides` of ours in play); then `import { fitLmm } from 'lmm-ts'` fits sleepstudy, and
 * every `npx lmm` command and every TypeScript block of README.md runs there as written (the
 * README's data paths are the repo's test/fixtures/data, copied beside it).
 * Reference: lme4 1.1-31's REML criterion (test/fixtures/lme4).
 */
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const root = join(fixtures, '..', '..');
const built = existsSync(join(root, 'dist', 'src', 'index.js'));
let project = '';

/** The fenced blocks of README.md in the given language. */
function blocks(lang: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
}

describe.skipIf(!built)('npm pack, then npm install in an empty project', () => {
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-install-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => /^lmm-ts-.*\.tgz$/.test(f));
    if (tarball === undefined) throw new Error('npm pack wrote no tarball');
    project = join(dir, 'project');
    mkdirSync(join(project, 'test', 'fixtures'), { recursive: true });
    cpSync(join(fixtures, 'data'), join(project, 'test', 'fixtures', 'data'), { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', join(dir, tarball)], { cwd: project, stdio: 'pipe' });
  }, 240_000);

  it('imports lmm-ts, fits sleepstudy as lme4 does, and runs lmm', () => {
    writeFileSync(
      join(project, 'fit.mjs'),
      `import { readFileSync } from 'node:fs';\nimport { fitLmm, tableFromCsv } from 'lmm-ts';\n` +
        `const fit = fitLmm(tableFromCsv(readFileSync('test/fixtures/data/sleepstudy.csv', 'utf8')), 'Reaction ~ Days + (Days | Subject)');\n` +
        `console.log(JSON.stringify({ REMLcrit: fit.toJSON().REMLcrit }));\n`,
    );
    const out = JSON.parse(execFileSync('node', ['fit.mjs'], { cwd: project, encoding: 'utf8' }));
    const lme4 = JSON.parse(readFileSync(join(fixtures, 'lme4', 'sleepstudy_slopes_reml.json'), 'utf8'));
    // Tolerance: 1e-9 relative (ours and lme4 agree to ~1e-12 here).
    expect(Math.abs(out.REMLcrit - lme4.REMLcrit) / lme4.REMLcrit).toBeLessThan(1e-9);
    const version = execFileSync('npx', ['--no-install', 'lmm', '--version'], { cwd: project, encoding: 'utf8' }).trim();
    expect(version).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('serves each platform its entry: Node gets worker threads and files, a browser bundle builds with no Node module', async () => {
    writeFileSync(
      join(project, 'entries.mjs'),
      `import * as main from 'lmm-ts';\nimport * as node from 'lmm-ts/node';\n` +
        `console.log(JSON.stringify({ platform: main.platform().name, same: main.fitLmm === node.fitLmm, loadTable: typeof main.loadTable }));\n`,
    );
    expect(JSON.parse(execFileSync('node', ['entries.mjs'], { cwd: project, encoding: 'utf8' }))).toEqual({ platform: 'node', same: true, loadTable: 'function' });
    // What a user's bundler does with the installed package for a page (the "browser" condition).
    writeFileSync(join(project, 'page.mjs'), `import { fitLmm, sample, tableFromCsv, platform } from 'lmm-ts';\nwindow.lmm = { fitLmm, sample, tableFromCsv, platform };\n`);
    const esbuild = await import('esbuild');
    const result = await esbuild.build({ absWorkingDir: project, entryPoints: ['page.mjs'], bundle: true, format: 'esm', platform: 'browser', outfile: 'out/page.js', metafile: true, logLevel: 'silent' });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((f) => f.endsWith('lmm-ts/dist/src/browser.js'))).toBe(true);
    expect(inputs.filter((f) => f.startsWith('node:') || f.includes('lmm-ts/dist/src/node/'))).toEqual([]);
    expect(inputs.some((f) => f.includes('csv-parse/dist/esm/'))).toBe(true);
  }, 120_000);

  it("runs every README `npx lmm` command as written", () => {
    const commands = blocks('sh').flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('npx lmm '));
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const command of commands) {
      // execSync throws (and fails the test, naming the command) on a non-zero exit status.
      const out = execSync(command.replace(/^npx lmm/, 'npx --no-install lmm'), { cwd: project, encoding: 'utf8', stdio: 'pipe' });
      expect(out.length, command).toBeGreaterThan(0);
    }
  }, 120_000);

  it('runs every README TypeScript block as written', () => {
    const sources = blocks('ts');
    expect(sources.length).toBeGreaterThanOrEqual(1);
    sources.forEach((source, i) => {
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const file = join(project, `readme-${i}.mjs`);
      writeFileSync(file, js);
      execFileSync('node', [file], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    });
  }, 120_000);
});
