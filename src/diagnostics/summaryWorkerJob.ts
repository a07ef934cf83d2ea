/**
 * The summary worker's job, whatever the host (see parallel.ts): given the shared job (see
 * sharedJob.ts), claim parameters from the back until none is left (waiting for each to be
 * packed), summarise them with the same {@link DrawsSummarizer} as the single-threaded path and
 * store their rows in the job. The host entry (src/node/summaryWorker.ts) posts one message
 * when this returns.
 */
import { type SharedSummaryJob, claimFromBack, packedChains, storeRow } from './sharedJob.js';
import { DrawsSummarizer } from './summarizer.js';

/** Summarise the parameters this worker claims of `job`. */
export function serveSummaryJob(job: SharedSummaryJob): void {
  const summarizer = new DrawsSummarizer();
  for (let p = claimFromBack(job); p !== undefined; p = claimFromBack(job)) {
    storeRow(job, p, summarizer.summarize(packedChains(job, p)));
  }
}
