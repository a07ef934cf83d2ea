/** Data forms: TSV and semicolon text (delimiter detected or given), stdin, an array of records. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, tableFromCsv, tableFromJson } from '../../src/data/load.js';
import { loadTable } from '../../src/node/files.js';
import { fixtures } from '../helpers.js';

const csv = readFileSync(join(fixtures, 'data', 'sleepstudy.csv'), 'utf8');

describe('data forms', () => {
  it('detects tab and semicolon delimiters from the header line', () => {
    expect(detectDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(detectDelimiter('a;b\n1,5;2\n')).toBe(';');
    expect(detectDelimiter('"a;b",c\n1,2\n')).toBe(',');
    const tsv = tableFromCsv(csv.replace(/,/g, '\t'), 'x.tsv');
    const comma = tableFromCsv(csv);
    expect(tsv.columnNames()).toEqual(comma.columnNames());
    expect(Array.from(tsv.array('Reaction') as Float64Array)).toEqual(Array.from(comma.array('Reaction') as Float64Array));
  });
  it('takes --delimiter (one character or tab) and refuses anything longer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lmm-forms-'));
    const file = join(dir, 'sleep.txt');
    writeFileSync(file, csv.replace(/,/g, '\t'));
    expect(loadTable(file, { delimiter: 'tab' }).numRows()).toBe(180);
    expect(() => loadTable(file, { delimiter: '::' })).toThrow(/--delimiter must be one character/);
  });
  it('reads stdin with --data -', () => {
    const bin = join(fixtures, '..', '..', 'dist', 'src', 'cli', 'main.js');
    const out = execFileSync('node', [bin, 'fit', '--data', '-', '--formula', 'Reaction ~ Days + (1 | Subject)', '--json'], { input: csv, encoding: 'utf8' });
    expect(JSON.parse(out).nobs).toBe(180);
  });
  it('takes an array of records as it is', () => {
    const t = tableFromJson([{ y: 1, g: 'a' }, { y: 2.5, g: 'b' }, { y: null, g: 'a' }]);
    expect(Array.from(t.array('y') as Float64Array)).toEqual([1, 2.5, NaN]);
    expect(Array.from(t.array('g') as string[])).toEqual(['a', 'b', 'a']);
  });
});
