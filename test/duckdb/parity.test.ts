/**
 * The DuckDB path against the in-memory path (parity.helpers.ts): the reference model with the
 * shortest formula of every shared dataset, converted to Parquet by DuckDB; sleep_na read from its CSV. Every model
 * and InstEval: test/slow/duckdb.test.ts. Bound: the criterion at the optimum to 1e-9 relative.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitModel } from '../../src/fit/lmm.js';
import { buildModel } from '../../src/model/model.js';
import { duckdbModel } from '../../src/duckdb/connection.js';
import { loadTable } from '../../src/node/files.js';
import { fixtures } from '../helpers.js';
import { caseTitle, cases, csvOf, expectParity, expectSameDesign, relative, setUpParquet, tearDown } from './parity.helpers.js';

beforeAll(setUpParquet);
afterAll(tearDown);

/** Per dataset (and weighting) the model with the shortest formula: the cheapest fit. */
const firstPerDataset = [...new Map([...cases].sort((a, b) => b.formula.length - a.formula.length).map((c) => [c.dataset + (c.weights ?? ''), c])).values()];

describe('DuckDB cross-products: the same criterion as the in-memory path (1e-9 relative)', () => {
  for (const c of firstPerDataset) it(caseTitle(c), () => expectParity(c));
});

describe('DuckDB reads CSV too', () => {
  it('sleep_na.csv (missing values dropped, scale() over all rows of its column) as read from the CSV file itself', async () => {
    const formula = 'Reaction ~ scale(Days) + (1 | Subject)';
    const memory = buildModel(loadTable(csvOf('sleep_na')), formula);
    const sql = await duckdbModel({ data: join(fixtures, 'data', 'sleep_na.csv') }, formula);
    expectSameDesign(sql, memory);
    expect(sql.notes[0]).toBe(memory.notes[0]);
    expect(sql.transforms).toEqual(memory.transforms);
    expect(relative(fitModel(sql).objective, fitModel(memory).objective)).toBeLessThan(1e-9);
  });
});

