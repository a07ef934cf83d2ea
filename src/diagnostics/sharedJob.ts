/**
 * The shared-memory layout by which threads summarise parameters together (see parallel.ts):
 * all draws packed into one SharedArrayBuffer, the parameters' shapes, the summary rows as
 * numbers, and two counters. Parameters are claimed one at a time from a shared counter, so
 * a thread that starts late (a worker's start-up) or runs slowly simply claims fewer.
 */
import type { SummaryRow } from './summarizer.js';

/** Everything the threads share; every array views a SharedArrayBuffer. */
export interface SharedSummaryJob {
  /** All draws, parameter after parameter, chain after chain. */
  draws: Float64Array;
  /** Per parameter: its offset into `draws`, chains, draws per chain. */
  shapes: Float64Array;
  /** Per parameter: its {@link ROW_KEYS} statistics, NaN for null. */
  rows: Float64Array;
  /** The counters at {@link NEXT} and {@link PACKED}. */
  control: Int32Array;
}

/** control[NEXT]: the next parameter to claim (Atomics.add). */
export const NEXT = 0;
/** control[PACKED]: parameters 0 .. PACKED − 1 are packed and may be summarised. */
export const PACKED = 1;

/** Statistics of a {@link SummaryRow} in the order they are stored. */
export const ROW_KEYS = [
  'mean', 'median', 'sd', 'mad', 'q5', 'q95', 'rhat', 'ess_bulk', 'ess_tail', 'mcse_mean',
] as const satisfies readonly (keyof SummaryRow)[];

const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

/**
 * An empty job for parameters with the given shapes ([chains, draws per chain] each): the
 * buffers are allocated, no draws are packed yet (see {@link packParameter}).
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
  return {
    draws: new Float64Array(shared(total * 8)),
    shapes: layout,
    rows: new Float64Array(shared(ROW_KEYS.length * count * 8)),
    control: new Int32Array(shared(2 * 4)),
  };
}

/** Copy parameter p's chains into the job and publish it (PACKED = p + 1; packing goes in order). */
export function packParameter(job: SharedSummaryJob, p: number, chains: readonly ArrayLike<number>[]): void {
  let offset = job.shapes[3 * p];
  for (const chain of chains) {
    job.draws.set(chain, offset);
    offset += chain.length;
  }
  Atomics.store(job.control, PACKED, p + 1);
  Atomics.notify(job.control, PACKED);
}

/** Views of parameter p's packed chains. */
export function packedChains(job: SharedSummaryJob, p: number): Float64Array[] {
  const offset = job.shapes[3 * p];
  const chains = job.shapes[3 * p + 1];
  const n = job.shapes[3 * p + 2];
  return Array.from({ length: chains }, (_, c) => job.draws.subarray(offset + c * n, offset + (c + 1) * n));
}

/** Claim the next parameter to summarise; undefined when none is left. */
export function claimParameter(job: SharedSummaryJob): number | undefined {
  const p = Atomics.add(job.control, NEXT, 1);
  return p < job.shapes.length / 3 ? p : undefined;
}

/** Block (workers only) until parameter p is packed. */
export function awaitPacked(job: SharedSummaryJob, p: number): void {
  for (let packed = Atomics.load(job.control, PACKED); packed <= p; packed = Atomics.load(job.control, PACKED)) {
    Atomics.wait(job.control, PACKED, packed);
  }
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
