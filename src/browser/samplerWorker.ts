/**
 * Web Worker entry of the sampler (an ES module worker): the first message is the job
 * (`{ type: 'job', job }`), the next one says start; then samplers/workerJob.ts runs it.
 */
import { serveSamplerJob, type SamplerJob } from '../../samplers/workerJob.js';

interface WorkerScope {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const scope = globalThis as unknown as WorkerScope;
let start: (() => void) | undefined;
let served = false;
scope.addEventListener('message', (event) => {
  if (!served) {
    served = true;
    serveSamplerJob((event.data as { job: SamplerJob }).job, {
      post: (message, transfer) => scope.postMessage(message, transfer ?? []),
      onceStart: (listener) => {
        start = listener;
      },
    });
  } else if (start !== undefined) {
    const go = start;
    start = undefined;
    go();
  }
});
