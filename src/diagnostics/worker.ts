/**
 * Worker-thread entry of {@link summarizeParametersAsync}: receives its share of the parameters
 * packed into one Float64Array (parameter-major, then chain-major) with their shapes, and posts
 * back one {@link SummaryRow} per parameter, computed by the same {@link DrawsSummarizer} as the
 * single-threaded path.
 */
import { parentPort } from 'node:worker_threads';
import type { SummaryJob } from './parallel.js';
import { DrawsSummarizer, type SummaryRow } from './summarizer.js';

parentPort?.once('message', ({ draws, shapes }: SummaryJob) => {
  const summarizer = new DrawsSummarizer();
  const rows: SummaryRow[] = [];
  let offset = 0;
  for (let p = 0; p < shapes.length; p += 2) {
    const [nChains, n] = [shapes[p], shapes[p + 1]];
    const chains = Array.from({ length: nChains }, (_, c) => draws.subarray(offset + c * n, offset + (c + 1) * n));
    offset += nChains * n;
    rows.push(summarizer.summarize(chains));
  }
  parentPort?.postMessage(rows);
});
