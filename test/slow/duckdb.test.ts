/**
 * The DuckDB path against the in-memory path at full size (LMM_SLOW=1, `npm run test:slow`):
 * every mixed model of the reference fixtures (test/duckdb/parity.helpers.ts) and InstEval
 * (bench/data/insteval.csv.gz converted to Parquet by DuckDB). Criterion at the optimum to 1e-9
 * relative.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitModel } from '../../src/fit/lmm.js';
import { buildModel } from '../../src/model/model.js';
import { duckdbModel, fileRelation, openDuckDB } from '../../src/duckdb/connection.js';
import { text } from '../../src/duckdb/sql.js';
import { instEval } from '../../bench/simulate.js';
import { caseTitle, cases, dir, expectParity, expectSameDesign, relative, setUpParquet, tearDown } from '../duckdb/parity.helpers.js';

const slow = process.env.LMM_SLOW === '1';

describe.skipIf(!slow)('DuckDB cross-products on every reference model', () => {
  beforeAll(setUpParquet);
  afterAll(tearDown);
  // kb07's maximal model takes ~30 s per fit on an idle machine; two fits under load need more than the default.
  for (const c of cases) it(caseTitle(c), () => expectParity(c), 600_000);

  it('InstEval (73,421 rows, three crossed terms): y ~ service + (1 | s) + (1 | d) + (1 | dept), the same REML criterion from Parquet', async () => {
    const { run, close } = await openDuckDB();
    const source = new URL('../../bench/data/insteval.csv.gz', import.meta.url).pathname;
    const file = join(dir, 'insteval.parquet');
    await run(`COPY (SELECT * FROM ${fileRelation(source)}) TO ${text(file)} (FORMAT parquet)`);
    close();
    const formula = 'y ~ service + (1 | s) + (1 | d) + (1 | dept)';
    const memory = buildModel(instEval(), formula);
    const sql = await duckdbModel({ data: file }, formula);
    expectSameDesign(sql, memory);
    const a = fitModel(sql).objective;
    const b = fitModel(memory).objective;
    expect(relative(a, b), `${a} vs ${b}`).toBeLessThan(1e-9);
  }, 120_000);
});
