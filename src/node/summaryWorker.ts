/** Worker-thread entry of the parallel summaries on Node: serves diagnostics/summaryWorkerJob.ts, then posts one message. */
import { parentPort, workerData } from 'node:worker_threads';
import type { SharedSummaryJob } from '../diagnostics/sharedJob.js';
import { serveSummaryJob } from '../diagnostics/summaryWorkerJob.js';

const job = workerData as SharedSummaryJob | undefined;
if (job !== undefined && parentPort !== null) {
  serveSummaryJob(job);
  parentPort.postMessage('done');
}
