/**
 * The shared-memory layout by which threads summarise parameters together (see parallel.ts):
 * the draws packed into one SharedArrayBuffer, the parameters' shapes, the summary rows as
 * numbers, and three counters. The calling thread claims parameters from the first one up and
 * summarises them from the caller's own arrays; workers claim from the last one down, and the
 * calling thread packs into shared memory only what they take, a few parameters ahead of them.
 * Claims are made one at a time, so a thread that starts late (a worker's start-up) or runs
 * slowly simply claims fewer.
 */
import type { SummaryRow } from './summarizer.js';

/** Everything the threads share; every array views a SharedArrayBuffer. */
export interface SharedSummaryJob {
  /** All draws, parameter after parameter, chain after chain (only the packed ones are filled). */
  draws: Float64Array;
  /** Per parameter: its offset into `draws`, chains, draws per chain. */
  shapes: Float64Array;
  /** Per parameter: its {@link ROW_KEYS} statistics, NaN for null. */
  rows: Float64Array;
  /** The counters at {@link CLAIMED}, {@link TAKEN_FROM_BACK} and {@link PACKED_FROM}. */
  control: Int32Array;
}

/** control[CLAIMED]: claims made so far by all threads (at most the number of parameters succeed). */
export const CLAIMED = 0;
/** control[TAKEN_FROM_BACK]: claims made by workers, which take parameters from the last one down. */
export const TAKEN_FROM_BACK = 1;
/** control[PACKED_FROM]: parameters PACKED_FROM .. count − 1 are packed (packing goes from the last one down). */
export const PACKED_FROM = 2;

/** Statistics of a {@link SummaryRow} in the order they are stored. */
export const ROW_KEYS = [
  'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean',
] as const satisfies readonly (keyof SummaryRow)[];

const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

/** Number of parameters in the job. */
export function jobSize(job: SharedSummaryJob): number {
  return job.shapes.length / 3;
}

/**
 * An empty job for parameters with the given shapes ([chains, draws per chain] each): the
 * buffers are allocated (their pages are touched only when packed), no draws are packed yet.
 */
export function allocateJob(shapes: readonly (readonly [number, number])[]): SharedSummaryJob {
  const count = shapes.length;
  const layout = new Float64Array(shared(3 * count * 8));
  let total = 0;
  shapes.forEach(([chains, n], p) => {
    layout[3 * p] = total;
    layout[3 * p + 1] = chains;
    layout[3 * p + 2] = n;
    total += chains * n;
  });
  const control = new Int32Array(shared(3 * 4));
  control[PACKED_FROM] = count;
  return { draws: new Float64Array(shared(total * 8)), shapes: layout, rows: new Float64Array(shared(ROW_KEYS.length * count * 8)), control };
}

/**
 * The calling thread's side of a job: claims from the first parameter up, and packs
 * parameters for the workers from the last one down.
 */
export class FrontClaims {
  private next = 0;

  constructor(
    private readonly job: SharedSummaryJob,
    private readonly params: readonly { chains: readonly ArrayLike<number>[] }[],
  ) {}

  /** Claim the next parameter from the front; undefined when every parameter is claimed. */
  claim(): number | undefined {
    if (Atomics.add(this.job.control, CLAIMED, 1) >= jobSize(this.job)) return undefined;
    return this.next++;
  }

  /**
   * Pack parameters until `ahead` more than the workers have claimed are packed (never those
   * this thread has claimed), or, with `ahead` = Infinity, all that this thread has not.
   */
  pack(ahead: number): void {
    const { job, params } = this;
    const count = jobSize(job);
    const wanted = Math.max(this.next, count - Atomics.load(job.control, TAKEN_FROM_BACK) - ahead);
    for (let p = Atomics.load(job.control, PACKED_FROM) - 1; p >= wanted; p--) {
      let offset = job.shapes[3 * p];
      for (const chain of params[p].chains) {
        job.draws.set(chain, offset);
        offset += chain.length;
      }
      Atomics.store(job.control, PACKED_FROM, p);
      Atomics.notify(job.control, PACKED_FROM);
    }
  }
}

/**
 * A worker's claim: the next parameter from the back, once it is packed (blocking until then;
 * workers only); undefined when every parameter is claimed.
 */
export function claimFromBack(job: SharedSummaryJob): number | undefined {
  const count = jobSize(job);
  if (Atomics.add(job.control, CLAIMED, 1) >= count) return undefined;
  const p = count - 1 - Atomics.add(job.control, TAKEN_FROM_BACK, 1);
  for (let from = Atomics.load(job.control, PACKED_FROM); from > p; from = Atomics.load(job.control, PACKED_FROM)) {
    Atomics.wait(job.control, PACKED_FROM, from);
  }
  return p;
}

/** Views of parameter p's packed chains. */
export function packedChains(job: SharedSummaryJob, p: number): Float64Array[] {
  const offset = job.shapes[3 * p];
  const chains = job.shapes[3 * p + 1];
  const n = job.shapes[3 * p + 2];
  return Array.from({ length: chains }, (_, c) => job.draws.subarray(offset + c * n, offset + (c + 1) * n));
}

/** Store the summary row of parameter p (null as NaN: non-null statistics are finite). */
export function storeRow(job: SharedSummaryJob, p: number, row: SummaryRow): void {
  const at = ROW_KEYS.length * p;
  ROW_KEYS.forEach((key, k) => (job.rows[at + k] = row[key] ?? NaN));
}

/** The summary row of parameter p as stored by {@link storeRow}. */
export function loadRow(job: SharedSummaryJob, p: number): SummaryRow {
  const at = ROW_KEYS.length * p;
  const row = {} as SummaryRow;
  ROW_KEYS.forEach((key, k) => {
    const v = job.rows[at + k];
    row[key] = Number.isNaN(v) ? null : v;
  });
  return row;
}
