/**
 * Simulation-based calibration (Talts et al. 2018) on the small design of the Geweke test:
 * for each simulated dataset, the rank of the true parameter among thinned posterior draws;
 * ranks are uniform when the sampler is correct. Uniformity is judged by a χ² test on bins.
 * Ranks do not change under monotone maps, so the heavy tails of the half-t prior do not matter.
 */
import { chisqUpper } from '../../src/stats/chisq.js';
import { GibbsKernel, type GibbsState } from '../../samplers/gibbs.js';
import { createRng } from '../../samplers/rng.js';
import { drawPrior, drawY, gewekeSetup, setResponse, type PriorForm } from './geweke.helpers.js';

export const sbcNames = ['beta0', 'beta1', 'sigma2', 'Psi00', 'Psi10', 'Psi11'];

function parameters(state: GibbsState): number[] {
  return [state.beta[0], state.beta[1], state.sigma2, state.Psi[0][0], state.Psi[0][2], state.Psi[0][3]];
}

/** Ranks of the true values among L posterior draws, for `datasets` simulated datasets. */
export function sbcRanks(datasets: number, L: number, thin: number, warmup: number, seed: number, prior: PriorForm = 'halfT'): number[][] {
  const setup = gewekeSetup(prior);
  const rng = createRng(seed);
  const ranks: number[][] = sbcNames.map(() => []);
  for (let s = 0; s < datasets; s++) {
    // θ̃ (with the prior's λ's) from the prior, ỹ from the likelihood.
    const truthState = drawPrior(rng, setup);
    setResponse(setup, drawY(rng, setup.model, truthState));
    const truth = parameters(truthState);
    // Posterior draws: a chain from a dispersed start, warmup, then L draws thinned.
    const kernel = new GibbsKernel(setup.sm, setup.priors);
    let state = kernel.init(rng);
    const counts = new Array<number>(truth.length).fill(0);
    for (let t = 1; t <= warmup + L * thin; t++) {
      [state] = kernel.step(rng, state);
      // Warmup tuning as in a run (`runChain`): the collapsed Ψ step's proposal is fixed at the end of warmup.
      if (t <= warmup) kernel.tune(state, t, warmup);
      if (t > warmup && (t - warmup) % thin === 0) parameters(state).forEach((v, k) => (counts[k] += v < truth[k] ? 1 : 0));
    }
    counts.forEach((c, k) => ranks[k].push(c));
  }
  return ranks;
}

/** χ² test p-value of ranks in 0..L being uniform, pooled into `bins` equal bins. */
export function uniformityP(ranks: readonly number[], L: number, bins: number): number {
  const observed = new Array<number>(bins).fill(0);
  for (const r of ranks) observed[Math.min(bins - 1, Math.floor((r * bins) / (L + 1)))]++;
  const expected = ranks.length / bins;
  const chisq = observed.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
  return chisqUpper(chisq, bins - 1);
}
