/**
 * The Node side of reading and writing files: data files (CSV, TSV, JSON, Arrow IPC; `-` for
 * stdin), draws files and HTML reports. The parsing itself is the core's (src/data), so the
 * same text gives the same table in a browser.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type * as aq from 'arquero';
import { parseDrawsCsv, type Draws } from '../diagnostics/drawsCsv.js';
import { LmmError } from '../errors.js';
import { looksLikeArrow, tableFromArrow } from '../data/input.js';
import { delimiterOption, tableFromCsv, tableFromJson, type LoadOptions } from '../data/load.js';
import type { Comparison } from '../../samplers/compare/compare.js';

/** Read a whole file (`-`: stdin), or an {@link LmmError} naming it. */
function readWhole(path: string, what: string): Buffer {
  try {
    if (path === '-') return readFileSync(0);
    if (statSync(path).isDirectory()) throw new LmmError('file', `cannot read ${what} '${path}': it is a directory`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof LmmError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String((error as Error).message);
    throw new LmmError('file', `cannot read ${what} '${path}': ${why}`);
  }
}

/** File extensions read as Arrow IPC (file or stream format). */
const ARROW_EXTENSIONS = new Set(['.arrow', '.arrows', '.feather', '.ipc']);

/**
 * Read a data file into an arquero table: CSV or TSV with a header row, JSON (an array of
 * records), or Arrow IPC (`.arrow`, `.arrows`, `.feather`, `.ipc`; on stdin, recognised by its
 * first bytes).
 * Numeric columns become Float64Array (NaN where missing), others string arrays (null where
 * missing). Every problem is an {@link LmmError} naming the file and, where it applies, the line.
 */
export function loadTable(path: string, options: LoadOptions = {}): aq.ColumnTable {
  const bytes = readWhole(path, 'data file');
  const source = path === '-' ? 'stdin' : path;
  if (ARROW_EXTENSIONS.has(extname(path).toLowerCase()) || (path === '-' && looksLikeArrow(bytes))) {
    if (options.delimiter !== undefined) throw new LmmError('option', `--delimiter applies to delimited text, not to the Arrow file '${source}'`);
    return tableFromArrow(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), source);
  }
  const text = bytes.toString('utf8');
  const isJson = extname(path).toLowerCase() === '.json' || (path === '-' && /^\s*\[/.test(text));
  const given = delimiterOption(options.delimiter);
  const delimiter = given ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : undefined);
  return isJson ? tableFromJson(text, source) : tableFromCsv(text, source, delimiter);
}


/** Read and parse a draws CSV file (see {@link parseDrawsCsv}); a missing file is an LmmError. */
export function readDrawsCsv(path: string): Draws {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? 'unreadable');
    throw new LmmError('file', `cannot read draws file '${path}': ${why}`);
  }
  return parseDrawsCsv(text, `draws file '${path}'`);
}

/** Render the report and write it to `path` (an {@link LmmError} naming the file if it cannot be written). */
export async function writeReport(comparison: Comparison, path: string): Promise<void> {
  // Loaded here, not with the file readers: the report brings vega (~1.7 MB), which no other command needs.
  const { renderReport } = await import('../../samplers/report/report.js');
  const html = await renderReport(comparison);
  try {
    writeFileSync(path, html);
  } catch (error) {
    throw new LmmError('file', `cannot write report '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
