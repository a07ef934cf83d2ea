/**
 * What the core needs from the JavaScript host it runs on, and nothing else: how many threads
 * are worth using, environment settings, and workers of the few kinds the core can hand work
 * to. The core never imports a host module (`node:*`, the DOM); an entry point installs the
 * host's implementation with {@link setPlatform} (src/node/platform.ts for Node's worker
 * threads, src/browser/platform.ts for Web Workers). Until one is installed the core runs
 * everything in the calling thread ({@link mainThreadPlatform}), which gives the same results:
 * where a chain or a summary is computed never changes its value.
 */
import type { SharedCholesky } from '../linalg/parallel.js';

/**
 * Work the core hands to workers: sampler chains (samplers/workerJob.ts), posterior summaries
 * (diagnostics/summaryWorkerJob.ts), bootstrap refits (fit/bootstrap/workerJob.ts).
 */
export type WorkerKind = 'sampler' | 'summary' | 'bootstrap';

/** A started worker, seen from the thread that started it. */
export interface PlatformWorker {
  /** Send a message (structured clone; the buffers in `transfer` are moved). */
  post(message: unknown, transfer?: ArrayBuffer[]): void;
  /** Listen to the worker's messages. */
  onMessage(listener: (message: unknown) => void): void;
  /** Listen to a failure of the worker: it could not load, or threw. */
  onError(listener: (error: Error) => void): void;
  /** Listen to the worker's exit with its code (hosts without exit events never call it). */
  onExit(listener: (code: number) => void): void;
  /** Stop the worker. */
  terminate(): void;
}

/** One host's implementation of what the core needs. */
export interface Platform {
  /** A short name ('node', 'browser', 'main-thread'). */
  readonly name: string;
  /** Threads that can run at once (Node's `availableParallelism`, a browser's `hardwareConcurrency`). */
  concurrency(): number;
  /** An environment setting (`LMM_THREADS`); undefined where the host has none. */
  env(name: string): string | undefined;
  /** Whether workers of `kind` can be started here (else the core computes in the calling thread). */
  canSpawn(kind: WorkerKind): boolean;
  /**
   * Start a worker of `kind` with `data` (structured clone). Its first message is `{ type: 'ready' }`
   * or, for summaries, the one message saying it is done; see the kind's job module.
   */
  spawn(kind: WorkerKind, data: unknown): PlatformWorker;
  /** Shared-memory helper threads for a large Cholesky factor (see linalg/parallel.ts); absent where the host has none. */
  sharedCholesky?(n: number, threads: number): SharedCholesky | undefined;
}

/** The platform of a host with no workers: every computation runs in the calling thread. */
export const mainThreadPlatform: Platform = {
  name: 'main-thread',
  concurrency: () => 1,
  env: () => undefined,
  canSpawn: () => false,
  spawn: (kind) => {
    throw new Error(`this platform cannot start ${kind} workers`);
  },
};

let current: Platform = mainThreadPlatform;

/** The installed platform ({@link mainThreadPlatform} until an entry point installs one). */
export function platform(): Platform {
  return current;
}

/** Install the host's platform (done by the package's entry points: `lmm-ts` on Node, its browser build). */
export function setPlatform(next: Platform): void {
  current = next;
}

/** The parts of the Web Crypto API used here (global in Node ≥ 19 and in browsers). */
interface RandomSource {
  getRandomValues<T extends Uint32Array>(array: T): T;
}

/** A random seed in [1, 2³¹ − 2], from the host's cryptographic generator. */
export function randomSeed(): number {
  const source = (globalThis as unknown as { crypto?: RandomSource }).crypto;
  if (source === undefined) throw new Error('no random source for a seed: give one (seed option, --seed)');
  const [word] = source.getRandomValues(new Uint32Array(1));
  return 1 + (word % (2 ** 31 - 2));
}
