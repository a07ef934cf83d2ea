import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runChainsInterleaved, type ChainOptions } from './chain.js';
import type { SamplerModel } from './gibbs.js';
import type { TermPriors } from './priors.js';
import { chainSeed } from './rng.js';

/** Options of a multi-chain run. */
export interface RunOptions {
  chains: number;
  iter: number;
  warmup: number;
  thin: number;
  seed: number;
  /**
   * Worker threads: true, false, or 'auto' (default): threads when a chain's work (see
   * `chainWork`) is large, else in this thread, where small models run faster (each thread must
   * warm up its own JIT, which takes thousands of iterations). Either way the draws are the same.
   */
  parallel?: boolean | 'auto';
  /** Called with iterations done over all chains and the total. */
  onProgress?: (done: number, total: number) => void;
}

const workerUrl = new URL('./worker.js', import.meta.url);

/** Whether chains can run in worker threads (the compiled worker sits beside this module). */
export function workersAvailable(): boolean {
  return workerUrl.protocol === 'file:' && existsSync(fileURLToPath(workerUrl));
}

/** The draws of every chain, and the wall-clock milliseconds of sampling alone. */
export interface ChainsResult {
  draws: Float64Array[];
  sampleMillis: number;
}

/**
 * Run `chains` chains, each with its own stream seeded by `chainSeed(seed, chain)`, in worker
 * threads (one per core, each running its share of the chains in turn) or one after the other
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
  const start = performance.now();
  const mode = options.parallel ?? 'auto';
  const threads = mode !== false && workersAvailable() && options.chains > 1 && (mode === true || chainWork(model, options.iter) >= threadWork);
  if (!threads) {
    // In turn, block by block (chain.ts says why); the same draws as one after the other.
    const draws = runChainsInterleaved(model, priors, formulaOrder, nparams, chains.map((c) => ({ ...chainOptions(c), onProgress: (n: number) => report(c, n) })));
    return { draws, sampleMillis: performance.now() - start };
  }
  // One worker per core at most; chain c goes to worker c mod W.
  const workerCount = Math.min(options.chains, Math.max(1, availableParallelism()));
  const draws = new Array<Float64Array>(options.chains);
  let ready = 0;
  let sampling = 0;
  const workers: Worker[] = [];
  await Promise.all(
    Array.from({ length: workerCount }, (_, w) => {
      const mine = chains.filter((c) => c % workerCount === w);
      return new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerUrl, {
          workerData: { chains: mine.map((chain) => ({ chain, options: chainOptions(chain) })), progress: options.onProgress !== undefined, model, priors, formulaOrder, nparams },
        });
        workers.push(worker);
        let finished = 0;
        worker.on('message', (message: { type: string; chain?: number; done?: number; draws?: Float64Array }) => {
          if (message.type === 'ready') {
            if (++ready === workerCount) {
              sampling = performance.now();
              for (const w2 of workers) w2.postMessage('start');
            }
          } else if (message.type === 'progress') report(message.chain as number, message.done as number);
          else if (message.type === 'done') {
            draws[message.chain as number] = message.draws as Float64Array;
            if (++finished === mine.length) {
              resolve();
              void worker.terminate();
            }
          }
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0 && finished < mine.length) reject(new Error(`sampler worker ${w + 1} exited with code ${code}`));
        });
      });
    }),
  );
  // Sampling time: from every worker being ready (thread start-up excluded) to the end.
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
