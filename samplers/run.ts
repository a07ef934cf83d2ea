import { platform, type PlatformWorker } from '../src/platform/platform.js';
import { runChainsInterleaved, type ChainOptions } from './chain.js';
import type { SamplerModel } from './gibbs.js';
import type { TermPriors } from './priors.js';
import { chainSeed } from './rng.js';
import type { SamplerJob, SamplerMessage } from './workerJob.js';

/** Options of a multi-chain run. */
export interface RunOptions {
  chains: number;
  iter: number;
  warmup: number;
  thin: number;
  seed: number;
  /**
   * Workers (Node's worker threads, a browser's Web Workers): true, false, or 'auto' (default):
   * workers when a chain's work (see `chainWork`) is large, else in this thread, where small
   * models run faster (each worker must warm up its own JIT, which takes thousands of
   * iterations). Where the platform has no workers, chains run in this thread. Either way the
   * draws are the same.
   */
  parallel?: boolean | 'auto';
  /** Called with iterations done over all chains and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Whether chains can run in workers on the installed platform (src/platform/platform.ts). */
export function workersAvailable(): boolean {
  return platform().canSpawn('sampler');
}

/** The draws of every chain, and the wall-clock milliseconds of sampling alone. */
export interface ChainsResult {
  draws: Float64Array[];
  sampleMillis: number;
}

/**
 * Run `chains` chains, each with its own stream seeded by `chainSeed(seed, chain)`, in workers
 * (one per core, each running its share of the chains in turn) or one after the other
 * in this thread, as `parallel` says. The draws of a chain depend only on its seed, so parallel and
 * sequential runs give the same draws bit for bit. Timing starts once every worker has loaded
 * (thread start-up is not sampling).
 */
export async function runChains(model: SamplerModel, priors: TermPriors, formulaOrder: number[], nparams: number, options: RunOptions): Promise<ChainsResult> {
  const total = options.chains * options.iter;
  const done = new Array<number>(options.chains).fill(0);
  const report = (chain: number, n: number) => {
    done[chain] = n;
    options.onProgress?.(done.reduce((a, b) => a + b, 0), total);
  };
  const chainOptions = (chain: number): Omit<ChainOptions, 'onProgress'> => ({
    iter: options.iter,
    warmup: options.warmup,
    thin: options.thin,
    seed: chainSeed(options.seed, chain),
    progressEvery: Math.max(1, Math.floor(options.iter / 100)),
  });
  const chains = Array.from({ length: options.chains }, (_, c) => c);
  const mode = options.parallel ?? 'auto';
  const threads = mode !== false && workersAvailable() && options.chains > 1 && (mode === true || chainWork(model, options.iter) >= threadWork);
  const sequential = (): ChainsResult => {
    // In turn, block by block (chain.ts says why); the same draws as one after the other.
    const t0 = performance.now();
    const draws = runChainsInterleaved(model, priors, formulaOrder, nparams, chains.map((c) => ({ ...chainOptions(c), onProgress: (n: number) => report(c, n) })));
    return { draws, sampleMillis: performance.now() - t0 };
  };
  if (!threads) return sequential();
  const jobs = (workerCount: number): SamplerJob[] =>
    Array.from({ length: workerCount }, (_, w) => ({
      chains: chains.filter((c) => c % workerCount === w).map((chain) => ({ chain, options: chainOptions(chain) })),
      progress: options.onProgress !== undefined,
      model,
      priors,
      formulaOrder,
      nparams,
    }));
  // One worker per core at most; chain c goes to worker c mod W.
  try {
    return await inWorkers(jobs(Math.min(options.chains, Math.max(1, platform().concurrency()))), options.chains, report);
  } catch (error) {
    // A worker that could not even load (a browser page without the worker script, say): the
    // same chains in this thread give the same draws.
    if (error instanceof WorkerStartError) return sequential();
    throw error;
  }
}

/** A worker failed before every worker was ready (nothing has been sampled yet). */
class WorkerStartError extends Error {}

/**
 * Run each job in a worker of the platform and gather the chains' draws. Timing starts once
 * every worker has loaded (start-up is not sampling).
 */
async function inWorkers(jobs: SamplerJob[], chainCount: number, report: (chain: number, done: number) => void): Promise<ChainsResult> {
  const draws = new Array<Float64Array>(chainCount);
  let ready = 0;
  let sampling = 0;
  const workers: PlatformWorker[] = [];
  const stopAll = () => {
    for (const worker of workers) worker.terminate();
  };
  try {
    await Promise.all(
      jobs.map(
        (job, w) =>
          new Promise<void>((resolve, reject) => {
            const worker = platform().spawn('sampler', job);
            workers.push(worker);
            let finished = 0;
            const fail = (error: Error) => reject(ready < jobs.length ? new WorkerStartError(error.message) : error);
            worker.onMessage((data) => {
              const message = data as SamplerMessage;
              if (message.type === 'ready') {
                if (++ready === jobs.length) {
                  sampling = performance.now();
                  for (const w2 of workers) w2.post('start');
                }
              } else if (message.type === 'progress') report(message.chain, message.done);
              else if (message.type === 'done') {
                draws[message.chain] = message.draws;
                if (++finished === job.chains.length) {
                  resolve();
                  worker.terminate();
                }
              }
            });
            worker.onError(fail);
            worker.onExit((code) => {
              if (code !== 0 && finished < job.chains.length) fail(new Error(`sampler worker ${w + 1} exited with code ${code}`));
            });
          }),
      ),
    );
  } catch (error) {
    stopAll();
    throw error;
  }
  // Sampling time: from every worker being ready (start-up excluded) to the end.
  return { draws, sampleMillis: performance.now() - sampling };
}

/**
 * Chain work at or above which chains go to worker threads. Measured on this project's 2-core
 * machines: hsb (160 schools, ~3·10⁶ units for 2000 iterations) runs 4 chains twice as fast in
 * one thread; 2000 groups with slopes (~2.4·10⁷ units for 1000 iterations) gains from threads.
 */
const threadWork = 2e7;

/**
 * A deterministic measure of a chain's work: per iteration, each level of each term costs about
 * q(q + p + 1) (factor, draw, Ψ update), and the dense block of crossed terms M³/100; times the
 * iterations. One unit is roughly 20 ns of steady-state sampling.
 */
export function chainWork(model: SamplerModel, iter: number): number {
  const P = model.p + 1;
  let perIteration = 0;
  let dense = P;
  model.shapes.forEach((s, k) => {
    perIteration += s.nlevels * s.q * (s.q + P);
    if (k > 0) dense += s.nlevels * s.q;
  });
  return (perIteration + dense ** 3 / 100) * iter;
}
