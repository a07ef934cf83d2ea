/**
 * A browser's platform (see src/platform/platform.ts): sampler chains in module Web Workers
 * running samplerWorker.js (by default the file beside this module, or beside the bundle that
 * contains it; see {@link setSamplerWorkerUrl}), the core count from
 * `navigator.hardwareConcurrency`. Summaries and the Cholesky factor stay in the calling thread
 * (their workers share memory, which a page has only when cross-origin isolated, and block with
 * `Atomics.wait`, which a page's main thread may not). Where `Worker` does not exist, chains run
 * in the calling thread too; the draws are the same either way.
 */
import type { Platform, PlatformWorker } from '../platform/platform.js';

/** The parts of the Web Worker API used here (the project compiles without the DOM library). */
interface WebWorker {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (event: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
}
type WebWorkerConstructor = new (url: string | URL, options?: { type?: 'module' | 'classic'; name?: string }) => WebWorker;

const scope = globalThis as unknown as { Worker?: WebWorkerConstructor; navigator?: { hardwareConcurrency?: number } };

let samplerWorkerUrl: string | URL | undefined = new URL('./samplerWorker.js', import.meta.url);

/**
 * Where the sampler's worker script is (an ES module built from src/browser/samplerWorker.ts),
 * or undefined to run every chain in the calling thread.
 */
export function setSamplerWorkerUrl(url: string | URL | undefined): void {
  samplerWorkerUrl = url;
}

/** A Web Worker seen through {@link PlatformWorker}; its job is its first message. */
function webWorker(url: string | URL, job: unknown): PlatformWorker {
  const Worker = scope.Worker as WebWorkerConstructor;
  const worker = new Worker(url, { type: 'module', name: 'lmm-ts sampler' });
  worker.postMessage({ type: 'job', job });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onError: (listener) => {
      worker.addEventListener('error', (event) => listener(new Error(`sampler worker ${String(url)}: ${event.message ?? 'failed to load'}`)));
      worker.addEventListener('messageerror', () => listener(new Error(`sampler worker ${String(url)}: a message could not be read`)));
    },
    onExit: () => {},
    terminate: () => worker.terminate(),
  };
}

/** Web Workers for sampler chains; everything else in the calling thread. */
export const browserPlatform: Platform = {
  name: 'browser',
  concurrency: () => Math.max(1, scope.navigator?.hardwareConcurrency ?? 1),
  env: () => undefined,
  canSpawn: (kind) => kind === 'sampler' && typeof scope.Worker === 'function' && samplerWorkerUrl !== undefined,
  spawn: (kind, data) => {
    if (kind !== 'sampler' || samplerWorkerUrl === undefined) throw new Error(`this platform cannot start ${kind} workers`);
    return webWorker(samplerWorkerUrl, data);
  },
};
