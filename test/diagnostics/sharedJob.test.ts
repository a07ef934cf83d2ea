// The shared-memory job of the threaded summaries: claims from both ends, packing for the
// workers, and the row encoding.
import { describe, expect, it } from 'vitest';
import {
  CLAIMED, FrontClaims, PACKED_FROM, TAKEN_FROM_BACK, allocateJob, claimFromBack, loadRow, packedChains, storeRow,
} from '../../src/diagnostics/sharedJob.js';
import type { SummaryRow } from '../../src/diagnostics/summarizer.js';

const params = [[[1, 2, 3], [4, 5, 6]], [[7], [8], [9]], [[10, 11, 12, 13]], [[14, 15]], [[16], [17]]].map((chains) => ({ chains }));
const newJob = () => allocateJob(params.map(({ chains }) => [chains.length, chains[0].length] as const));

describe('shared summary job', () => {
  it('packs from the last parameter down, a given number ahead of the workers, never the front claims', () => {
    const job = newJob();
    expect(job.draws.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(job.draws.length).toBe(6 + 3 + 4 + 2 + 2);
    const front = new FrontClaims(job, params);
    front.pack(2);
    expect(Atomics.load(job.control, PACKED_FROM)).toBe(3); // parameters 3 and 4
    expect(claimFromBack(job)).toBe(4);
    front.pack(2);
    expect(Atomics.load(job.control, PACKED_FROM)).toBe(2); // 4 taken, 3 and 2 ahead
    expect(front.claim()).toBe(0);
    expect(front.claim()).toBe(1);
    front.pack(10);
    expect(Atomics.load(job.control, PACKED_FROM)).toBe(2); // 0 and 1 are the front's
    params.slice(2).forEach(({ chains }, i) => expect(packedChains(job, i + 2).map((v) => Array.from(v))).toEqual(chains));
  });

  it('hands out every parameter exactly once, from both ends, then nothing', () => {
    const job = newJob();
    const front = new FrontClaims(job, params);
    front.pack(Infinity);
    const got = [front.claim(), claimFromBack(job), front.claim(), claimFromBack(job), claimFromBack(job)];
    expect(got).toEqual([0, 4, 1, 3, 2]);
    expect(front.claim()).toBeUndefined();
    expect(claimFromBack(job)).toBeUndefined();
    expect(Atomics.load(job.control, CLAIMED)).toBe(7);
    expect(Atomics.load(job.control, TAKEN_FROM_BACK)).toBe(3);
  });

  it('stores rows exactly, null as null and −0 as −0', () => {
    const job = newJob();
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
