/**
 * The DuckDB side of the SQL path: which data files it reads, the relation a file, a glob or a
 * query becomes, and a query runner over an embedded DuckDB (`@duckdb/node-api`, imported
 * lazily so that commands that never read such files do not load its native library).
 */
import { existsSync } from 'node:fs';
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
  const { DuckDBInstance } = await import('@duckdb/node-api');
  if (db !== undefined && !options.create && !existsSync(db)) throw new LmmError('file', `cannot read database '${db}': no such file`);
  const instance = await DuckDBInstance.create(db ?? ':memory:', db === undefined || options.create ? {} : { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  const run: RunQuery = async (sql) => {
    try {
      return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
    } catch (error) {
      throw duckdbError(error as Error);
    }
  };
  return { run, close: () => connection.closeSync() };
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


