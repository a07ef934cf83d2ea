/**
 * The sampler worker's job, whatever the host: it runs its share of the chains one after the
 * other (so the JIT warms up once per worker) and posts each chain's draws back, transferring
 * the buffer. Host entries (src/node/samplerWorker.ts, src/browser/samplerWorker.ts) connect it
 * to their message channel. Protocol: the worker posts `{ type: 'ready' }` once loaded, waits
 * for one message (start), then posts `progress` and `done` messages.
 */
import { runChain, type ChainOptions } from './chain.js';
import type { SamplerModel } from './gibbs.js';
import type { TermPriors } from './priors.js';

/** What a sampler worker is given. */
export interface SamplerJob {
  chains: { chain: number; options: Omit<ChainOptions, 'onProgress'> }[];
  /** Whether the main thread listens to progress (else no messages until a chain is done). */
  progress: boolean;
  model: SamplerModel;
  priors: TermPriors;
  formulaOrder: number[];
  nparams: number;
}

/** A sampler worker's messages to the thread that started it. */
export type SamplerMessage = { type: 'ready' } | { type: 'progress'; chain: number; done: number } | { type: 'done'; chain: number; draws: Float64Array };

/** The worker's side of its channel. */
export interface SamplerPort {
  post(message: SamplerMessage, transfer?: ArrayBuffer[]): void;
  /** Call `listener` on the next message from the starting thread. */
  onceStart(listener: () => void): void;
}

/** Serve `job` on `port`: say it is ready, and sample its chains when told to start. */
export function serveSamplerJob(job: SamplerJob, port: SamplerPort): void {
  port.onceStart(() => {
    for (const { chain, options } of job.chains) {
      const draws = runChain(job.model, job.priors, job.formulaOrder, job.nparams, {
        ...options,
        onProgress: job.progress ? (done) => port.post({ type: 'progress', chain, done }) : undefined,
      });
      port.post({ type: 'done', chain, draws }, [draws.buffer as ArrayBuffer]);
    }
  });
  port.post({ type: 'ready' });
}
