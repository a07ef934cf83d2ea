/**
 * Summaries computed in worker threads (the compiled code in dist/, built by `npx tsc`) are the
 * single-threaded summaries bit for bit, in the original parameter order.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDraws } from '../../src/diagnostics/bench.js';
import { parallelWorkers, summarizeParametersAsync } from '../../src/diagnostics/parallel.js';
import { summarizeParameters, summaryRows } from '../../src/diagnostics/summarize.js';
import { fixtures } from '../helpers.js';

const dist = join(fixtures, '..', '..', 'dist', 'src', 'diagnostics');
const built = existsSync(join(dist, '..', 'node', 'summaryWorker.js'));
// The summary workers are Node's platform's (src/node/platform.ts): install it in the compiled module graph.
if (built) await import(join(dist, '..', 'node', 'install.js'));

/** Every statistic as its exact bits (null stays null), so that −0, NaN payloads and ulps count. */
const bits = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? Buffer.from(Float64Array.of(v).buffer).toString('hex') : v]));

describe('parallel summaries', () => {
  // 50 parameters × 4 chains × 2,000 draws (heavy tails, ties, autocorrelation), plus awkward ones.
  const params = [
    ...benchDraws(50, 4, 2000, 99),
    { param: 'constant', chains: [0, 1, 2, 3].map(() => new Float64Array(2000).fill(1.5)) },
    { param: 'odd', chains: [0, 1, 2].map((c) => Float64Array.from({ length: 7 }, (_, t) => Math.sin(c + 3 * t))) },
    { param: 'inf', chains: [0, 1].map((c) => Float64Array.from({ length: 10 }, (_, t) => (t === c ? Infinity : t))) },
  ];

  it.skipIf(!built)('worker threads give exactly the single-threaded rows', async () => {
    const compiled = await import(join(dist, 'parallel.js'));
    const forced = { parallel: true, minDraws: 0 };
    expect(compiled.summaryWorkersAvailable()).toBe(true);
    // One worker per core (none on a single core, where the fallback is compared instead).
    expect(compiled.parallelWorkers(params, forced)).toBe(availableParallelism() >= 2 ? Math.min(availableParallelism(), params.length) : 0);
    const parallel = summaryRows(await compiled.summarizeParametersAsync(params, forced));
    const sequential = summaryRows(summarizeParameters(params));
    expect(parallel.map((r) => r.param)).toEqual(params.map((p) => p.param));
    expect(bits(parallel as never)).toEqual(bits(sequential as never));
  });

  it('falls back to the single-threaded path without the compiled worker or when small', async () => {
    // Under vitest the TypeScript sources run: no compiled summaryWorker.js beside src/node/platform.ts.
    expect(parallelWorkers(params, { parallel: true, minDraws: 0 })).toBe(0);
    expect(summaryRows(await summarizeParametersAsync(params))).toEqual(summaryRows(summarizeParameters(params)));
  });

  it.skipIf(!built)('keeps small jobs and parallel: false on the main thread', async () => {
    const compiled = await import(join(dist, 'parallel.js'));
    expect(compiled.parallelWorkers(params)).toBe(0); // 1.6M draws < PARALLEL_MIN_DRAWS
    expect(compiled.parallelWorkers(params, { parallel: false, minDraws: 0 })).toBe(0);
  });
});
