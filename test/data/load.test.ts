/** Data loading: CSV and JSON into typed arquero tables, and every user error as one line. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromCsv, tableFromJson } from '../../src/data/load.js';
import { loadTable } from '../../src/node/files.js';
import { buildModel } from '../../src/model/model.js';
import { LmmError } from '../../src/errors.js';
import { dataset } from '../helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lmm-load-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('CSV and JSON loading', () => {
  it('types columns: numbers (NaN for missing) and strings (null for missing)', () => {
    const t = tableFromCsv('y,g,x\n1.5,a,\n2,"b c",3\nNA,a,4e2\n');
    expect(Array.from(t.array('y') as Float64Array)).toEqual([1.5, 2, NaN]);
    expect(t.array('g')).toEqual(['a', 'b c', 'a']);
    expect(Array.from(t.array('x') as Float64Array)).toEqual([NaN, 3, 400]);
  });
  it('a column with any text is a factor', () => {
    expect(tableFromCsv('y,g\n1,10\n2,x\n').array('g')).toEqual(['10', 'x']);
  });
  it('reads JSON arrays of records', () => {
    const t = tableFromJson('[{"y": 1, "g": "a"}, {"y": null, "g": "b"}, {"y": 3, "g": "a", "x": 2}]');
    expect(Array.from(t.array('y') as Float64Array)).toEqual([1, NaN, 3]);
    expect(Array.from(t.array('x') as Float64Array)).toEqual([NaN, NaN, 2]);
  });
  it('loads the fixture datasets', () => {
    expect(dataset('hsb').numRows()).toBe(7185);
    expect(loadTable(file('d.json', JSON.stringify([{ y: 1, g: 'a' }]))).numRows()).toBe(1);
  });
});

describe('data errors', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['missing file', () => loadTable(join(dir, 'nope.csv')), /cannot read data file .*nope\.csv.*no such file/],
    ['a directory', () => loadTable(dir), /is a directory/],
    ['empty file', () => loadTable(file('empty.csv', '')), /is empty/],
    ['header only', () => loadTable(file('header.csv', 'y,g\n')), /has a header but no rows/],
    ['ragged rows', () => loadTable(file('ragged.csv', 'y,g\n1,a\n2,b,3\n')), /line 3 has 3 fields but the header has 2/],
    ['duplicate column', () => tableFromCsv('y,y\n1,2\n'), /column name 'y' appears twice/],
    ['bad JSON', () => tableFromJson('{'), /cannot parse .* as JSON/],
    ['JSON not an array', () => tableFromJson('{"y": 1}'), /must hold a JSON array of records/],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => {
      expect(run).toThrow(LmmError);
      expect(run).toThrow(message);
    });
  }
});

describe('model-frame errors', () => {
  const t = tableFromCsv('y,x,g,one,word\n1,2,a,k,p\n2,3,a,k,q\n3,1,b,k,r\n4,5,b,k,s\n5,2,c,k,t\n');
  it('unknown column, with the closest name suggested', () => {
    expect(() => buildModel(t, 'y ~ xx + (1 | g)')).toThrow(/unknown column 'xx' in formula \(did you mean 'x'\?\)/);
  });
  it('non-numeric response', () => {
    expect(() => buildModel(t, 'word ~ x + (1 | g)')).toThrow(/response 'word' is not numeric/);
  });
  it('no rows left after dropping missing values', () => {
    const m = tableFromCsv('y,x,g\n1,NA,a\nNA,2,b\n');
    expect(() => buildModel(m, 'y ~ x + (1 | g)')).toThrow(/no rows left after dropping rows with missing values in 'y', 'x'/);
  });
  it('an infinite value in a used column', () => {
    const m = tableFromCsv('y,x,g\n1,2,a\n2,Inf,a\n3,4,b\n4,1,b\n');
    expect(() => buildModel(m, 'y ~ x + (1 | g)')).toThrow(/'x' is infinite in row 2/);
  });
  it('a grouping factor with fewer than 2 levels', () => {
    expect(() => buildModel(t, 'y ~ x + (1 | one)')).toThrow(/grouping factor 'one' has 1 level in the rows used; a random effect needs at least 2/);
  });
});
