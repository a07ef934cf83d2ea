/**
 * Draws files: CSV with a header row, columns `chain`, `iteration`, then one column per
 * parameter (as `lmm sample --draws` writes them). Rows may come in any order; within a
 * chain they are put in iteration order. Without a `chain` column the file is one chain.
 * posterior's `as_draws_df` names (`.chain`, `.iteration`, `.draw`) are accepted too.
 */
import { LmmError } from '../errors.js';

/** Parameter draws read from a file: `chains[p][c]` holds parameter p's draws in chain c. */
export interface Draws {
  params: string[];
  chains: Float64Array[][];
}

/**
 * Split one CSV record into fields: commas separate fields, a field in double quotes may
 * contain commas, and a doubled quote inside it stands for one quote. Unquoted fields are
 * returned as written (not trimmed).
 */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) throw new LmmError('data', 'unterminated quoted field');
        value += line.slice(i, close);
        if (line[close + 1] === '"') {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      // Anything between the closing quote and the next comma is kept, as most readers do.
      const comma = line.indexOf(',', i);
      const rest = comma < 0 ? line.slice(i) : line.slice(i, comma);
      fields.push(value + rest);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, comma));
      i = comma + 1;
    }
    if (i === n) {
      fields.push('');
      return fields;
    }
  }
}

/** A field as CSV: quoted (with doubled quotes) when it holds a comma, quote, newline or edge space. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A draw as CSV text: shortest exact decimal; NA for NaN, Inf and -Inf as R writes them. */
export function formatDraw(v: number): string {
  if (Number.isNaN(v)) return 'NA';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Cells read as a missing draw (NaN). */
const MISSING = new Set(['', 'NA', 'NaN', 'nan', 'NULL']);
const POSITIVE_INFINITY = new Set(['Inf', '+Inf', 'inf', 'Infinity', '+Infinity']);
const NEGATIVE_INFINITY = new Set(['-Inf', '-inf', '-Infinity']);

/** A cell as a draw; undefined when it is not a number (nor a missing or infinite marker). */
function parseDraw(cell: string): number | undefined {
  // Most cells are plain numbers, which Number reads (surrounding white space included);
  // it also reads a blank cell as 0, which is a missing draw instead.
  const number = Number(cell);
  if (number === number && (number !== 0 || cell.trim() !== '')) return number;
  const text = cell.trim();
  if (MISSING.has(text)) return NaN;
  if (POSITIVE_INFINITY.has(text)) return Infinity;
  if (NEGATIVE_INFINITY.has(text)) return -Infinity;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}

/** Logical records of a CSV text with their 1-based starting line numbers (quoted newlines joined). */
function* records(text: string): Generator<{ line: number; fields: string[] }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let record = lines[i];
    // A quoted field may span lines: keep joining while the quotes are unbalanced.
    while (quoteCount(record) % 2 === 1 && i + 1 < lines.length) record += '\n' + lines[++i];
    if (record.endsWith('\r')) record = record.slice(0, -1);
    if (record.trim() === '' || record.startsWith('#')) continue;
    try {
      yield { line: start + 1, fields: splitCsvLine(record) };
    } catch (error) {
      if (error instanceof LmmError) throw new LmmError('data', `${error.message} on line ${start + 1}`);
      throw error;
    }
  }
}

function quoteCount(s: string): number {
  let count = 0;
  for (let i = s.indexOf('"'); i >= 0; i = s.indexOf('"', i + 1)) count++;
  return count;
}

/**
 * Parse a draws CSV text. `source` names the file in error messages. Throws LmmError for an
 * empty file, a malformed row, a non-numeric value (naming column and line), or chains of
 * unequal length.
 */
