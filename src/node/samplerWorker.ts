/** Worker-thread entry of the sampler on Node: serves samplers/workerJob.ts over `parentPort`. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveSamplerJob, type SamplerJob } from '../../samplers/workerJob.js';

const port = parentPort;
if (port !== null) {
  serveSamplerJob(workerData as SamplerJob, {
    post: (message, transfer) => port.postMessage(message, transfer),
    onceStart: (listener) => port.once('message', listener),
  });
}
