/**
 * Threads for a large Cholesky factor. The core only says what shared storage and helpers look
 * like and how many threads to use; the helper threads themselves are the platform's
 * (src/platform/platform.ts: on Node, src/node/choleskyTeam.ts). Without them every factor runs
 * on the calling thread, with the same arithmetic.
 */
import { platform } from '../platform/platform.js';
import type { CholeskyHelper } from './supernodal.js';

/** Shared storage for one factor's n×n matrix, and the helper threads that factor it with it. */
export interface SharedCholesky {
  /** The matrix, backed by shared memory: factor it with `choleskyBlocked(matrix, n, helper)`. */
  matrix: Float64Array;
  /**
   * Threads that factor the matrix, the calling one included: fixed when the storage is made
   * (the helpers have started by then); 1 when no helper could be started, or after its helpers
   * were replaced by helpers of another number.
   */
  readonly threads: number;
  /**
   * The helpers bound to this matrix, or undefined when they were stopped for helpers of another
   * number (then factor on one thread: the same arithmetic).
   */
  helper(): CholeskyHelper | undefined;
}

/**
 * Default number of threads for a large factor: the `LMM_THREADS` environment variable if set,
 * else 1. The race that made threaded fits differ under load (a helper running its last command
 * again on a late wake-up, see choleskyWorker.ts) is fixed, and threaded fits now give the
 * one-thread answer bit for bit; helpers stay off by default because on a small shared machine
 * they are no faster (InstEval REML, 2 threads beside other work on 2 vCPUs: 7.3–9.6 s against
 * 8.6 s on one thread).
 */
export function defaultThreads(): number {
  const env = Number(platform().env('LMM_THREADS'));
  if (Number.isInteger(env) && env >= 1) return Math.min(env, Math.max(4, platform().concurrency()));
  return 1;
}

/**
 * Shared storage for an n×n matrix, factored by the calling thread and `threads − 1` helper
 * threads (default {@link defaultThreads}), each taking a fixed range of the rows of each
 * chunk's panel solve and update (supernodal.ts). Every entry is computed by one thread with
 * the same arithmetic in the same order whatever the number of threads, the machine's load or
 * which thread finishes first, so the factor is the one-thread factor bit for bit.
 *
 * The helpers are the installed platform's (Node: src/node/choleskyTeam.ts). Returns undefined
 * where they cannot be used (no such platform, a worker thread, or the compiled worker missing
 * as under the TypeScript test runner); the caller then factors on its own thread.
 */
export function sharedCholesky(n: number, threads = defaultThreads()): SharedCholesky | undefined {
  return platform().sharedCholesky?.(n, Math.max(1, Math.floor(threads)));
}
