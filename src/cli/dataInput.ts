/**
 * The data options every fitting command shares: `--data FILE` (in memory, or read by DuckDB
 * for Parquet, gzipped CSV/TSV, globs, or any file with `--engine duckdb`), or `--sql QUERY`
 * with `--db FILE.duckdb`. DuckDB is imported only when one of those is used, so commands that
 * read in-memory files (and `lmm --version`) never load it.
 */
import { basename } from 'node:path';
import type * as aq from 'arquero';
import { LmmError } from '../errors.js';
import { buildModel, type MixedModel } from '../model/model.js';
import { loadTable } from '../node/files.js';
import { requireOption, type OptionSpec } from './io.js';

/** The options of {@link modelInput}. */
export const dataOptionSpec: Record<string, OptionSpec> = {
  data: { type: 'string', description: 'data file: CSV, TSV, JSON, Arrow (in memory), or Parquet, .csv.gz, a glob such as data/*.parquet (DuckDB)' },
  delimiter: { type: 'string' },
  sql: { type: 'string', description: 'a SELECT giving the data, run by DuckDB (with --db, or over files it names)' },
  db: { type: 'string', description: 'DuckDB database file that --sql reads (opened read-only)' },
  engine: { type: 'string', defaultText: 'memory, or duckdb for Parquet, .gz, globs and --sql', description: 'memory or duckdb: who makes the cross-products' },
  crossprod: { type: 'string', description: 'cross-products file (.lmmx, from lmm crossprod) instead of --data; --formula may then be left out' },
};

/** The --formula option: required, except with --crossprod (whose file holds its formula). */
export function formulaOption(command: string, options: Record<string, unknown>): string | undefined {
  const formula = options.formula as string | undefined;
  if (options.crossprod !== undefined) return formula;
  return requireOption(command, formula, 'formula');
}

/** Where a command's model comes from: a table in memory, or DuckDB's aggregates (no rows). */
export interface ModelInput {
  /** Whether the rows are loaded into memory (false: DuckDB makes the cross-products). */
  inMemory: boolean;
  /** The table, loaded on first use (in memory only). */
  table(): aq.ColumnTable;
  /** How the summary names the data. */
  dataName: string;
  /** Build the model (in memory, by DuckDB, or from a cross-products file, whose formula is used when none is given). */
  model(formula: string | undefined, options?: { weights?: string }): Promise<MixedModel>;
}

/** The data options of a command, resolved to a {@link ModelInput}. */
export function modelInput(command: string, options: Record<string, unknown>): ModelInput {
  const data = options.data as string | undefined;
  const sql = options.sql as string | undefined;
  const db = options.db as string | undefined;
  const engine = options.engine as string | undefined;
  const delimiter = options.delimiter as string | undefined;
  const crossprod = options.crossprod as string | undefined;
  if (crossprod !== undefined) {
    if (data !== undefined || sql !== undefined) throw new LmmError('option', `${command}: give --crossprod or --data/--sql, not both`);
    return {
      inMemory: false,
      table: () => {
        throw new Error('internal: no table in memory for cross-products input');
      },
      dataName: dataName(crossprod),
      model: async (formula, o = {}) => {
        if (o.weights !== undefined) throw new LmmError('option', `${command}: --weights is fixed when the cross-products are computed (lmm crossprod --weights); drop it here`);
        const { crossprodModel } = await import('../duckdb/lmmx.js');
        return crossprodModel(crossprod, formula);
      },
    };
  }
  if (data === undefined && sql === undefined && options.crossprod === undefined) throw new LmmError('option', `${command}: missing required option --data (or --sql, --crossprod)`);
  if (data !== undefined && sql !== undefined) throw new LmmError('option', `${command}: give --data or --sql, not both`);
  if (db !== undefined && sql === undefined) throw new LmmError('option', `${command}: --db needs --sql (the query to run on the database)`);
  if (sql !== undefined && engine === 'memory') throw new LmmError('option', `${command}: --sql is run by DuckDB; drop --engine memory`);
  if (engine !== undefined && engine !== 'memory' && engine !== 'duckdb') throw new LmmError('option', `${command}: --engine must be memory or duckdb, got '${engine}'`);
  const viaDuckDB = sql !== undefined || engine === 'duckdb' || (engine === undefined && duckdbFile(data as string));
  if (!viaDuckDB) {
    let table: aq.ColumnTable | undefined;
    const load = () => (table ??= loadTable(data as string, { delimiter }));
    return { inMemory: true, table: load, dataName: dataName(data as string), model: async (formula, o = {}) => buildModel(load(), formula as string, { weights: o.weights }) };
  }
  return {
    inMemory: false,
    table: () => {
      throw new Error('internal: no table in memory for DuckDB input');
    },
    dataName: data === undefined ? 'query' : dataName(data),
    model: async (formula, o = {}) => {
      const { duckdbModel } = await import('../duckdb/connection.js');
      return duckdbModel({ data, sql, db, delimiter }, formula as string, { weights: o.weights });
    },
  };
}

/** Files DuckDB reads by default: Parquet, gzipped delimited text, globs. */
function duckdbFile(path: string): boolean {
  return /\.parquet$/i.test(path) || /\.(csv|tsv|txt)\.gz$/i.test(path) || /[*?[]/.test(path);
}

function dataName(path: string): string {
  return basename(path).replace(/\.gz$/i, '').replace(/\.[^.]+$/, '');
}
