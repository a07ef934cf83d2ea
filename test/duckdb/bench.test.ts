/**
 * The logic of bench case `duckdbScale` at small n (the case itself, 10^8 rows, runs only in
 * `npm run bench`): the generated Parquet file is deterministic and cached, the child process
 * reports the pass, fit, Gibbs cost and peak RSS, and the fit from the file is the fit of the
 * same rows in memory (criterion to 1e-9 relative). No timing is asserted.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchParquet, duckdbScale } from '../../bench/duckdbScale.js';
import { openDuckDB } from '../../src/duckdb/connection.js';
import { text } from '../../src/duckdb/sql.js';
import { fitModel } from '../../src/fit/lmm.js';
import { buildModel } from '../../src/model/model.js';
import { loadTable } from '../../src/node/files.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lmm-bench-duckdb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench case duckdbScale at small n', () => {
  it('caches a deterministic file whose DuckDB fit is the in-memory fit', async () => {
    const file = await benchParquet(6000, 300, dir);
    const mtime = statSync(file).mtimeMs;
    expect(await benchParquet(6000, 300, dir)).toBe(file);
    expect(statSync(file).mtimeMs).toBe(mtime);
    const csv = join(dir, 'same.csv');
    const { run, close } = await openDuckDB();
    await run(`COPY (SELECT * FROM read_parquet(${text(file)})) TO ${text(csv)} (HEADER, DELIMITER ',')`);
    close();
    const { duckdbModel } = await import('../../src/duckdb/connection.js');
    const a = fitModel(await duckdbModel({ data: file }, 'y ~ x + z + (x | g)')).objective;
    const b = fitModel(buildModel(loadTable(csv), 'y ~ x + z + (x | g)')).objective;
    expect(Math.abs(a - b) / Math.abs(b)).toBeLessThan(1e-9);
  });

  it('reports every figure of the case', async () => {
    const line = await duckdbScale(8000, 300, 2000, 20, dir);
    for (const key of ['passSeconds', 'fitSeconds', 'maxRssMB', 'passRowsPerSecond', 'duckdbSumRowsPerSecond', 'passOverSum', 'gibbsMsPerIteration', 'gibbsMsPerIterationSmall', 'gibbsRatio', 'criterion']) {
      expect(Number.isFinite(line[key] as number), key).toBe(true);
      expect(line[key] as number, key).toBeGreaterThan(0);
    }
    expect(typeof line.pass).toBe('boolean');
  }, 120_000);
});
