// The shared-memory job of the threaded summaries: packing, claiming and the row encoding.
import { describe, expect, it } from 'vitest';
import {
  NEXT, PACKED, allocateJob, awaitPacked, claimParameter, loadRow, packParameter, packedChains, storeRow,
} from '../../src/diagnostics/sharedJob.js';
import type { SummaryRow } from '../../src/diagnostics/summarizer.js';

describe('shared summary job', () => {
  const chains = [
    [[1, 2, 3], [4, 5, 6]],
    [[7], [8], [9]],
    [[10, 11, 12, 13]],
  ];

  it('packs parameters in order and returns views of their chains', () => {
    const job = allocateJob(chains.map((c) => [c.length, c[0].length] as const));
    expect(job.draws.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(job.draws.length).toBe(6 + 3 + 4);
    chains.forEach((c, p) => {
      packParameter(job, p, c);
      expect(Atomics.load(job.control, PACKED)).toBe(p + 1);
    });
    chains.forEach((c, p) => expect(packedChains(job, p).map((v) => Array.from(v))).toEqual(c));
    awaitPacked(job, 2); // already packed: returns at once
  });

  it('hands out every parameter exactly once, then nothing', () => {
    const job = allocateJob(chains.map((c) => [c.length, c[0].length] as const));
    expect([claimParameter(job), claimParameter(job), claimParameter(job)]).toEqual([0, 1, 2]);
    expect(claimParameter(job)).toBeUndefined();
    expect(claimParameter(job)).toBeUndefined();
    expect(Atomics.load(job.control, NEXT)).toBe(5);
  });

  it('stores rows exactly, null as null and −0 as −0', () => {
    const job = allocateJob([[1, 1], [1, 1]]);
    const row: SummaryRow = {
      mean: -0, median: 0.1 + 0.2, sd: 5e-324, mad: null, q5: -1.7976931348623157e308, q95: 3,
      rhat: null, ess_bulk: 1234.5, ess_tail: null, mcse_mean: 1e-300,
    };
    storeRow(job, 1, row);
    expect(loadRow(job, 1)).toEqual(row);
    expect(Object.is(loadRow(job, 1).mean, -0)).toBe(true);
    expect(Object.values(loadRow(job, 0)).every((v) => v === 0)).toBe(true); // untouched
  });
});
