/**
 * Simulation-based calibration (Talts et al. 2018) on the small design of the Geweke test:
 * for each simulated dataset, the rank of the true parameter among thinned posterior draws;
 * ranks are uniform when the sampler is correct. Uniformity is judged by a χ² test on bins.
 */
import { chisqUpper } from '../../src/stats/chisq.js';
import { crossProducts } from '../../src/model/crossprod.js';
import { GibbsKernel } from '../../samplers/gibbs.js';
import { createRng } from '../../samplers/rng.js';
import { drawInverseGamma, drawInverseWishart, cholesky } from '../../samplers/distributions.js';
import { gewekeSetup } from './geweke.helpers.js';

export const sbcNames = ['beta0', 'beta1', 'sigma2', 'Psi00', 'Psi10', 'Psi11'];

/** Ranks of the true values among L posterior draws, for `datasets` simulated datasets. */
export function sbcRanks(datasets: number, L: number, thin: number, warmup: number, seed: number): number[][] {
  const setup = gewekeSetup();
  const { model, spec, sm, priors } = setup;
  const rng = createRng(seed);
  const ranks: number[][] = sbcNames.map(() => []);
  const beta0 = spec.beta as { mean: number[]; var: number[][] };
  for (let s = 0; s < datasets; s++) {
    // θ̃ from the prior, ỹ from the likelihood.
    const beta = [0, 1].map((a) => beta0.mean[a] + Math.sqrt(beta0.var[a][a]) * rng.normal());
    const Psi = drawInverseWishart(rng, spec.Psi.g.df, Float64Array.from(spec.Psi.g.scale.flat()), 2);
    const sigma2 = drawInverseGamma(rng, spec.sigma2.shape, spec.sigma2.rate);
    const Lp = cholesky(Psi, 2);
    const b = Array.from({ length: 6 }, () => {
      const z0 = rng.normal();
      const z1 = rng.normal();
      return [Lp[0] * z0, Lp[2] * z0 + Lp[3] * z1];
    });
    const term = model.terms[0];
    const y = Float64Array.from({ length: model.n }, (_, i) => {
      const j = term.refs[i];
      return model.X[i * 2] * beta[0] + model.X[i * 2 + 1] * beta[1] + term.Z[i * 2] * b[j][0] + term.Z[i * 2 + 1] * b[j][1] + Math.sqrt(sigma2) * rng.normal();
    });
    const fresh = crossProducts({ n: model.n, y, yShift: 0, X: model.X, p: 2, terms: model.terms });
    sm.crossprod.XytXy.set(fresh.XytXy);
    sm.crossprod.terms[0].ZtXy.set(fresh.terms[0].ZtXy);
    const truth = [beta[0], beta[1], sigma2, Psi[0], Psi[2], Psi[3]];
    // Posterior draws: a chain from a dispersed start, warmup, then L draws thinned.
    const kernel = new GibbsKernel(sm, priors);
    let state = kernel.init(rng);
    const counts = new Array<number>(truth.length).fill(0);
    for (let t = 1; t <= warmup + L * thin; t++) {
      [state] = kernel.step(rng, state);
      // Warmup tuning as in a run (`runChain`): the collapsed Ψ step's proposal is fixed at the end of warmup.
      if (t <= warmup) kernel.tune(state, t, warmup);
      if (t > warmup && (t - warmup) % thin === 0) {
        const draw = [state.beta[0], state.beta[1], state.sigma2, state.Psi[0][0], state.Psi[0][2], state.Psi[0][3]];
        draw.forEach((v, k) => (counts[k] += v < truth[k] ? 1 : 0));
      }
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