export function parseDrawsCsv(text: string, source = 'draws file'): Draws {
  const rows = records(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  const first = rows.next();
  if (first.done) throw new LmmError('data', `${source} is empty`);
  const header = first.value.fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new LmmError('data', `${source}: duplicate column '${name}'`);
    seen.add(name);
  }
  const chainCol = header.findIndex((h) => h === 'chain' || h === '.chain');
  const iterCol = header.findIndex((h) => h === 'iteration' || h === '.iteration');
  const paramCols: number[] = [];
  header.forEach((h, j) => {
    if (j !== chainCol && j !== iterCol && h !== '.draw') paramCols.push(j);
  });
  if (paramCols.length === 0) throw new LmmError('data', `${source} has no parameter columns`);

  // Read every row: chain label, iteration, and the parameter values column by column.
  const chainOf: string[] = [];
  const iterationOf: number[] = [];
  const values: number[][] = paramCols.map(() => []);
  for (const { line, fields } of rows) {
    if (fields.length !== header.length) {
      throw new LmmError('data', `${source}: line ${line} has ${fields.length} fields, expected ${header.length}`);
    }
    chainOf.push(chainCol < 0 ? '1' : fields[chainCol].trim());
    if (iterCol >= 0) {
      const it = Number(fields[iterCol].trim());
      if (fields[iterCol].trim() === '' || !Number.isFinite(it)) {
        throw new LmmError('data', `${source}: non-numeric iteration '${fields[iterCol]}' on line ${line}`);
      }
      iterationOf.push(it);
    }
    for (let k = 0; k < paramCols.length; k++) {
      const cell = fields[paramCols[k]];
      const v = parseDraw(cell);
      if (v === undefined) {
        throw new LmmError('data', `${source}: non-numeric value '${cell}' in column '${header[paramCols[k]]}' on line ${line}`);
      }
      values[k].push(v);
    }
  }
  if (chainOf.length === 0) throw new LmmError('data', `${source} has a header but no draws`);

  // Group rows by chain (chains in numeric order when their labels are numbers).
  const groups = new Map<string, number[]>();
  chainOf.forEach((label, row) => {
    let list = groups.get(label);
    if (list === undefined) groups.set(label, (list = []));
    list.push(row);
  });
  const labels = [...groups.keys()];
  if (labels.every((l) => l !== '' && Number.isFinite(Number(l)))) labels.sort((a, b) => Number(a) - Number(b));
  const rowsByChain = labels.map((l) => groups.get(l) as number[]);
  if (iterCol >= 0) for (const list of rowsByChain) list.sort((a, b) => iterationOf[a] - iterationOf[b] || a - b);
  const lengths = rowsByChain.map((list) => list.length);
  if (lengths.some((len) => len !== lengths[0])) {
    const detail = labels.map((l, c) => `chain ${l}: ${lengths[c]}`).join(', ');
    throw new LmmError('data', `${source}: chains have unequal numbers of draws (${detail})`);
  }
  const chains = values.map((column) =>
    rowsByChain.map((list) => {
      const out = new Float64Array(list.length);
      for (let t = 0; t < list.length; t++) out[t] = column[list[t]];
      return out;
    }),
  );
  return { params: paramCols.map((j) => header[j]), chains };
}


/**
 * Draws as CSV text in the same format: header `chain,iteration,<params>`, then one row per
 * chain and iteration (both 1-based). `chains[p][c]` holds parameter p's draws in chain c;
 * all parameters must have the same chains and lengths.
 */
export function writeDrawsCsv(params: readonly string[], chains: readonly (readonly ArrayLike<number>[])[]): string {
  if (chains.length !== params.length) throw new Error('writeDrawsCsv: one list of chains per parameter expected');
  const nChains = params.length === 0 ? 0 : chains[0].length;
  const n = nChains === 0 ? 0 : chains[0][0].length;
  for (const list of chains) {
    if (list.length !== nChains || list.some((c) => c.length !== n)) {
      throw new Error('writeDrawsCsv: every parameter needs the same number of chains and draws');
    }
  }
  const lines: string[] = [['chain', 'iteration', ...params.map(csvField)].join(',')];
  const row = new Array<string>(params.length + 2);
  for (let c = 0; c < nChains; c++) {
    for (let t = 0; t < n; t++) {
      row[0] = String(c + 1);
      row[1] = String(t + 1);
      for (let p = 0; p < params.length; p++) row[p + 2] = formatDraw(chains[p][c][t]);
      lines.push(row.join(','));
    }
  }
  return lines.join('\n') + '\n';
}
