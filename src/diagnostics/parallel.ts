/**
 * Posterior summaries of many parameters on several threads: the calling thread and
 * `threads − 1` workers claim parameters one at a time (see sharedJob.ts), so that workers
 * still starting up, or slowed by other load, simply take fewer. The calling thread takes
 * parameters from the first one up and summarises them from the caller's arrays; between
 * parameters it packs the draws of a few more parameters from the last one down into shared
 * memory, where the workers take theirs. Every parameter is summarised by the same code as in
 * {@link summarizeParameters}, so the rows are identical bit for bit. Workers are the
 * installed platform's (src/platform/platform.ts; on Node, worker threads running the compiled
 * code in dist/, built by `npm install`); without them, or when the work is too small to pay
 * for thread start-up, the single-threaded path runs instead.
 */
import type * as aq from 'arquero';
import { platform } from '../platform/platform.js';
import { FrontClaims, allocateJob, loadRow, storeRow } from './sharedJob.js';
import { summarizeParameters, summaryTable } from './summarize.js';
import { DrawsSummarizer } from './summarizer.js';

/** Parameters to summarise: a name and one array of draws per chain. */
export type ParamDraws = readonly { param: string; chains: readonly ArrayLike<number>[] }[];

/** Options of {@link summarizeParametersAsync}. */
export interface ParallelSummaryOptions {
  /** Use worker threads when worthwhile (default true). */
  parallel?: boolean;
  /** Fewest draws in total, over all parameters, worth starting threads for (default {@link PARALLEL_MIN_DRAWS}; 0 forces workers). */
  minDraws?: number;
  /** Most threads to summarise on, the calling thread included (default and cap: the platform's concurrency, `os.availableParallelism()` on Node). */
  workers?: number;
}

/**
 * Default break-even of the parallel path, in draws over all parameters. A worker costs a
 * fixed few tens of milliseconds (thread start-up and JIT warm-up of the summary code in a
 * fresh isolate), during which the calling thread is already summarising, and packing a
 * worker's draws into shared memory costs a little too. Measured on 2 vCPUs that share one
 * core (so a second thread adds only about a tenth): medians of five, single-threaded vs two
 * threads, 4M draws 123 vs 164 ms, 8M 247 vs 339 ms, 12M 374 vs 361 ms, 24M 756 vs 720 ms.
 * On cores of their own the break-even comes earlier.
 */
export const PARALLEL_MIN_DRAWS = 16_000_000;

/** Whether summaries can run in workers on the installed platform. */
export function summaryWorkersAvailable(): boolean {
  return platform().canSpawn('summary');
}

/**
 * Number of threads {@link summarizeParametersAsync} would summarise `params` on, the calling
 * thread included (0: it runs single-threaded, without workers). Parameters with chains of
 * unequal length go single-threaded, which reports the error.
 */
export function parallelWorkers(params: ParamDraws, options: ParallelSummaryOptions = {}): number {
  const count = Math.min(options.workers ?? Infinity, platform().concurrency(), params.length);
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

/**
 * {@link summarizeParameters} on several threads (at most one per core, and only for at least
 * `minDraws` draws in total): the same table, row for row and bit for bit. The calling thread
 * takes part, so it is busy until its last parameter is done.
 */
export async function summarizeParametersAsync(params: ParamDraws, options: ParallelSummaryOptions = {}): Promise<aq.ColumnTable> {
  const threads = parallelWorkers(params, options);
  if (threads === 0) return summarizeParameters(params);
  const job = allocateJob(params.map(({ chains }) => [chains.length, chains.length === 0 ? 0 : chains[0].length] as const));
  const workers = Array.from({ length: threads - 1 }, () => platform().spawn('summary', job));
  try {
    const done = workers.map(
      (worker, w) =>
        new Promise<void>((resolve, reject) => {
          worker.onMessage(() => resolve());
          worker.onError(reject);
          worker.onExit((code) => reject(new Error(`summary worker ${w + 1} exited with code ${code}`)));
        }),
    );
    // Each worker finds a few parameters packed when it starts, and a few more ahead of it
    // after each parameter this thread summarises (about as long as one of the worker's).
    const front = new FrontClaims(job, params);
    const ahead = 3 * (threads - 1);
    front.pack(ahead);
    const summarizer = new DrawsSummarizer();
    for (let p = front.claim(); p !== undefined; p = front.claim()) {
      storeRow(job, p, summarizer.summarize(params[p].chains));
      front.pack(ahead);
    }
    front.pack(Infinity); // whatever the workers took and still wait for
    await Promise.all(done);
  } finally {
    for (const worker of workers) worker.terminate();
  }
  return summaryTable(params.map((p) => p.param), params.map((_, p) => loadRow(job, p)));
}
