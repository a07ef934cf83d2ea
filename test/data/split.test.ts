/**
 * The direct split of unquoted delimited text (load.ts `splitUnquoted`) gives csv-parse's records
 * (with the options of `tableFromCsv`) exactly, on every data file of test/fixtures/data and on
 * edge cases (BOM, \r\n and \r endings, empty lines, empty fields, TSV, semicolons); it declines
 * (undefined) quotes other than around a whole field, and ragged records, which csv-parse then
 * handles.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { splitUnquoted } from '../../src/data/load.js';

const reference = (text: string, delimiter: string) => parseCsv(text, { bom: true, skip_empty_lines: true, relax_quotes: false, delimiter }) as string[][];
const dataDir = join(import.meta.dirname, '..', 'fixtures', 'data');

describe('splitUnquoted', () => {
  for (const file of readdirSync(dataDir).filter((f) => f.endsWith('.csv'))) {
    it(`equals csv-parse on ${file}`, () => {
      const text = readFileSync(join(dataDir, file), 'utf8');
      expect(splitUnquoted(text, ',')).toEqual(reference(text, ','));
    });
  }

  const cases: [string, string, string][] = [
    ['BOM and \\r\\n', '\ufeffa,b\r\n1,2\r\n3,4\r\n', ','],
    ['\\r endings, no final newline', 'a,b\r1,2\r3,4', ','],
    ['empty lines and empty fields', 'a,b,c\n\n1,,3\n\n,2,\n', ','],
    ['TSV', 'x\ty\n1.5\tNA\n2\t3\n', '\t'],
    ['semicolons with decimal commas', 'x;y\n1,5;2\n3;4,25\n', ';'],
    ['one column', 'y\n1\n2\n\n3\n', ','],
    ['quoted fields, as R writes them', '"g","y"\n"a",1\n"",2\n"b c",3\n', ','],
  ];
  for (const [name, text, delimiter] of cases) {
    it(`equals csv-parse: ${name}`, () => {
      expect(splitUnquoted(text, delimiter)).toEqual(reference(text, delimiter));
    });
  }

  it('declines quotes inside fields and ragged records', () => {
    expect(splitUnquoted('a,b\n"1,5",2\n', ',')).toBeUndefined();
    expect(splitUnquoted('a,b\n"say ""hi""",2\n', ',')).toBeUndefined();
    expect(splitUnquoted('a,b\n"two\nlines",2\n', ',')).toBeUndefined();
    expect(splitUnquoted('a,b\n x"y,2\n', ',')).toBeUndefined();
    expect(splitUnquoted('a,b\n1,2,3\n', ',')).toBeUndefined();
  });
});
