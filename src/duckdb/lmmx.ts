/**
 * Reading and writing cross-product artifacts (docs/LMMX.md) through DuckDB: a Parquet file
 * whose key-value metadata `lmmx` holds the JSON header and whose rows are the sums table.
 * `lmm crossprod --data` writes the aggregation's result straight from the engine (no row of
 * the data, nor of the sums, passes through JavaScript); a merge writes its sums through a
 * temporary JSON-lines file that DuckDB reads with the table's declared types.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmmError } from '../errors.js';
import type { ParsedFormula } from '../formula/types.js';
import { modelFromArtifact, type Artifact, type ArtifactHeader } from '../model/artifact.js';
import type { MixedModel } from '../model/model.js';
import { describeSource, openDuckDB, type DuckDBInput } from './connection.js';
import type { RunQuery } from './frame.js';
import { artifactRows, sqlPlan, type SqlModelOptions } from './model.js';
import { text } from './sql.js';

/** The sums table's columns and DuckDB types. */
const COLUMNS = "{block: 'VARCHAR', term: 'INTEGER', term2: 'INTEGER', level: 'VARCHAR', level2: 'VARCHAR', sums: 'DOUBLE[]'}";

/** COPY options writing an artifact with its header. */
const copyOptions = (header: ArtifactHeader) => `(FORMAT parquet, KV_METADATA {lmmx: ${text(JSON.stringify(header))}})`;

/** Compute the artifact of `formula` over the input in DuckDB and write it to `out`; returns its header. */
export async function writeCrossprod(input: DuckDBInput, formula: string | ParsedFormula, out: string, options: Omit<SqlModelOptions, 'engine'> = {}): Promise<ArtifactHeader> {
  const { run, close } = await openDuckDB(input.db);
  try {
    const source = await describeSource(run, input);
    const { header, sql } = await sqlPlan(run, source, formula, { ...options, engine: 'DuckDB' });
    await run(`COPY (${sql}) TO ${text(out)} ${copyOptions(header)}`);
    return header;
  } finally {
    close();
  }
}

/** Read an artifact (header and rows) with an open DuckDB. */
export async function readArtifact(run: RunQuery, path: string): Promise<Artifact> {
  const meta = await run(`SELECT value FROM parquet_kv_metadata(${text(path)}) WHERE decode(key) = 'lmmx'`).catch((error: Error) => {
    throw error instanceof LmmError && error.kind === 'file' ? new LmmError('file', `cannot read cross-products '${path}': no such file`) : new LmmError('file', `cannot read cross-products '${path}': not an lmmx file (${error.message})`);
  });
  if (meta.length === 0) throw new LmmError('file', `cannot read cross-products '${path}': no lmmx header in its metadata (not written by lmm crossprod?)`);
  const value = meta[0][0];
  const json = typeof value === 'string' ? value : new TextDecoder().decode(value as Uint8Array);
  let header: ArtifactHeader;
  try {
    header = JSON.parse(json) as ArtifactHeader;
  } catch {
    throw new LmmError('file', `cannot read cross-products '${path}': its header is not JSON`);
  }
  const rows = artifactRows(await run(`SELECT block, term, term2, level, level2, sums FROM read_parquet(${text(path)})`));
  return { header, rows };
}

/** Write an artifact held in memory (a merge's result). */
export async function writeArtifact(run: RunQuery, artifact: Artifact, out: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lmmx-'));
  try {
    const file = join(dir, 'sums.jsonl');
    writeFileSync(file, artifact.rows.map((r) => JSON.stringify({ ...r, sums: Array.from(r.sums) })).join('\n') + '\n');
    await run(`COPY (SELECT block, term, term2, level, level2, sums FROM read_json(${text(file)}, format = 'newline_delimited', columns = ${COLUMNS})) TO ${text(out)} ${copyOptions(artifact.header)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The row-free model of an artifact file; a formula given must be the artifact's. */
export async function crossprodModel(path: string, formula?: string): Promise<MixedModel> {
  const { run, close } = await openDuckDB();
  try {
    const artifact = await readArtifact(run, path);
    if (formula !== undefined && formula.replace(/\s+/g, '') !== artifact.header.formula.replace(/\s+/g, '')) {
      throw new LmmError('option', `--formula '${formula}' is not the formula of the cross-products '${path}' ('${artifact.header.formula}'); compute them again for another model`);
    }
    return modelFromArtifact(artifact);
  } finally {
    close();
  }
}
