/**
 * Parametric-bootstrap p-value of a likelihood-ratio test between nested models (pbkrtest's
 * `PBmodcomp`): simulate from the smaller model's ML fit, refit both models, and compare the
 * observed statistic with the replicates': p = (1 + #{LRT* ≥ LRT})/(N + 1).
 *
 * The responses are drawn as cross-products of the larger model (simulate.ts), with the smaller
 * model's estimates written in the larger model's parameters (β zero on the columns it lacks, Ψ
 * zero on the random effects it lacks): the smaller model's design lies in the larger's span, so
 * this is the same y* distribution. The smaller model's y-parts are the matching entries of the
 * larger's (the same columns on the same rows), so neither model touches the rows.
 */
import { LmmError } from '../../errors.js';
import type { MixedModel } from '../../model/model.js';
import { toPrimeMean } from '../../model/reparam.js';
import { createRng } from '../../../samplers/rng.js';
import { thetaFromPsi } from '../edf.js';
import { linearLogLik, linearSolve, type LinearFit } from '../linear.js';
import type { LmmFit } from '../lmm.js';
import { lambdaOf, thetaLayout } from '../theta.js';
import { ReplicateFitter, replicateSeed } from './bootstrap.js';
import { CrossProductSimulator } from './simulate.js';

/** The result of {@link bootstrapLrt}. */
export interface BootstrapLrt {
  /** (1 + #{LRT* ≥ observed})/(N + 1). */
  p: number;
  n: number;
  seed: number;
  /** The replicates' statistics LRT* = max(0, deviance₀* − deviance₁*). */
  statistics: Float64Array;
}

/** Where each of the smaller model's columns sits in the larger's: fixed columns and per term. */
interface Embedding {
  fixed: number[];
  /** Per small term: the large term it is part of, and its columns' indices there. */
  terms: { k: number; columns: number[] }[];
}

/** Relative difference above which two models' centring or shift of the same column differ. */
const SAME = 1e-12;

/**
 * How `small` sits inside `large`, or a one-line error naming what is not nested: every fixed
 * column of `small` among `large`'s (same name), every random-effects term of `small` within a
 * term of `large` with the same grouping factor (its columns among that term's).
 */
export function embedding(small: MixedModel, large: MixedModel): Embedding {
  const fixed = small.fixefNames.map((name) => {
    const a = large.fixefNames.indexOf(name);
    if (a < 0) throw new LmmError('option', `--bootstrap: the models are not nested: fixed effect '${name}' of '${small.formula.text}' is not in '${large.formula.text}'`);
    return a;
  });
  fixed.forEach((a, s) => {
    const cs = small.xCenter[s];
    const cl = large.xCenter[a];
    if (Math.abs(cs - cl) > SAME * Math.max(1, Math.abs(cl))) throw new LmmError('option', `--bootstrap: '${small.formula.text}' and '${large.formula.text}' must both have an intercept or both not`);
  });
  if (Math.abs(small.yShift - large.yShift) > SAME * Math.max(1, Math.abs(large.yShift))) {
    throw new LmmError('option', `--bootstrap: '${small.formula.text}' and '${large.formula.text}' must both have an intercept or both not`);
  }
  const used = large.terms.map((t) => new Set<number>());
  const terms = small.terms.map((term) => {
    const k = large.terms.findIndex((t, i) => t.group === term.group && t.nlevels === term.nlevels && term.names.every((n) => t.names.includes(n) && !used[i].has(t.names.indexOf(n))));
    if (k < 0) throw new LmmError('option', `--bootstrap: the models are not nested: random-effects term '${term.text}' of '${small.formula.text}' is not part of a term of '${large.formula.text}'`);
    const columns = term.names.map((n) => large.terms[k].names.indexOf(n));
    for (const c of columns) used[k].add(c);
    return { k, columns };
  });
  return { fixed, terms };
}

