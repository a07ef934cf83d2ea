/**
 * `lmm crossprod --emit-sql`: the DuckDB text run by DuckDB itself over a table, its result
 * loaded (`--load`) and fitted gives the in-memory fit (criterion to 1e-9 relative); the Spark
 * and Trino texts parse with node-sql-parser (its 'hive' grammar for Spark SQL, which has no
 * grammar of its own there, and 'trino') and call only functions those engines document (the
 * allow-lists below, from the Spark SQL built-in functions reference and Trino's functions and
 * operators pages).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { Parser } from 'node-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRelation, openDuckDB } from '../../src/duckdb/connection.js';
import { text } from '../../src/duckdb/sql.js';
import { fitModel } from '../../src/fit/lmm.js';
import { buildModel } from '../../src/model/model.js';
import { loadTable } from '../../src/node/files.js';
import { fixtures } from '../helpers.js';
import { run as cli } from '../cli/run.js';

let dir = '';
const db = () => join(dir, 'warehouse.duckdb');
const columns = new Map<string, string>();

const cases = [
  { table: 'sleepstudy', formula: 'Reaction ~ Days + (Days | Subject)' },
  { table: 'sleepstudy', formula: 'Reaction ~ Days + I(Days^2) + log(Days + 1) + offset(0.5 * Days) + (1 | Subject) + (0 + Days | Subject)' },
  { table: 'penicillin', formula: 'diameter ~ 1 + (1 | plate) + (1 | sample)' },
  { table: 'pastes', formula: 'strength ~ 1 + (1 | batch/cask)' },
  { table: 'sleep_na', formula: 'Reaction ~ Days + (1 | Subject)' },
  { table: 'hsb_w', formula: 'mathach ~ ses + meanses + (ses | school)', weights: 'w' },
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lmm-emit-'));
  const hsb = loadTable(join(fixtures, 'data', 'hsb.csv'));
  writeFileSync(join(dir, 'hsb_w.csv'), hsb.assign(aq.table({ w: Float64Array.from({ length: hsb.numRows() }, (_, i) => 1 + (i % 5) / 2) })).toCSV());
  const { run, close } = await openDuckDB(db(), { create: true });
  for (const table of new Set(cases.map((c) => c.table))) {
    await run(`CREATE TABLE ${table} AS SELECT * FROM ${fileRelation(csvOf(table))}`);
    columns.set(table, (await run(`DESCRIBE ${table}`)).map((r) => `${r[0]}:${r[1]}`).join(','));
  }
  close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function csvOf(table: string): string {
  return table === 'hsb_w' ? join(dir, 'hsb_w.csv') : join(fixtures, 'data', `${table}.csv`);
}

async function emitted(dialect: string, c: (typeof cases)[number]): Promise<string> {
  const out = await cli('crossprod', '--emit-sql', '--dialect', dialect, '--table', c.table, '--columns', columns.get(c.table) as string, '--formula', c.formula, ...(c.weights ? ['--weights', c.weights] : []));
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return out.stdout;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('the DuckDB text, run by DuckDB, gives the in-memory fit', () => {
  for (const c of cases) {
    it(`${c.table}: ${c.formula}`, async () => {
      const sql = (await emitted('duckdb', c)).replace(/;\s*$/, '');
      const result = join(dir, `${c.table}-${Math.random().toString(36).slice(2)}.parquet`);
      const { run, close } = await openDuckDB(db());
      await run(`COPY (${sql}) TO ${text(result)} (FORMAT parquet)`);
      close();
      const artifact = result.replace(/\.parquet$/, '.lmmx');
      const load = await cli('crossprod', '--load', result, '--columns', columns.get(c.table) as string, '--formula', c.formula, ...(c.weights ? ['--weights', c.weights] : []), '--out', artifact);
      expect(load.status, load.stderr).toBe(0);
      const fit = await cli('fit', '--crossprod', artifact, '--json');
      expect(fit.status, fit.stderr).toBe(0);
      const memory = buildModel(loadTable(csvOf(c.table)), c.formula, { weights: c.weights });
      const json = JSON.parse(fit.stdout);
      expect(json.nobs).toBe(memory.n);
      expect(rel(json.REMLcrit, fitModel(memory).objective)).toBeLessThan(1e-9);
    });
  }
});

/** Every function the AST calls (aggregates and scalar functions), lower case. */
function functionsOf(ast: unknown): Set<string> {
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const n = node as { type?: string; name?: unknown };
    if (n.type === 'aggr_func' && typeof n.name === 'string') names.add(n.name.toLowerCase());
    if (n.type === 'function') {
      const parts = (n.name as { name?: { value: string }[] })?.name;
      names.add(typeof n.name === 'string' ? n.name.toLowerCase() : (parts ?? []).map((p) => p.value).join('.').toLowerCase());
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(ast);
  return names;
}

// `not` is how the parser represents the NOT operator.
const documented: Record<string, { grammar: string; functions: Set<string> }> = {
  spark: { grammar: 'hive', functions: new Set(['avg', 'sum', 'count', 'min', 'max', 'array', 'concat_ws', 'chr', 'isnan', 'ln', 'exp', 'sqrt', 'abs', 'pow', 'not']) },
  trino: { grammar: 'trino', functions: new Set(['avg', 'sum', 'count', 'min', 'max', 'concat_ws', 'chr', 'is_nan', 'ln', 'exp', 'sqrt', 'abs', 'pow', 'nan', 'infinity', 'not']) },
};

describe('the Spark and Trino texts parse and use only documented functions', () => {
  const parser = new Parser();
  for (const [dialect, { grammar, functions }] of Object.entries(documented)) {
    for (const c of cases) {
      it(`${dialect}: ${c.table}: ${c.formula}`, async () => {
        const sql = await emitted(dialect, c);
        const ast = parser.astify(sql, { database: grammar });
        const used = functionsOf(ast);
        expect(used.size).toBeGreaterThan(3);
        for (const f of used) expect(functions.has(f), `${dialect} function '${f}'`).toBe(true);
      });
    }
  }
});

describe('what the emitted SQL cannot do refuses in one line', () => {
  it('a factor in the fixed part', async () => {
    const out = await cli('crossprod', '--emit-sql', '--table', 'hsb', '--columns', 'mathach:DOUBLE,sector:VARCHAR,school:BIGINT', '--formula', 'mathach ~ sector + (1 | school)');
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/^lmm crossprod: error: --emit-sql: 'sector' is a text column, a factor whose levels make the design columns/);
  });
  it('poly()', async () => {
    const out = await cli('crossprod', '--emit-sql', '--table', 't', '--columns', 'y:DOUBLE,x:DOUBLE,g:VARCHAR', '--formula', 'y ~ poly(x, 2) + (1 | g)');
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/needs a pass over the data first/);
  });
});
