import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runChain, type ChainOptions } from './chain.js';
import { GibbsKernel, type SamplerModel } from './gibbs.js';
import type { TermPriors } from './priors.js';
import { chainSeed, createRng } from './rng.js';

/** Options of a multi-chain run. */
export interface RunOptions {
  chains: number;
  iter: number;
  warmup: number;
  thin: number;
  seed: number;
  /**
   * Worker threads: true, false, or 'auto' (default): threads when a short timing probe
   * predicts at least `autoThresholdMillis` of sampling per chain, else in this thread, where
   * small models run faster (each thread must warm up its own JIT, which takes thousands of
   * iterations). Either way the draws are the same.
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
  const threads = mode !== false && workersAvailable() && options.chains > 1 && (mode === true || probeMillisPerChain(model, priors, options.iter) >= autoThresholdMillis);
  const probeMillis = performance.now() - start;
  if (!threads) {
    const draws = chains.map((c) => runChain(model, priors, formulaOrder, nparams, { ...chainOptions(c), onProgress: (n) => report(c, n) }));
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
  // Sampling time: the probe (if any) plus the time from every worker being ready to the end.
  // Sampling time: the probe, then from every worker being ready (thread start-up excluded) to the end.
  return { draws, sampleMillis: probeMillis + performance.now() - sampling };
}

/** Predicted sampling time per chain at or above which chains go to worker threads. */
const autoThresholdMillis = 400;

/** Iterations timed by the probe (a few milliseconds for small models). */
const probeIterations = 30;

/**
 * Milliseconds per chain of `iter` iterations predicted from `probeIterations` iterations of
 * the kernel on a throwaway stream (the chains' own streams are untouched). Unoptimised code
 * runs slower than the warmed-up chain will, so this errs towards threads for big models.
 */
function probeMillisPerChain(model: SamplerModel, priors: TermPriors, iter: number): number {
  const kernel = new GibbsKernel(model, priors);
  const rng = createRng(0x5eed);
  let state = kernel.init(rng);
  const t = performance.now();
  for (let i = 0; i < probeIterations; i++) [state] = kernel.step(rng, state);
  return ((performance.now() - t) / probeIterations) * iter;
}
