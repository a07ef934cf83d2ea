/**
 * Data in the forms people have, made into the typed arquero table the model builder reads:
 * an arquero table (as it is), an array of records, an object of columns
 * (`{ y: Float64Array, g: string[] }`), an Apache Arrow table (flechette's or apache-arrow's:
 * anything with `schema.fields` and `getChild`), or Arrow IPC bytes. Numeric columns become
 * Float64Array (NaN where missing), others string arrays (null where missing), as for files.
 * Every problem is an {@link LmmError} naming the source and the column or record.
 */
import { tableFromIPC } from '@uwdata/flechette';
import * as aq from 'arquero';
import { LmmError } from '../errors.js';
import { typeColumn, type TypedColumn } from './columns.js';
import { tableFromJson } from './load.js';

/** An Arrow table as flechette and apache-arrow both give it. */
export interface ArrowLikeTable {
  schema: { fields: readonly { name: string }[] };
  getChild(name: string): (Iterable<unknown> & { length: number }) | null;
}

/** Columns by name: arrays or typed arrays of equal length. */
export type ColumnObject = Record<string, ArrayLike<unknown>>;

/** Every form of data the fitters, the sampler and `predict` accept. */
export type DataInput = aq.ColumnTable | readonly Record<string, unknown>[] | ColumnObject | ArrowLikeTable | Uint8Array | ArrayBuffer;

const isArquero = (data: unknown): data is aq.ColumnTable => typeof (data as aq.ColumnTable).columnNames === 'function' && typeof (data as aq.ColumnTable).column === 'function';
const isArrow = (data: unknown): data is ArrowLikeTable => Array.isArray((data as ArrowLikeTable).schema?.fields) && typeof (data as ArrowLikeTable).getChild === 'function';

/** `data` as a typed arquero table (an arquero table is returned as it is). */
export function toTable(data: DataInput, source = 'data'): aq.ColumnTable {
  if (data === null || typeof data !== 'object') throw new LmmError('data', `${source}: expected a table, an array of records or an object of columns, got ${data === null ? 'null' : typeof data}`);
  if (isArquero(data)) return data;
  if (Array.isArray(data)) return tableFromJson(data, source);
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return tableFromArrow(data, source);
  if (isArrow(data)) return arrowTable(data, source);
  return tableFromColumns(data as ColumnObject, source);
}

/** An object of columns as a typed table: every column an array or typed array, all of one length. */
export function tableFromColumns(columns: ColumnObject, source = 'data'): aq.ColumnTable {
  const names = Object.keys(columns);
  if (names.length === 0) throw new LmmError('data', `${source}: no columns`);
  let rows: number | undefined;
  const typed: Record<string, TypedColumn> = {};
  for (const name of names) {
    const column = columns[name];
    if (column === null || typeof column !== 'object' || typeof column.length !== 'number') {
      throw new LmmError('data', `${source}: column '${name}' is not an array (got ${column === null ? 'null' : typeof column})`);
    }
    if (rows === undefined) rows = column.length;
    else if (column.length !== rows) throw new LmmError('data', `${source}: column '${name}' has ${column.length} values but column '${names[0]}' has ${rows}`);
    typed[name] = typeValues(Array.from(column as ArrayLike<unknown>), `${source}: column '${name}'`);
  }
  if (rows === 0) throw new LmmError('data', `${source} has no rows`);
  return aq.table(typed);
}

/** Read Arrow IPC bytes (file or stream format) into a typed table. */
export function tableFromArrow(bytes: Uint8Array | ArrayBuffer, source = 'Arrow input'): aq.ColumnTable {
  let table: ArrowLikeTable;
  try {
    table = tableFromIPC(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), { useBigInt: false, useDate: false }) as unknown as ArrowLikeTable;
  } catch (error) {
    throw new LmmError('data', `cannot read '${source}' as Arrow IPC: ${(error as Error).message}`);
  }
  return arrowTable(table, source);
}

/** Whether bytes start as Arrow IPC does: the file format's magic, or a stream's first message. */
export function looksLikeArrow(bytes: Uint8Array): boolean {
  const magic = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
  if (magic.every((b, i) => bytes[i] === b)) return true;
  return bytes.length >= 8 && bytes[0] === 0xff && bytes[1] === 0xff && bytes[2] === 0xff && bytes[3] === 0xff;
}

function arrowTable(table: ArrowLikeTable, source: string): aq.ColumnTable {
  const columns: ColumnObject = {};
  for (const { name } of table.schema.fields) {
    const child = table.getChild(name);
    if (child === null) throw new LmmError('data', `${source}: column '${name}' has no data`);
    // Iteration gives null at invalid slots (toArray may not, for numbers).
    columns[name] = Array.from(child);
  }
  if (Object.keys(columns).length === 0) throw new LmmError('data', `${source}: no columns`);
  return tableFromColumns(columns, source);
}

/**
 * Type one column of JavaScript values: numbers (bigints that are safe integers too) with
 * null, undefined or NaN as missing make a numeric column; strings and booleans (as 'true' and
 * 'false') with missing values a string column. Other values, or numbers mixed with strings,
 * are an error naming the column and row.
 */
function typeValues(values: readonly unknown[], label: string): TypedColumn {
  let kind: 'number' | 'string' | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    const k = typeof v === 'number' || (typeof v === 'bigint' && Number.isSafeInteger(Number(v))) ? 'number' : typeof v === 'string' || typeof v === 'boolean' ? 'string' : undefined;
    if (k === undefined) throw new LmmError('data', `${label}, row ${i + 1}: cannot use a value of type ${v instanceof Date ? 'Date' : typeof v}`);
    if (kind === undefined) kind = k;
    else if (kind !== k) throw new LmmError('data', `${label}, row ${i + 1}: a ${k} among ${kind}s`);
  }
  if (kind === 'string') return values.map((v) => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v)));
  if (kind === 'number') return Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : Number(v)));
  // Only missing values: a numeric column of NaN, as an empty text column is typed.
  return typeColumn(values.map(() => ''));
}
