/**
 * The cross-product artifact (docs/LMMX.md): written by DuckDB's aggregation, read back, and
 * merged from disjoint row shards. Shards split by a grouping column (disjoint levels), by
 * another column (every level in every shard: the level's sums add), with crossed terms (pair
 * blocks), nested terms (interaction levels) and prior weights. The merged artifact must give
 * the whole data's criterion at the optimum to 1e-9 relative (the bound), and the same
 * levels, counts and notes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRelation, openDuckDB } from '../../src/duckdb/connection.js';
import { readArtifact, writeCrossprod } from '../../src/duckdb/lmmx.js';
import { text } from '../../src/duckdb/sql.js';
import { fitModel } from '../../src/fit/lmm.js';
import { mergeArtifacts, modelFromArtifact } from '../../src/model/artifact.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { loadTable } from '../../src/node/files.js';
import { fixtures } from '../helpers.js';
import { run as cli } from '../cli/run.js';

let dir = '';
const csv = (name: string) => (name === 'hsb_w' ? join(dir, 'hsb_w.csv') : join(fixtures, 'data', `${name}.csv`));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lmmx-'));
  const hsb = loadTable(join(fixtures, 'data', 'hsb.csv'));
  writeFileSync(csv('hsb_w'), hsb.assign(aq.table({ w: Float64Array.from({ length: hsb.numRows() }, (_, i) => 1 + (i % 5) / 2) })).toCSV());
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write shards of a dataset split by SQL predicates, and their artifacts; return the artifact files. */
async function shardArtifacts(name: string, formula: string, predicates: string[], weights?: string): Promise<string[]> {
  const { run, close } = await openDuckDB();
  const files: string[] = [];
  for (const [s, predicate] of predicates.entries()) {
    const shard = join(dir, `${name}-${s}-${Math.random().toString(36).slice(2)}.parquet`);
    await run(`COPY (SELECT * FROM ${fileRelation(csv(name))} WHERE ${predicate}) TO ${text(shard)} (FORMAT parquet)`);
    const out = shard.replace(/\.parquet$/, '.lmmx');
    await writeCrossprod({ data: shard }, formula, out, { weights });
    files.push(out);
  }
  close();
  return files;
}

async function merged(files: string[]): Promise<MixedModel> {
  const { run, close } = await openDuckDB();
  const parts = [];
  for (const f of files) parts.push({ artifact: await readArtifact(run, f), label: f });
  close();
  return modelFromArtifact(mergeArtifacts(parts));
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('merged shards give the whole data fit (1e-9 relative)', () => {
  for (const [name, formula, predicates, weights] of [
    ['sleepstudy', 'Reaction ~ Days + (Days | Subject)', ['Subject < 335', 'Subject >= 335'], undefined],
    ['sleepstudy', 'Reaction ~ Days + (Days | Subject)', ['Days < 3', 'Days >= 3 AND Days < 7', 'Days >= 7'], undefined],
    ['penicillin', 'diameter ~ 1 + (1 | plate) + (1 | sample)', ["plate < 'k'", "plate >= 'k'"], undefined],
    ['pastes', 'strength ~ 1 + (1 | batch/cask)', ["cask = 'a'", "cask <> 'a'"], undefined],
    ['hsb_w', 'mathach ~ ses + factor(sector) + (ses | school)', ['school < 5000', 'school >= 5000'], 'w'],
    ['sleep_na', 'Reaction ~ Days + (1 | Subject)', ['Subject < 340', 'Subject >= 340 OR Subject IS NULL'], undefined],
  ] as const) {
    it(`${name}: ${formula} over ${predicates.length} shards (${predicates.join('; ')})`, async () => {
      const whole = buildModel(loadTable(csv(name)), formula, { weights });
      const model = await merged(await shardArtifacts(name, formula, [...predicates], weights));
      expect(model.n).toBe(whole.n);
      expect(model.dropped).toBe(whole.dropped);
      expect(model.notes).toEqual(whole.notes);
      expect(model.terms.map((t) => [t.group, t.levels, Array.from(t.levelCounts)])).toEqual(whole.terms.map((t) => [t.group, t.levels, Array.from(t.levelCounts)]));
      const a = fitModel(model).objective;
      const b = fitModel(whole).objective;
      expect(rel(a, b), `${a} vs ${b}`).toBeLessThan(1e-9);
      expect(rel(model.logdetW, whole.logdetW) || 0).toBeLessThan(1e-12);
    });
  }

  it('shards whose poly() coefficients differ are refused in one line', async () => {
    const files = await shardArtifacts('sleepstudy', 'Reaction ~ poly(Days, 2) + (1 | Subject)', ['Subject < 335', 'Days < 5 AND Subject >= 335']);
    await expect(merged(files)).rejects.toThrow(/cannot merge .*: its poly\(\)\/scale\(\) coefficients differ from the first file's/);
  });

  it('shards whose fixed-effect factor has other levels are refused', async () => {
    const files = await shardArtifacts('sleepstudy', 'Reaction ~ factor(Days) + (1 | Subject)', ['Days < 5', 'Days >= 5']);
    await expect(merged(files)).rejects.toThrow(/cannot merge .*: its fixed-effects columns differ/);
  });
});

describe('lmm crossprod and --crossprod', () => {
  it('writes, merges and fits: fit, sample, compare and bootstrap take --crossprod', async () => {
    const formula = 'Reaction ~ Days + (Days | Subject)';
    const out = join(dir, 'sleep.lmmx');
    const w = await cli('crossprod', '--data', csv('sleepstudy'), '--formula', formula, '--out', out);
    expect(w.status).toBe(0);
    expect(w.stderr).toMatch(/^lmm crossprod: wrote .*sleep\.lmmx/);
    const files = await shardArtifacts('sleepstudy', formula, ['Subject < 335', 'Subject >= 335']);
    const all = join(dir, 'merged.lmmx');
    const m = await cli('crossprod', '--merge', ...files, '--out', all);
    expect(m.status).toBe(0);
    const whole = JSON.parse((await cli('fit', '--data', csv('sleepstudy'), '--formula', formula, '--json')).stdout);
    for (const file of [out, all]) {
      const fit = await cli('fit', '--crossprod', file, '--json');
      expect(fit.status).toBe(0);
      const json = JSON.parse(fit.stdout);
      expect(rel(json.REMLcrit, whole.REMLcrit)).toBeLessThan(1e-9);
      expect(json.formula).toBe(formula);
    }
    expect((await cli('sample', '--crossprod', all, '--iter', '40', '--chains', '1', '--json')).status).toBe(0);
    expect((await cli('compare', '--crossprod', all, '--iter', '40', '--chains', '1', '--json')).status).toBe(0);
    expect((await cli('bootstrap', '--crossprod', all, '--n', '10', '--json')).status).toBe(0);
    const wrong = await cli('fit', '--crossprod', all, '--formula', 'Reaction ~ 1 + (1 | Subject)');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/^lmm fit: error: --formula 'Reaction ~ 1 \+ \(1 \| Subject\)' is not the formula of the cross-products/);
    const missing = await cli('fit', '--crossprod', join(dir, 'none.lmmx'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read cross-products '.*none\.lmmx': no such file/);
  });
});
