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
  return runChainsInterleaved(model, priors, formulaOrder, nparams, [options])[0];
}

/**
 * Run several chains in this thread, block by block in turn (`blockSize` iterations of each
 * chain, then the next chain's), and return each chain's kept draws as `runChain` does: a
 * chain's draws depend only on its own seed, so they are the same bit for bit as when the chains
 * run one after the other or in worker threads.
 *
 * Why in turn: every chain's kernel then exists from the first block on, and V8 optimises the
 * sweep once for all of them. Run one after the other, the second chain's new objects made V8
 * discard the code optimised during the first ("code dependencies") and the second chain took
 * twice the time of the third; each block is also a call of `runIterations`, whose optimised
 * code later blocks reuse (a chain in one long loop ran its first chain in code compiled on the
 * stack, which later calls could not enter).
 */
export function runChainsInterleaved(model: SamplerModel, priors: TermPriors, formulaOrder: readonly number[], nparams: number, options: readonly ChainOptions[]): Float64Array[] {
  // Each kernel holds a dense M×M block (crossed terms): where the chains' blocks together would
  // take much memory, they run one after the other instead (the same draws either way).
  let M = model.p + 1;
  model.shapes.forEach((s, k) => {
    if (k > 0) M += s.q * s.nlevels;
  });
  if (options.length > 1 && 8 * M * M * options.length > interleavedBytes) {
    return options.map((o) => runChainsInterleaved(model, priors, formulaOrder, nparams, [o])[0]);
  }
  const chains: ChainRun[] = options.map(({ iter, warmup, thin, seed }) => {
    const rng = createRng(seed);
    const kernel = new GibbsKernel(model, priors);
    const kept = keptDraws(iter, warmup, thin);
    const state = kernel.init(rng);
    return { model, formulaOrder, nparams, kernel, rng, state, draws: new Float64Array(kept * nparams), iter, warmup, thin, kept, row: 0, done: 0 };
  });
  for (let active = true; active; ) {
    active = false;
    chains.forEach((chain, c) => {
      if (chain.done >= chain.iter) return;
      const from = chain.done + 1;
      const to = Math.min(chain.iter, chain.done + blockSize);
      runIterations(chain, from, to);
      chain.done = to;
      const { onProgress, progressEvery = 50 } = options[c];
      if (onProgress) for (let d = from; d <= to; d++) if (d % progressEvery === 0 || d === chain.iter) onProgress(d);
      if (to < chain.iter) active = true;
    });
  }
  return chains.map((chain) => chain.draws);
}

/** Iterations per `runIterations` call. */
const blockSize = 50;

/** Largest memory of the chains' dense blocks together for which they run in turn (64 MiB). */
const interleavedBytes = 64 * 2 ** 20;

/** What `runIterations` needs of a chain (one object, so the call stays monomorphic). */
interface ChainRun {
  model: SamplerModel;
  formulaOrder: readonly number[];
  nparams: number;
  kernel: GibbsKernel;
  rng: ReturnType<typeof createRng>;
  state: ReturnType<GibbsKernel['init']>;
  draws: Float64Array;
  warmup: number;
  thin: number;
  iter: number;
  kept: number;
  /** Next row of `draws`. */
  row: number;
  /** Iterations done. */
  done: number;
}

/** Iterations `from` to `to` (1-based, inclusive) of a chain: the sweep, warmup tuning, kept draws. */
function runIterations(chain: ChainRun, from: number, to: number): void {
  const { kernel, rng, state, warmup, thin } = chain;
  for (let i = from; i <= to; i++) {
    kernel.advance(rng, state);
    if (i <= warmup) kernel.tune(state, i, warmup);
    if (i > warmup && (i - warmup) % thin === 0 && chain.row < chain.kept) recordState(chain.model, chain.formulaOrder, state, chain.draws, chain.nparams * chain.row++);
  }
}
