/**
 * Data from text or from objects in memory, on any platform (file reading is the Node entry's:
 * src/node/files.ts): CSV/TSV text, JSON text or arrays of records. Numeric columns become
 * Float64Array (NaN where missing), others string arrays (null where missing). Every problem is
 * an {@link LmmError} naming the source and, where it applies, the line or record.
 */
import * as aq from 'arquero';
// csv-parse's Node build or, under the "browser" condition, its browser build (package.json "imports").
import { parse as parseCsv } from '#csv-parse';
import { LmmError } from '../errors.js';
import { typeColumn, type TypedColumn } from './columns.js';

/** Options of `loadTable` (src/node/files.ts). */
export interface LoadOptions {
  /** Field delimiter of delimited text (`'tab'` for a tab); detected from the header line when left out. */
  delimiter?: string;
}

/** The delimiter an option names (`'tab'` or `'\\t'` for a tab, else one character), or undefined. */
export function delimiterOption(delimiter: string | undefined): string | undefined {
  const given = delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter;
  if (given !== undefined && given.length !== 1) throw new LmmError('option', `--delimiter must be one character (or 'tab'), got '${delimiter}'`);
  return given;
}

/**
 * The delimiter of delimited text, from its first line: tab, semicolon or comma, whichever
 * occurs most there outside quotes (comma when none does).
 */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/)).replace(/"[^"]*"/g, '');
  let best = ',';
  let most = 0;
  for (const d of [',', '\t', ';']) {
    const n = firstLine.split(d).length - 1;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

/** Parse CSV or TSV text (header row first) into a typed arquero table. */
export function tableFromCsv(text: string, source = 'CSV input', delimiter = detectDelimiter(text)): aq.ColumnTable {
  if (text.trim() === '') throw new LmmError('data', `data file '${source}' is empty`);
  let records: string[][] | undefined = splitUnquoted(text, delimiter);
  try {
    records ??= parseCsv(text, { bom: true, skip_empty_lines: true, relax_quotes: false, delimiter }) as string[][];
  } catch (error) {
    const message = (error as Error).message.replace(/^Invalid Record Length: expect (\d+), got (\d+) on line (\d+)$/, 'line $3 has $2 fields but the header has $1');
    throw new LmmError('data', `cannot parse '${source}': ${message}`);
  }
  const [header, ...rows] = records;
  checkHeader(header, source);
  if (rows.length === 0) throw new LmmError('data', `data file '${source}' has a header but no rows`);
  const columns: Record<string, TypedColumn> = {};
  header.forEach((name, j) => {
    columns[name] = typeColumn(rows.map((row) => row[j]));
  });
  return aq.table(columns);
}

/**
 * The records of simple delimited text, split directly (csv-parse took ~60–150 ms of a fresh
 * `lmm` process on hsb's 7,185 rows before V8 had optimised it): the same records as csv-parse
 * with the options of `tableFromCsv` (BOM dropped, \n, \r\n or \r between records, empty lines
 * skipped, a field in quotes taken without them, as R's write.csv writes strings). Undefined
 * when a quote is anything but the two ends of a field (a delimiter, line break or doubled quote
 * inside quotes) or a record's field count differs from the header's: csv-parse then parses the
 * text (or reports its fault, line numbered).
 */
export function splitUnquoted(text: string, delimiter: string): string[][] | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const quoted = body.includes('"');
  const records: string[][] = [];
  let width = -1;
  for (const line of body.split(/\r\n|\n|\r/)) {
    if (line === '') continue;
    const fields = line.split(delimiter);
    if (width < 0) width = fields.length;
    else if (fields.length !== width) return undefined;
    if (quoted && line.includes('"')) {
      for (let j = 0; j < fields.length; j++) {
        const f = fields[j];
        const first = f.indexOf('"');
        if (first < 0) continue;
        if (first !== 0 || f.length < 2 || f.indexOf('"', 1) !== f.length - 1) return undefined;
        fields[j] = f.slice(1, -1);
      }
    }
    records.push(fields);
  }
  return records;
}

/** Parse JSON text (an array of flat records), or take such an array as it is, into a typed arquero table. */
export function tableFromJson(text: string | readonly unknown[], source = 'JSON input'): aq.ColumnTable {
  let records: unknown = text;
  if (typeof text === 'string') {
    if (text.trim() === '') throw new LmmError('data', `data file '${source}' is empty`);
    try {
      records = JSON.parse(text);
    } catch (error) {
      throw new LmmError('data', `cannot parse '${source}' as JSON: ${(error as Error).message}`);
    }
  }
  if (!Array.isArray(records)) throw new LmmError('data', `'${source}' must hold a JSON array of records`);
  if (records.length === 0) throw new LmmError('data', `data file '${source}' has no rows`);
  const names: string[] = [];
  const seen = new Set<string>();
  records.forEach((record, i) => {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new LmmError('data', `'${source}': record ${i + 1} is not an object`);
    }
    for (const key of Object.keys(record)) {
      if (!seen.has(key)) {
        seen.add(key);
        names.push(key);
      }
    }
  });
  const columns: Record<string, TypedColumn> = {};
  for (const name of names) {
    const cells = records.map((record: Record<string, unknown>) => {
      const v = record[name];
      return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
    });
    columns[name] = typeColumn(cells);
  }
  return aq.table(columns);
}

function checkHeader(header: string[], source: string): void {
  const seen = new Set<string>();
  header.forEach((name, j) => {
    if (name.trim() === '') throw new LmmError('data', `'${source}': header column ${j + 1} has no name`);
    if (seen.has(name)) throw new LmmError('data', `'${source}': column name '${name}' appears twice in the header`);
    seen.add(name);
  });
}
