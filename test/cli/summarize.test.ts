import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { writeDrawsCsv } from '../../src/diagnostics/drawsCsv.js';
import { summarizeDraws } from '../../src/diagnostics/summarize.js';

const dir = mkdtempSync(join(tmpdir(), 'lmm-summarize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function capture(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stderrIsTTY: false,
    stdout(text: string) {
      io.out += text;
    },
    stderr(text: string) {
      io.err += text;
    },
  };
  return io;
}

// Deterministic draws: AR(1)-like chains of different scales, one constant parameter.
const params = ['beta[(Intercept)]', 'Psi[g][x,(Intercept)]', 'sigma2', 'fixed'];
const chains = params.map((_, p) =>
  [0, 1, 2, 3].map((c) => {
    let v = 0;
    return Float64Array.from({ length: 200 }, (_, t) =>
      p === 3 ? 1.5 : (v = 0.5 * v + Math.sin(1000 * (p + 1) + 37 * c + t * 1.7) * (p + 1)),
    );
  }),
);
const file = join(dir, 'draws.csv');
writeFileSync(file, writeDrawsCsv(params, chains));

describe('lmm summarize', () => {
  it('--json prints exactly one JSON object with one row per parameter', async () => {
    const io = capture();
    const status = await main(['summarize', '--draws', file, '--json'], io);
    expect(io.err).toBe('');
    expect(status).toBe(0);
    const out = JSON.parse(io.out);
    expect(Object.keys(out)).toEqual(['summary']);
    expect(out.summary.map((r: { param: string }) => r.param)).toEqual(params);
    for (const [p, row] of out.summary.entries()) {
      expect(Object.keys(row)).toEqual(['param', 'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean']);
      // Values go through CSV (shortest round-trip decimals) unchanged, so equality is exact.
      expect(row).toEqual({ param: params[p], ...summarizeDraws(chains[p]) });
    }
    expect(out.summary[3]).toMatchObject({ sd: 0, rhat: null, ess_bulk: null, ess_tail: null, mcse_mean: null });
  });

  it('prints an aligned text table without --json', async () => {
    const io = capture();
    expect(await main(['summarize', '--draws', file], io)).toBe(0);
    const lines = io.out.trimEnd().split('\n');
    expect(lines[0]).toBe('4 parameters, 4 chains of 200 draws');
    const header = lines[2];
    expect(header.split(/\s+/)).toEqual(['variable', 'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail']);
    const body = lines.slice(3);
    expect(body).toHaveLength(4);
    expect(body[0].startsWith('beta[(Intercept)]')).toBe(true);
    expect(body[3]).toMatch(/^fixed\s+1\.50\s+1\.50\s+0\s+0\s+1\.50\s+1\.50\s+NA\s+NA\s+NA$/);
    // numbers right-aligned: every row has the same length up to the last column
    expect(new Set([header, ...body].map((l) => l.length)).size).toBe(1);
  });

  it('user errors exit 2 with one line on stderr', async () => {
    for (const [argv, pattern] of [
      [['summarize'], /missing required option --draws/],
      [['summarize', '--draws', join(dir, 'missing.csv')], /cannot read draws file/],
      [['summarize', '--draws', file, '--bogus'], /bogus/],
    ] as const) {
      const io = capture();
      expect(await main([...argv], io)).toBe(2);
      expect(io.out).toBe('');
      expect(io.err).toMatch(pattern);
      expect(io.err.trimEnd().split('\n')).toHaveLength(1);
      expect(io.err.startsWith('lmm summarize: error: ')).toBe(true);
    }
  });

  it('reports a bad value in the file with column and line', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'chain,iteration,mu\n1,1,0.1\n1,2,abc\n');
    const io = capture();
    expect(await main(['summarize', '--draws', bad, '--json'], io)).toBe(2);
    expect(io.err).toMatch(/non-numeric value 'abc' in column 'mu' on line 3/);
  });
});
