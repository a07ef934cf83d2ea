/**
 * Shared by test/duckdb/parity.test.ts (one model per dataset) and test/slow/duckdb.test.ts
 * (every model and InstEval). The DuckDB path against the in-memory path: every mixed model of the lme4/lmerTest reference
 * fixtures, on its shared dataset (test/fixtures/data, converted to Parquet by DuckDB itself in
 * a temporary folder) and on the InstEval fixture (bench/data/insteval.csv.gz, converted the
 * same way). The same model must give the same criterion at the optimum to 1e-9 relative (the
 * issue's bound; the two passes differ only in the order of summation), the same design
 * (names, aliased columns, levels in R's order, level counts) and the same notes on dropped rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as aq from 'arquero';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fitModel } from '../../src/fit/lmm.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { duckdbModel, fileRelation, openDuckDB } from '../../src/duckdb/connection.js';
import { text } from '../../src/duckdb/sql.js';
import { loadTable } from '../../src/node/files.js';
import { fixtures, jsonFixtures } from '../helpers.js';

export interface Case {
  dataset: string;
  formula: string;
  REML: boolean;
  weights?: string;
}

const folders = ['lme4', 'lme4_extra', 'lme4_functions', 'lme4_conv', 'lmertest', 'lmertest_kr'];
const seen = new Set<string>();
export const cases: Case[] = [];
for (const folder of folders) {
  for (const c of jsonFixtures<Case & { weights?: string | null }>(folder)) {
    if (!c.formula?.includes('|') || !c.dataset || c.dataset === 'insteval') continue;
    const key = `${c.dataset} ${c.formula} ${c.REML} ${c.weights ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    cases.push({ dataset: c.dataset, formula: c.formula, REML: c.REML !== false, ...(c.weights ? { weights: c.weights } : {}) });
  }
}

export let dir = '';
export const parquet = (name: string) => join(dir, `${name}.parquet`);
/** A dataset's CSV: the shared file, or for hsb with weights a copy with the fixtures' w = 1 + ((row − 1) mod 5)/2. */
export const csvOf = (name: string) => (name === 'hsb_w' ? join(dir, 'hsb_w.csv') : join(fixtures, 'data', `${name}.csv`));
export const datasetOf = (c: Case) => (c.weights && c.dataset === 'hsb' ? 'hsb_w' : c.dataset);

/** Convert every dataset to Parquet in a temporary folder (call from beforeAll). */
export async function setUpParquet(): Promise<void> {
  dir = mkdtempSync(join(tmpdir(), 'lmm-duckdb-'));
  const hsb = loadTable(join(fixtures, 'data', 'hsb.csv'));
  writeFileSync(csvOf('hsb_w'), hsb.assign(aq.table({ w: Float64Array.from({ length: hsb.numRows() }, (_, i) => 1 + (i % 5) / 2) })).toCSV());
  const { run, close } = await openDuckDB();
  for (const name of new Set(cases.map(datasetOf))) {
    const csv = csvOf(name);
    await run(`COPY (SELECT * FROM ${fileRelation(csv)}) TO ${text(parquet(name))} (FORMAT parquet)`);
  }
  close();
}

/** Remove the temporary folder. */
export function tearDown(): void {
  rmSync(dir, { recursive: true, force: true });
}

/** One case: both models, the same design, the same criterion at the optimum (1e-9 relative). */
export async function expectParity(c: Case): Promise<void> {
  const memory = buildModel(loadTable(csvOf(datasetOf(c))), c.formula, { weights: c.weights });
  const sql = await duckdbModel({ data: parquet(datasetOf(c)) }, c.formula, { weights: c.weights });
  expectSameDesign(sql, memory);
  const a = fitModel(sql, { reml: c.REML }).objective;
  const b = fitModel(memory, { reml: c.REML }).objective;
  expect(relative(a, b), `${a} vs ${b}`).toBeLessThan(1e-9);
}

/** The title of a case. */
export const caseTitle = (c: Case) => `${c.dataset}: ${c.formula}${c.REML ? '' : ' (ML)'}${c.weights ? ` weights ${c.weights}` : ''}`;

/** The parts of two models that must agree exactly (names, levels, counts, notes). */
export function expectSameDesign(sql: MixedModel, memory: MixedModel): void {
  expect(sql.n).toBe(memory.n);
  expect(sql.dropped).toBe(memory.dropped);
  expect(sql.fixefNames).toEqual(memory.fixefNames);
  expect(sql.aliased).toEqual(memory.aliased);
  expect(sql.notes.map((n) => n.replace(/level.*/, ''))).toEqual(memory.notes.map((n) => n.replace(/level.*/, '')));
  expect(sql.terms.map((t) => [t.group, t.names, t.levels])).toEqual(memory.terms.map((t) => [t.group, t.names, t.levels]));
  sql.terms.forEach((t, k) => expect(Array.from(t.levelCounts)).toEqual(Array.from(memory.terms[k].levelCounts)));
  expect([...sql.factorLevels]).toEqual([...memory.factorLevels]);
  expect(sql.rowFree).toBe('DuckDB');
  expect(sql.y).toBeNull();
}

/** |a − b| ≤ tol·|b|. */
export const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

