/** The command line's manners: --help, --version, negative values, repeated options, compare's sampler options. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixtures } from '../helpers.js';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), stderrIsTTY: false });
  return { status, stdout, stderr };
}

const sleepstudy = join(fixtures, 'data', 'sleepstudy.csv');

describe('lmm parser', () => {
  it('--version prints the package version', async () => {
    const r = await run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
  it.each([
    ['fit', ['--data', '--formula', '--delimiter', '--ml', '--json']],
    ['anova', ['--data', '--formula', '--no-refit', '--json']],
    ['sample', ['--data', '--formula', '--chains', '--iter', '--warmup', '--thin', '--seed', '--priors', '--draws', '--progress', '--json']],
    ['compare', ['--data', '--formula', '--chains', '--iter', '--warmup', '--thin', '--seed', '--priors', '--draws', '--progress', '--json', '--ml', '--report']],
    ['summarize', ['--draws', '--json']],
  ])('lmm %s --help lists every option with its default', async (command, flags) => {
    const r = await run(command, '--help');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    for (const flag of flags) {
      const line = lines.find((l) => l.trimStart().startsWith(`${flag} `) || l.trim() === flag);
      expect(line, flag).toBeDefined();
      expect(line, flag).toMatch(/\(default: [^)]+\)$/);
    }
  });
  it('sampler defaults in the help are the ones used', async () => {
    const r = await run('sample', '-h');
    expect(r.stdout).toMatch(/--chains VALUE .*\(default: 4\)/);
    expect(r.stdout).toMatch(/--iter VALUE .*\(default: 2000\)/);
  });
  it('a negative number is a value, checked by the option', async () => {
    const r = await run('sample', '--data', sleepstudy, '--formula', 'Reaction ~ Days + (1 | Subject)', '--seed', '-3');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("lmm sample: error: --seed must be an integer >= 0, got '-3'\n");
  });
  it('refuses a single-valued option given twice, but anova takes --formula twice', async () => {
    const r = await run('fit', '--data', sleepstudy, '--formula', 'Reaction ~ Days + (1 | Subject)', '--formula', 'Reaction ~ 1 + (1 | Subject)');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('lmm fit: error: option --formula given more than once (it takes one value)\n');
    const a = await run('anova', '--data', sleepstudy, '--formula', 'Reaction ~ 1 + (1 | Subject)', '--formula', 'Reaction ~ Days + (1 | Subject)', '--json');
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout).models).toHaveLength(2);
  });
  it('compare accepts --draws and writes the draws', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-parser-'));
    const draws = join(dir, 'draws.csv');
    const r = await run('compare', '--data', sleepstudy, '--formula', 'Reaction ~ Days + (1 | Subject)', '--chains', '2', '--iter', '200', '--seed', '5', '--draws', draws, '--json');
    expect(r.status).toBe(0);
    const header = readFileSync(draws, 'utf8').split('\n')[0];
    expect(header).toMatch(/chain/);
    expect(header).toMatch(/sigma/);
  });
  it('an unknown option is one line naming it', async () => {
    const r = await run('fit', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^lmm fit: error: .*--bogus.*\n$/);
  });
});
