import { GibbsKernel, type SamplerModel } from './gibbs.js';
import { recordState } from './params.js';
import type { TermPriors } from './priors.js';
import { createRng } from './rng.js';

/** Options of one chain. */
export interface ChainOptions {
  /** Iterations including warmup. */
  iter: number;
  warmup: number;
  thin: number;
  /** This chain's seed. */
  seed: number;
  /** Called every `progressEvery` iterations with the number done. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

/** Number of draws a chain keeps: iterations after warmup, every `thin`-th. */
export function keptDraws(iter: number, warmup: number, thin: number): number {
  return Math.floor((iter - warmup) / thin);
}

/**
 * Run one chain of the Gibbs kernel and return its kept draws, row-major
 * (draw × parameter, parameters in `formulaOrder` layout of `params.ts`).
 */
export function runChain(model: SamplerModel, priors: TermPriors, formulaOrder: readonly number[], nparams: number, options: ChainOptions): Float64Array {
  const { iter, warmup, thin, seed } = options;
  const rng = createRng(seed);
  const kernel = new GibbsKernel(model, priors);
  const kept = keptDraws(iter, warmup, thin);
  const draws = new Float64Array(kept * nparams);
  const state = kernel.init(rng);
  let row = 0;
  const every = options.progressEvery ?? 50;
  for (let i = 1; i <= iter; i++) {
    kernel.advance(rng, state);
    if (i <= warmup) kernel.tune(state, i, warmup);
    if (i > warmup && (i - warmup) % thin === 0 && row < kept) recordState(model, formulaOrder, state, draws, nparams * row++);
    if (options.onProgress && (i % every === 0 || i === iter)) options.onProgress(i);
  }
  return draws;
}
