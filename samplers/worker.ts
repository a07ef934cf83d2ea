/**
 * Worker-thread entry: runs one chain and posts its draws back (transferring the buffer).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runChain, type ChainOptions } from './chain.js';
import type { SamplerModel } from './gibbs.js';
import type { TermPriors } from './priors.js';

interface Job {
  chain: number;
  model: SamplerModel;
  priors: TermPriors;
  formulaOrder: number[];
  nparams: number;
  options: Omit<ChainOptions, 'onProgress'>;
}

const job = workerData as Job;
// Modules are loaded: say so, and sample when every chain is ready (so that the run's timing
// covers sampling alone, not thread start-up).
parentPort?.once('message', () => {
  const draws = runChain(job.model, job.priors, job.formulaOrder, job.nparams, {
    ...job.options,
    onProgress: (done) => parentPort?.postMessage({ type: 'progress', chain: job.chain, done }),
  });
  parentPort?.postMessage({ type: 'done', chain: job.chain, draws }, [draws.buffer as ArrayBuffer]);
});
parentPort?.postMessage({ type: 'ready', chain: job.chain });