/** The smaller fit's estimates as the larger model's (β', Λ_k, σ) for the simulator. */
function embeddedSource(small: LmmFit | LinearFit, large: MixedModel, e: Embedding): { betaPrime: Float64Array; lambdas: Float64Array[]; sigma: number } {
  const beta = new Float64Array(large.p);
  e.fixed.forEach((a, s) => (beta[a] = small.beta[s]));
  const sigma = small.sigma;
  const Psi = large.terms.map((t) => new Float64Array(t.q * t.q));
  if ('Psi' in small) {
    e.terms.forEach(({ k, columns }, s) => {
      const qs = small.model.terms[s].q;
      const Q = large.terms[k].q;
      for (let r = 0; r < qs; r++) for (let c = 0; c < qs; c++) Psi[k][columns[r] * Q + columns[c]] = small.Psi[s][r * qs + c];
    });
  }
  const qs = large.terms.map((t) => t.q);
  const layout = thetaLayout(qs);
  const theta = thetaFromPsi(Psi, qs, sigma * sigma, new Float64Array(layout.length));
  return { betaPrime: toPrimeMean(large, beta), lambdas: large.terms.map((_, k) => lambdaOf(theta, layout, k)), sigma };
}

/**
 * Bootstrap p-value of the LRT of `small` (the null) against `large`, both ML fits to the same
 * rows, with observed statistic `observed`.
 */
export function bootstrapLrt(small: LmmFit | LinearFit, large: LmmFit, observed: number, options: { n: number; seed: number }): BootstrapLrt {
  const e = embedding(small.model, large.model);
  const source = embeddedSource(small, large.model, e);
  const simulator = new CrossProductSimulator(large.model.crossprod, large.model.terms);
  const largeFitter = new ReplicateFitter(large.model, false, large.theta);
  const smallFitter = 'Psi' in small ? new ReplicateFitter(small.model, false, small.theta) : null;
  const smallCp = smallFitter ? smallFitter.cp : { ...small.model.crossprod, XytXy: Float64Array.from(small.model.crossprod.XytXy) };
  const statistics = new Float64Array(options.n);
  let exceed = 0;
  for (let i = 0; i < options.n; i++) {
    simulator.simulate(createRng(replicateSeed(options.seed, i)), source.betaPrime, source.lambdas, source.sigma, largeFitter.cp);
    copyYParts(largeFitter.cp, smallCp, small.model, large.model, e);
    const d1 = largeFitter.refit().objective;
    const d0 = smallFitter ? smallFitter.refit().objective : -2 * linearLogLik(linearSolve(smallCp).rss, small.model.n, small.model.logdetW);
    const lrt = Math.max(0, d0 - d1);
    statistics[i] = lrt;
    if (lrt >= observed) exceed++;
  }
  return { p: (1 + exceed) / (options.n + 1), n: options.n, seed: options.seed, statistics };
}

/** The smaller model's Z'y*, X'y* and y*'y* from the larger's (same columns, same rows). */
function copyYParts(from: MixedModel['crossprod'], to: MixedModel['crossprod'], small: MixedModel, large: MixedModel, e: Embedding): void {
  const Pl = large.p + 1;
  const Ps = small.p + 1;
  e.fixed.forEach((a, s) => {
    const v = from.XytXy[a * Pl + large.p];
    to.XytXy[s * Ps + small.p] = v;
    to.XytXy[small.p * Ps + s] = v;
  });
  to.XytXy[small.p * Ps + small.p] = from.XytXy[large.p * Pl + large.p];
  e.terms.forEach(({ k, columns }, s) => {
    const qs = small.terms[s].q;
    const Q = large.terms[k].q;
    const src = from.terms[k].ZtXy;
    const dst = to.terms[s].ZtXy;
    for (let j = 0; j < small.terms[s].nlevels; j++) for (let r = 0; r < qs; r++) dst[(j * qs + r) * Ps + small.p] = src[(j * Q + columns[r]) * Pl + large.p];
  });
}
