/**
 * Posterior summaries of many parameters in worker threads: the parameters are dealt out to
 * the workers in turn, each worker's share is packed into one Float64Array whose buffer is
 * transferred (not copied), and every parameter is summarised by the same code as in
 * {@link summarizeParameters}, so the rows are identical bit for bit. Workers run compiled
 * code only (dist/, built by `npm install`); without it, or when the work is too small to pay
 * for thread start-up, the single-threaded path runs instead.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type * as aq from 'arquero';
import { summarizeParameters, summaryTable } from './summarize.js';
import type { SummaryRow } from './summarizer.js';

/** Parameters to summarise: a name and one array of draws per chain. */
export type ParamDraws = readonly { param: string; chains: readonly ArrayLike<number>[] }[];

/** Options of {@link summarizeParametersAsync}. */
export interface ParallelSummaryOptions {
  /** Use worker threads when worthwhile (default true). */
  parallel?: boolean;
  /** Fewest draws in total, over all parameters, worth starting threads for (default {@link PARALLEL_MIN_DRAWS}; 0 forces workers). */
  minDraws?: number;
  /** Most workers to start (default and cap: `os.availableParallelism()`). */
  workers?: number;
}

/**
 * Default break-even of the parallel path, in draws over all parameters. Each worker costs a
 * fixed ~0.25 s (thread start-up, packing, and above all JIT warm-up of the summary code in a
 * fresh isolate) against ~15 draws per microsecond summarised by one thread, so two workers
 * pay off only above ~7M draws (measured on 2 cores: 4M draws 0.41 s single-threaded vs 0.52 s
 * parallel, 8M even at ~0.63 s, 12M 0.89 s vs 0.85 s).
 */
export const PARALLEL_MIN_DRAWS = 8_000_000;

/** What one worker receives: its parameters' draws and their shapes [chains, draws per chain]. */
export interface SummaryJob {
  draws: Float64Array;
  shapes: Uint32Array;
}

const workerUrl = new URL('./worker.js', import.meta.url);

/** Whether summaries can run in worker threads (the compiled worker sits beside this module). */
export function summaryWorkersAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/**
 * Number of workers {@link summarizeParametersAsync} would start for `params` (0: it runs
 * single-threaded). Parameters with chains of unequal length go single-threaded, which
 * reports the error.
 */
export function parallelWorkers(params: ParamDraws, options: ParallelSummaryOptions = {}): number {
  const count = Math.min(options.workers ?? Infinity, availableParallelism(), params.length);
  if (options.parallel === false || count < 2 || !summaryWorkersAvailable()) return 0;
  let total = 0;
  for (const { chains } of params) {
    for (const chain of chains) {
      if (chain.length !== chains[0].length) return 0;
      total += chain.length;
    }
  }
  return total >= (options.minDraws ?? PARALLEL_MIN_DRAWS) ? count : 0;
}

/** The draws of `params[p]` for p = first, first + step, …, packed parameter-major, chain-major. */
function pack(params: ParamDraws, first: number, step: number): SummaryJob {
  let size = 0;
  let count = 0;
  for (let p = first; p < params.length; p += step, count++) {
    for (const chain of params[p].chains) size += chain.length;
  }
  const draws = new Float64Array(size);
  const shapes = new Uint32Array(2 * count);
  let offset = 0;
  for (let p = first, i = 0; p < params.length; p += step, i += 2) {
    const { chains } = params[p];
    shapes[i] = chains.length;
    shapes[i + 1] = chains.length === 0 ? 0 : chains[0].length;
    for (const chain of chains) {
      draws.set(chain, offset);
      offset += chain.length;
    }
  }
  return { draws, shapes };
}

/**
 * {@link summarizeParameters} split across worker threads (at most one per core, and only for
 * at least `minDraws` draws in total): the same table, row for row and bit for bit.
 */
export async function summarizeParametersAsync(params: ParamDraws, options: ParallelSummaryOptions = {}): Promise<aq.ColumnTable> {
  const count = parallelWorkers(params, options);
  if (count === 0) return summarizeParameters(params);
  const rows = new Array<SummaryRow>(params.length);
  // Start every worker first (they load while the main thread packs), then send each its share:
  // parameters w, w + count, w + 2·count, ….
  const workers = Array.from({ length: count }, () => new Worker(workerUrl));
  try {
    await Promise.all(
      workers.map((worker, w) => {
        const done = new Promise<void>((resolve, reject) => {
          worker.once('message', (share: SummaryRow[]) => {
            share.forEach((row, i) => (rows[w + i * count] = row));
            resolve();
          });
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`summary worker ${w + 1} exited with code ${code}`)));
        });
        const job = pack(params, w, count);
        worker.postMessage(job, [job.draws.buffer as ArrayBuffer, job.shapes.buffer as ArrayBuffer]);
        return done;
      }),
    );
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  return summaryTable(params.map((p) => p.param), rows);
}
