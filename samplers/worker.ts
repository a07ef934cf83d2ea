/**
 * Worker-thread entry: runs its share of the chains one after the other (so the JIT warms up
 * once per thread) and posts each chain's draws back, transferring the buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runChain, type ChainOptions } from './chain.js';
import type { SamplerModel } from './gibbs.js';
import type { TermPriors } from './priors.js';

interface Job {
  chains: { chain: number; options: Omit<ChainOptions, 'onProgress'> }[];
  /** Whether the main thread listens to progress (else no messages until a chain is done). */
  progress: boolean;
  model: SamplerModel;
  priors: TermPriors;
  formulaOrder: number[];
  nparams: number;
}

const job = workerData as Job;
// Modules are loaded: say so, and sample when every worker is ready (so that the run's timing
// covers sampling, not thread start-up).
parentPort?.once('message', () => {
  for (const { chain, options } of job.chains) {
    const draws = runChain(job.model, job.priors, job.formulaOrder, job.nparams, {
      ...options,
      onProgress: job.progress ? (done) => parentPort?.postMessage({ type: 'progress', chain, done }) : undefined,
    });
    parentPort?.postMessage({ type: 'done', chain, draws }, [draws.buffer as ArrayBuffer]);
  }
});
parentPort?.postMessage({ type: 'ready' });
