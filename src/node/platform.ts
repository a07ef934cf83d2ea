/**
 * Node's platform (see src/platform/platform.ts): worker threads running the compiled worker
 * entries beside this module (dist/src/node/*Worker.js, built by `npm install`), the core count
 * from `os.availableParallelism`, settings from `process.env`, and the shared-memory Cholesky
 * helpers of choleskyTeam.ts.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Platform, PlatformWorker, WorkerKind } from '../platform/platform.js';
import { nodeSharedCholesky } from './choleskyTeam.js';

const workerUrls: Record<WorkerKind, URL> = {
  sampler: new URL('./samplerWorker.js', import.meta.url),
  summary: new URL('./summaryWorker.js', import.meta.url),
  bootstrap: new URL('./bootstrapWorker.js', import.meta.url),
};

/** Whether the compiled worker of `kind` sits beside this module (not so under the TypeScript test runner). */
function compiled(kind: WorkerKind): boolean {
  const url = workerUrls[kind];
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

/** A worker thread seen through {@link PlatformWorker}. */
function threadWorker(worker: Worker): PlatformWorker {
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (listener) => worker.on('message', listener),
    onError: (listener) => worker.on('error', listener),
    onExit: (listener) => worker.on('exit', listener),
    terminate: () => void worker.terminate(),
  };
}

/** Node's worker threads, cores and environment. */
export const nodePlatform: Platform = {
  name: 'node',
  concurrency: () => availableParallelism(),
  env: (name) => process.env[name],
  canSpawn: compiled,
  spawn: (kind, data) => threadWorker(new Worker(workerUrls[kind], { workerData: data })),
  sharedCholesky: nodeSharedCholesky,
};
