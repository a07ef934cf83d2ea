/**
 * The command line on DuckDB input: Parquet, a glob of Parquet shards, gzipped CSV, a CSV file
 * with --engine duckdb and --sql against a DuckDB database give the in-memory fit of the CSV
 * (criterion to 1e-9 relative, estimates to 1e-6 relative: the optimiser sees blocks that
 * differ in the last bits); what needs rows fails in one line with exit status 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRelation, openDuckDB } from '../../src/duckdb/connection.js';
import { text } from '../../src/duckdb/sql.js';
import { fixtures } from '../helpers.js';
import { run } from '../cli/run.js';

const csv = join(fixtures, 'data', 'sleepstudy.csv');
const formula = 'Reaction ~ Days + (Days | Subject)';
let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lmm-duckdb-cli-'));
  writeFileSync(join(dir, 'sleepstudy.csv.gz'), gzipSync(readFileSync(csv)));
  const { run: sql, close } = await openDuckDB(join(dir, 'study.duckdb'), { create: true });
  await sql(`CREATE TABLE sleep AS SELECT * FROM ${fileRelation(csv)}`);
  await sql(`COPY sleep TO ${text(join(dir, 'sleepstudy.parquet'))} (FORMAT parquet)`);
  // Two shards of disjoint subjects, read back by a glob.
  await sql(`COPY (SELECT * FROM sleep WHERE Subject < 340) TO ${text(join(dir, 'shard-1.parquet'))} (FORMAT parquet)`);
  await sql(`COPY (SELECT * FROM sleep WHERE Subject >= 340) TO ${text(join(dir, 'shard-2.parquet'))} (FORMAT parquet)`);
  close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface FitJson {
  REMLcrit: number;
  fixef: Record<string, number>;
  theta: number[];
  sigma: number;
  nobs: number;
  coefficients?: { name: string; df: number }[];
}

async function fitJson(...args: string[]): Promise<FitJson> {
  const out = await run('fit', ...args, '--formula', formula, '--json');
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  return JSON.parse(out.stdout) as FitJson;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('lmm fit on DuckDB input', () => {
  let reference: FitJson;
  beforeAll(async () => {
    reference = await fitJson('--data', csv);
  });
  for (const [label, args] of [
    ['Parquet', () => ['--data', join(dir, 'sleepstudy.parquet')]],
    ['a glob of Parquet shards', () => ['--data', join(dir, 'shard-*.parquet')]],
    ['gzipped CSV', () => ['--data', join(dir, 'sleepstudy.csv.gz')]],
    ['CSV with --engine duckdb', () => ['--data', csv, '--engine', 'duckdb']],
    ['--sql against a database file', () => ['--sql', 'SELECT * FROM sleep', '--db', join(dir, 'study.duckdb')]],
  ] as const) {
    it(`${label}: the in-memory fit`, async () => {
      const json = await fitJson(...args());
      expect(json.nobs).toBe(180);
      expect(rel(json.REMLcrit, reference.REMLcrit)).toBeLessThan(1e-9);
      for (const [name, v] of Object.entries(reference.fixef)) expect(rel(json.fixef[name], v)).toBeLessThan(1e-6);
      json.theta.forEach((t, k) => expect(rel(t, reference.theta[k])).toBeLessThan(1e-5));
      expect(json.coefficients?.map((c) => c.name)).toEqual(reference.coefficients?.map((c) => c.name));
    });
  }

  it('the text summary says why the residuals are missing', async () => {
    const out = await run('fit', '--data', join(dir, 'sleepstudy.parquet'), '--formula', formula);
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Scaled residuals: not available (the model was built from cross-products by DuckDB');
    expect(out.stdout).toContain('Data: sleepstudy');
  });
});

describe('what needs rows, and bad input: one line, exit status 2', () => {
  for (const [label, args, message] of [
    ['--residuals', ['fit', '--data', 'P', '--formula', formula, '--residuals', 'ar1(Days | Subject)'], /^lmm fit: error: --residuals needs the rows in memory/],
    ['Kenward-Roger', ['fit', '--data', 'P', '--formula', formula, '--ddf', 'kenward-roger'], /^lmm fit: error: --ddf kenward-roger needs the rows in memory/],
    ['a missing Parquet file', ['fit', '--data', 'nowhere/none.parquet', '--formula', formula], /cannot read data file '.*none\.parquet': no such file/],
    ['an unknown column', ['fit', '--data', 'P', '--formula', 'Reaction ~ Dayz + (1 | Subject)'], /unknown column 'Dayz' in formula \(did you mean 'Days'\?\)/],
    ['--db without --sql', ['fit', '--data', 'P', '--db', 'x.duckdb', '--formula', formula], /--db needs --sql/],
  ] as const) {
    it(label, async () => {
      const argv = args.map((a) => (a === 'P' ? join(dir, 'sleepstudy.parquet') : a));
      const out = await run(...argv);
      expect(out.status).toBe(2);
      expect(out.stderr.trim().split('\n')).toHaveLength(1);
      expect(out.stderr).toMatch(message);
    });
  }
});

describe('sample, compare and bootstrap on Parquet', () => {
  it('sample: the same default priors as in memory', async () => {
    const args = ['--formula', formula, '--iter', '40', '--chains', '1', '--seed', '5', '--json'];
    const a = JSON.parse((await run('sample', '--data', join(dir, 'sleepstudy.parquet'), ...args)).stdout);
    const b = JSON.parse((await run('sample', '--data', csv, ...args)).stdout);
    expect(rel(a.priors.beta.var[1][1], b.priors.beta.var[1][1])).toBeLessThan(1e-12);
    a.priors.Psi.Subject.halfT.scale.forEach((s: number, k: number) => expect(rel(s, b.priors.Psi.Subject.halfT.scale[k])).toBeLessThan(1e-12));
  });

  it('compare: the same pooling modifiers and levels as in memory', async () => {
    const args = ['--formula', 'Reaction ~ Days + (Days | Subject)', '--iter', '40', '--chains', '1', '--seed', '5', '--json'];
    const a = await run('compare', '--data', join(dir, 'sleepstudy.parquet'), ...args);
    const b = await run('compare', '--data', csv, ...args);
    expect(a.status).toBe(0);
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    expect(ja.groups.length).toBe(jb.groups.length);
    expect(ja.groups.map((g: { level: string; n: number }) => [g.level, g.n])).toEqual(jb.groups.map((g: { level: string; n: number }) => [g.level, g.n]));
  });

  it('bootstrap runs from the cross-products', async () => {
    const out = await run('bootstrap', '--data', join(dir, 'sleepstudy.parquet'), '--formula', formula, '--n', '20', '--json');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout).n).toBe(20);
  });
});
