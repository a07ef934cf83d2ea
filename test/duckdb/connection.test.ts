/**
 * The DuckDB query runner reads results column-wise (src/duckdb/connection.ts, readRows): the
 * values must be those of DuckDB's own row conversion (`getRowsJS`), nulls included, for the
 * list-of-double fast path and for every other column type the frame queries read.
 */
import { describe, expect, it } from 'vitest';
import { openDuckDB } from '../../src/duckdb/connection.js';

describe('openDuckDB run', () => {
  it('gives the values getRowsJS gives: lists of doubles with nulls, null lists, bigint, text, decimals, booleans', async () => {
    const { run, close } = await openDuckDB();
    try {
      const sql = `SELECT * FROM (VALUES ([1.5, NULL, 2]::DOUBLE[], 3::BIGINT, 'x', 1.25::DECIMAL(5, 2), TRUE), (NULL::DOUBLE[], NULL::BIGINT, NULL, NULL::DECIMAL(5, 2), NULL), ([]::DOUBLE[], -7::BIGINT, 'é', 0.5::DECIMAL(5, 2), FALSE)) t(a, b, c, d, e)`;
      expect(await run(sql)).toEqual([
        [[1.5, null, 2], 3n, 'x', 1.25, true],
        [null, null, null, null, null],
        [[], -7n, 'é', 0.5, false],
      ]);
      // Many chunks (DuckDB's vectors hold 2048 rows): every row once, in order.
      const rows = await run('SELECT i, [i * 1.0, i * 2.0] FROM range(5000) t(i) ORDER BY i');
      expect(rows.length).toBe(5000);
      expect(rows[4999]).toEqual([4999n, [4999, 9998]]);
      expect(rows.every((r, i) => r[0] === BigInt(i) && (r[1] as number[])[1] === 2 * i)).toBe(true);
    } finally {
      close();
    }
  });

  it('runs one DuckDB thread per core and allows the perfect hash aggregate up to 2^18 groups', async () => {
    const { run, close } = await openDuckDB();
    try {
      const { availableParallelism } = await import('node:os');
      expect(await run("SELECT current_setting('threads'), current_setting('perfect_ht_threshold')")).toEqual([[BigInt(availableParallelism()), 18n]]);
    } finally {
      close();
    }
  });
});
