/**
 * Worker-thread entry of {@link summarizeParametersAsync}: given the shared job (see
 * sharedJob.ts) as its workerData, claims parameters from the back until none is left
 * (waiting for each to be packed), summarises them with the same {@link DrawsSummarizer} as
 * the single-threaded path, stores their rows in the job, and posts one message when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type SharedSummaryJob, claimFromBack, packedChains, storeRow } from './sharedJob.js';
import { DrawsSummarizer } from './summarizer.js';

const job = workerData as SharedSummaryJob | undefined;
if (job !== undefined && parentPort !== null) {
  const summarizer = new DrawsSummarizer();
  for (let p = claimFromBack(job); p !== undefined; p = claimFromBack(job)) {
    storeRow(job, p, summarizer.summarize(packedChains(job, p)));
  }
  parentPort.postMessage('done');
}
