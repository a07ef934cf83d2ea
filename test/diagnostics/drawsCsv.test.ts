import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LmmError } from '../../src/errors.js';
import { parseDrawsCsv, splitCsvLine, writeDrawsCsv } from '../../src/diagnostics/drawsCsv.js';
import { readDrawsCsv } from '../../src/node/files.js';

const dir = mkdtempSync(join(tmpdir(), 'lmm-draws-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(f: () => unknown): LmmError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(LmmError);
    return error as LmmError;
  }
  throw new Error('expected an LmmError');
}

describe('splitCsvLine', () => {
  it('handles quoted fields, doubled quotes and empty fields', () => {
    expect(splitCsvLine('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(splitCsvLine('"beta[(Intercept)]",x')).toEqual(['beta[(Intercept)]', 'x']);
    expect(splitCsvLine('"Psi[g][a,b]","say ""hi""",')).toEqual(['Psi[g][a,b]', 'say "hi"', '']);
    expect(splitCsvLine(',,')).toEqual(['', '', '']);
    expect(splitCsvLine('""')).toEqual(['']);
  });
});

describe('draws CSV', () => {
  const params = ['beta[(Intercept)]', 'Psi[school][cses,(Intercept)]', 'odd "name"', 'sigma2'];
  const chains = params.map((_, p) =>
    [0, 1, 2].map((c) => Float64Array.from({ length: 5 }, (_, t) => (p + 1) * Math.sin(c * 10 + t) / 3 + (t === 2 && p === 3 ? 1e-300 : 0))),
  );
  chains[2][1][4] = NaN;
  chains[2][2][0] = -Infinity;

  it('round-trips exactly, names with commas and quotes included', () => {
    const text = writeDrawsCsv(params, chains);
    expect(text.split('\n')[0]).toBe('chain,iteration,beta[(Intercept)],"Psi[school][cses,(Intercept)]","odd ""name""",sigma2');
    const back = parseDrawsCsv(text);
    expect(back.params).toEqual(params);
    expect(back.chains).toEqual(chains);
  });

  it('accepts rows in any order (grouped by chain, ordered by iteration) and CRLF line ends', () => {
    const text = writeDrawsCsv(params, chains);
    const [header, ...rows] = text.trimEnd().split('\n');
    const shuffled = rows.map((r, i) => [r, (i * 7) % rows.length] as const).sort((a, b) => a[1] - b[1]).map((r) => r[0]);
    const back = parseDrawsCsv([header, ...shuffled].join('\r\n') + '\r\n');
    expect(back.chains).toEqual(chains);
  });

  it('reads a file without chain and iteration columns as one chain', () => {
    const back = parseDrawsCsv('a,b\n1,2\n3,4\n5,NA\n');
    expect(back.params).toEqual(['a', 'b']);
    expect(back.chains.map((p) => p.map((c) => Array.from(c)))).toEqual([[[1, 3, 5]], [[2, 4, NaN]]]);
  });

  it('accepts posterior as_draws_df columns (.chain, .iteration, .draw)', () => {
    const back = parseDrawsCsv('mu,.chain,.iteration,.draw\n1,2,1,3\n2,1,1,1\n3,1,2,2\n4,2,2,4\n');
    expect(back.params).toEqual(['mu']);
    expect(back.chains[0].map((c) => Array.from(c))).toEqual([[2, 3], [1, 4]]);
  });

  it('reads a file from disk', () => {
    const file = join(dir, 'draws.csv');
    writeFileSync(file, writeDrawsCsv(params, chains));
    expect(readDrawsCsv(file).chains).toEqual(chains);
  });

  it('reports a missing file, an empty file and a header without rows', () => {
    expect(errorOf(() => readDrawsCsv(join(dir, 'nope.csv'))).message).toMatch(/cannot read draws file '.*nope\.csv': no such file/);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    expect(errorOf(() => readDrawsCsv(empty)).message).toMatch(/is empty/);
    expect(errorOf(() => parseDrawsCsv('chain,iteration,a\n')).message).toMatch(/no draws/);
    expect(errorOf(() => parseDrawsCsv('chain,iteration\n1,1\n')).message).toMatch(/no parameter columns/);
  });

  it('reports unequal chain lengths', () => {
    const err = errorOf(() => parseDrawsCsv('chain,iteration,a\n1,1,0.5\n1,2,0.7\n2,1,0.1\n'));
    expect(err.kind).toBe('data');
    expect(err.message).toMatch(/unequal numbers of draws \(chain 1: 2, chain 2: 1\)/);
  });

  it('reports a non-numeric value with its column and line', () => {
    const err = errorOf(() => parseDrawsCsv('chain,iteration,a,"b[x,y]"\n1,1,0.5,1\n1,2,0.7,oops\n'));
    expect(err.message).toBe("draws file: non-numeric value 'oops' in column 'b[x,y]' on line 3");
    expect(err.message).not.toContain('\n');
    expect(errorOf(() => parseDrawsCsv('chain,iteration,a\n1,x,0.5\n')).message).toMatch(/non-numeric iteration 'x' on line 2/);
  });

  it('reports rows with the wrong number of fields and unterminated quotes', () => {
    expect(errorOf(() => parseDrawsCsv('a,b\n1,2\n3\n')).message).toMatch(/line 3 has 1 fields, expected 2/);
    expect(errorOf(() => parseDrawsCsv('"a,b\n1,2\n')).message).toMatch(/unterminated quoted field on line 1/);
  });
});
