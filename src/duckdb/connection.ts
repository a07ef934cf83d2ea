/**
 * The DuckDB side of the SQL path: which data files it reads, the relation a file, a glob or a
 * query becomes, and a query runner over an embedded DuckDB (`@duckdb/node-api`, imported
 * lazily so that commands that never read such files do not load its native library).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { LmmError } from '../errors.js';
import type { ParsedFormula } from '../formula/types.js';
import type { MixedModel } from '../model/model.js';
import type { RunQuery, SqlSource } from './frame.js';
import { sqlModel, type SqlModelOptions } from './model.js';
import { text } from './sql.js';

/** Where the rows are: a data file or glob, or a query against a DuckDB database file. */
export interface DuckDBInput {
  /** A Parquet or CSV/TSV file (optionally gzipped), or a glob of such files. */
  data?: string;
  /** A SELECT whose result is the data (with `db`, or over files it names itself). */
  sql?: string;
  /** A DuckDB database file the query reads (opened read-only). */
  db?: string;
  /** Field delimiter of delimited text (detected by DuckDB when absent). */
  delimiter?: string;
}

/** The FROM clause of a data file or glob. */
export function fileRelation(path: string, delimiter?: string): string {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return `read_parquet(${text(path)})`;
  const delim = delimiter === undefined ? '' : `, delim = ${text(delimiter === 'tab' || delimiter === '\\t' ? '\t' : delimiter)}`;
  // Columns are numbers or text, as the in-memory reader types them (src/data/columns.ts): no
  // booleans ('No'/'Yes' would become one) or dates; 'NA', 'NaN' and the empty cell are missing.
  if (/\.(csv|tsv|txt)(\.gz)?$/.test(lower)) return `read_csv(${text(path)}, nullstr = ['NA', '', 'NaN'], header = true, auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR']${delim})`;
  throw new LmmError('option', `--data '${path}': DuckDB reads .parquet, .csv, .tsv (also .gz) files and globs of them`);
}

/**
 * A query runner over a new embedded DuckDB: in memory, or the database file `db` (read-only
 * unless `create`, which also makes the file if it does not exist).
 */
export async function openDuckDB(db?: string, options: { create?: boolean } = {}): Promise<{ run: RunQuery; close: () => void }> {
  const duckdb = await import('@duckdb/node-api');
  if (db !== undefined && !options.create && !existsSync(db)) throw new LmmError('file', `cannot read database '${db}': no such file`);
  // One DuckDB thread per core (DuckDB's default too, stated so that it holds wherever this runs);
  // a perfect hash table for GROUP BY an integer column whose range (from Parquet statistics) fits
  // in 2^18 slots (DuckDB's default, 2^12, sends 10^5 integer groups to the general hash table).
  const config: Record<string, string> = { threads: String(availableParallelism()), perfect_ht_threshold: '18' };
  if (db !== undefined && !options.create) config.access_mode = 'READ_ONLY';
  const instance = await duckdb.DuckDBInstance.create(db ?? ':memory:', config);
  const connection = await instance.connect();
  const run: RunQuery = async (sql) => {
    try {
      return readRows(duckdb, await connection.run(sql));
    } catch (error) {
      throw duckdbError(error as Error);
    }
  };
  return { run, close: () => connection.closeSync() };
}

type DuckDBApi = typeof import('@duckdb/node-api');

/**
 * The rows of a materialised result, as `getRowsJS` gives them (numbers, bigint, strings,
 * booleans, arrays), read column by column from each chunk: a LIST of DOUBLE (the sums of a
 * block) straight from its flat child vector, which is several times faster than converting
 * 10^5 list values one by one through the value objects; other columns by DuckDB's JS converter.
 */
async function readRows(duckdb: DuckDBApi, result: import('@duckdb/node-api').DuckDBMaterializedResult): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (let c = 0; c < result.chunkCount; c++) {
    const chunk = result.getChunk(c);
    const count = chunk.rowCount;
    const columns: unknown[][] = [];
    for (let k = 0; k < chunk.columnCount; k++) {
      const vector = chunk.getColumnVector(k);
      if (vector instanceof duckdb.DuckDBListVector && vector.childVector instanceof duckdb.DuckDBDoubleVector) {
        const child = vector.childVector;
        // The list's own validity (a field of the vector; getItem would build the value objects this avoids).
        const validity = (vector as unknown as { validity?: { itemValid(i: number): boolean } }).validity;
        const values: ((number | null)[] | null)[] = new Array(count);
        for (let i = 0; i < count; i++) {
          if (validity ? !validity.itemValid(i) : vector.getItem(i) === null) {
            values[i] = null;
            continue;
          }
          const offset = vector.getEntryOffset(i);
          const length = vector.getEntryLength(i);
          const list: (number | null)[] = new Array(length);
          for (let j = 0; j < length; j++) list[j] = child.getItem(offset + j);
          values[i] = list;
        }
        columns.push(values);
      } else {
        columns.push(chunk.convertColumnValues(k, duckdb.JSDuckDBValueConverter));
      }
    }
    for (let i = 0; i < count; i++) rows.push(columns.map((column) => column[i]));
  }
  return rows;
}

/** A DuckDB failure as one line: a missing file as such, anything else with DuckDB's first line. */
function duckdbError(error: Error): Error {
  if (error instanceof LmmError) return error;
  const first = String(error.message).split('\n')[0];
  const missing = /No files found that match the pattern "([^"]*)"|Cannot open file "([^"]*)"/.exec(first);
  if (missing) return new LmmError('file', `cannot read data file '${missing[1] ?? missing[2]}': no such file`);
  return new LmmError('data', `DuckDB: ${first}`);
}

/** The relation of the input with its columns (name, DuckDB type). */
export async function describeSource(run: RunQuery, input: DuckDBInput): Promise<SqlSource> {
  let from: string;
  let label: string;
  if (input.sql !== undefined) {
    if (input.data !== undefined) throw new LmmError('option', 'give --data or --sql, not both');
    from = `(${input.sql.replace(/;\s*$/, '')}) AS lmm_source`;
    label = 'query';
  } else if (input.data !== undefined) {
    from = `${fileRelation(input.data, input.delimiter)} AS lmm_source`;
    label = input.data;
  } else {
    throw new LmmError('option', 'missing --data or --sql');
  }
  const rows = await run(`DESCRIBE SELECT * FROM ${from}`);
  const columns = rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  if (columns.length === 0) throw new LmmError('data', `data '${label}' has no columns`);
  return { from, columns, label };
}

/**
 * Build the model of `formula` from a Parquet/CSV file, glob or query in DuckDB: every
 * aggregate runs in the engine and no row is materialised in JavaScript (src/duckdb/model.ts).
 */
export async function duckdbModel(input: DuckDBInput, formula: string | ParsedFormula, options: Omit<SqlModelOptions, 'engine'> = {}): Promise<MixedModel> {
  const { run, close } = await openDuckDB(input.db);
  try {
    const source = await describeSource(run, input);
    return await sqlModel(run, source, formula, { ...options, engine: 'DuckDB' });
  } finally {
    close();
  }
}


