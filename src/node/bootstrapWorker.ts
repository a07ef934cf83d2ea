/** Worker-thread entry of the bootstrap on Node: serves fit/bootstrap/workerJob.ts over `parentPort`. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveBootstrapJob, type BootstrapJob } from '../fit/bootstrap/workerJob.js';

const port = parentPort;
if (port !== null) serveBootstrapJob(workerData as BootstrapJob, (message) => port.postMessage(message));
