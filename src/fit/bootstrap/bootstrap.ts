/**
 * Parametric bootstrap of an exact fit (lme4's `bootMer(type = "parametric")`, MixedModels.jl's
 * `parametricbootstrap`): simulate from the fitted model, refit, collect the estimates. The
 * responses are drawn as cross-products (simulate.ts), so a replicate costs O(blocks) at any n;
 * each refit starts from θ̂, as both peers do.
 */
import * as aq from 'arquero';
import { createRng } from '../../../samplers/rng.js';
import { quantile } from '../../diagnostics/stats.js';
import type { CrossProducts } from '../../model/crossprod.js';
import type { MixedModel } from '../../model/model.js';
import { toOriginalBeta } from '../../model/reparam.js';
import { minimizeBounded } from '../../optim/bobyqa.js';
import { BlockedCholesky } from '../blocked.js';
import type { LmmFit } from '../lmm.js';
import { thetaScales } from '../optimize.js';
import { solve } from '../solution.js';
import { thetaLayout } from '../theta.js';
import { platform } from '../../platform/platform.js';
import { jobModel, type BootstrapJob, type BootstrapMessage } from './workerJob.js';
import { toSdCor, varianceParameterNames } from '../confint.js';
import { CrossProductSimulator } from './simulate.js';

/**
 * The refits' initial trust-region radius (in the optimiser's scaled θ̃). A replicate's optimum
 * lies within a few standard errors of θ̂, where the refit starts, so the fit's 0.2 (made for a
 * start at Λ = I) spends evaluations on a wide first interpolation set: 0.05 takes ~25% fewer
 * (hsb slopes: 48 → 36 per replicate) and the radius still grows where a replicate's optimum is
 * farther (singular replicates reach θ = 0). The replicates' distribution is tested against
 * row-simulated refits and bootMer (test/fit/bootstrap).
 */
export const REFIT_RHOBEG = 0.05;

/** θ at or below this on a diagonal counts as singular (lme4's `isSingular` tolerance). */
export const SINGULAR_TOLERANCE = 1e-4;

/** Options of {@link parametricBootstrap}. */
export interface BootstrapOptions {
  /** Replicates (default 1000). */
  n?: number;
  /** Seed (default 1); replicate i draws from its own stream, so any split of the work gives the same table. */
  seed?: number;
}

/** One parameter of the replicate table: lme4's confint name and a readable one. */
export interface BootstrapParameter {
  /** lme4's `confint` name: `.sig01`, …, `.sigma`, then the fixed effects. */
  name: string;
  /** lme4's `oldNames = FALSE` name: `sd_(Intercept)|Subject`, `cor_Days.(Intercept)|Subject`, `sigma`, fixed effects as they are. */
  label: string;
}

/** A percentile interval of one parameter over the replicates. */
export interface BootstrapInterval extends BootstrapParameter {
  estimate: number;
  lower: number;
  upper: number;
}

/** What one refit gives: the parameters in {@link bootstrapParameters} order, and more. */
export interface Replicate {
  values: Float64Array;
  /** β and the conditional modes b (per term, level-major) of the refit, when asked for. */
  solution?: { beta: Float64Array; b: Float64Array[] };
  theta: Float64Array;
  objective: number;
  singular: boolean;
  evaluations: number;
  converged: boolean;
}

/**
 * The parameters a bootstrap reports, in lme4's `confint` order and names (confint.ts): per term
 * (lme4 order) the elements of θ's layout as SDs and correlations, then σ, then β.
 */
export function bootstrapParameters(model: MixedModel): BootstrapParameter[] {
  return [...varianceParameterNames({ model }).map(({ name, label }) => ({ name, label })), ...model.fixefNames.map((b) => ({ name: b, label: b }))];
}

/**
 * Refits of one model to new y-parts of its cross-products, from a given θ, with one blocked
 * factor reused (its other blocks never change).
 */
export class ReplicateFitter {
  /** The cross-products the factor reads: the model's, with y-parts the caller overwrites. */
  readonly cp: CrossProducts;
  private readonly factor: BlockedCholesky;
  private readonly scale: Float64Array;
  private readonly lower: Float64Array;

  /**
   * @param scale θ's scaling for the optimiser (default: optimize.ts's thetaScales from the
   *   model's rows; a model without rows, as a worker gets it, needs it given)
   */
  constructor(readonly model: MixedModel, readonly reml: boolean, readonly start: ArrayLike<number>, scale?: Float64Array) {
    this.cp = copyCrossProducts(model.crossprod);
    // No observation-level updates (they need the rows): a replicate's blocks are all it reads.
    this.factor = new BlockedCholesky(this.cp, model.terms.map((t) => ({ q: t.q, nlevels: t.nlevels })), { sparse: true });
    this.scale = scale ?? thetaScales(model, this.factor.layout);
    this.lower = this.factor.layout.lower;
  }

  /** The θ scaling in use. */
  get thetaScale(): Float64Array {
    return this.scale;
  }

  /** Refit to the current contents of `cp` (y-parts set by the caller); `keep` adds β and b. */
  refit(keep = false): Replicate {
    const { factor, scale, lower, model, reml } = this;
    const { n, p } = model;
    const f = (t: Float64Array): number => factor.evaluate(Float64Array.from(t, (v, i) => v / scale[i]), reml);
    const x0 = Float64Array.from(this.start, (v, i) => Math.max(v * scale[i], lower[i]));
    const r = minimizeBounded(f, x0, { lower, rhobeg: REFIT_RHOBEG, rhoend: 2e-7 });
    const theta = Float64Array.from(r.x, (v, i) => v / scale[i]);
    factor.update(theta);
    const objective = factor.objective(reml) - model.logdetW;
    const sigma2 = factor.pwrss() / (reml ? n - p : n);
    const sol = solve(factor);
    const beta = toOriginalBeta(model, sol.beta);
    const values = new Float64Array(theta.length + 1 + p);
    values.set(toSdCor({ model }, theta, Math.sqrt(sigma2), NaN));
    values.set(beta, theta.length + 1);
    const singular = Array.from(theta).some((t, i) => lower[i] === 0 && t < SINGULAR_TOLERANCE);
    const replicate: Replicate = { values, theta, objective, singular, evaluations: r.evaluations, converged: r.converged };
    if (keep) replicate.solution = { beta, b: sol.b.map((v) => Float64Array.from(v)) };
    return replicate;
  }
}

/** A copy of cross-products whose y-parts can be overwritten (the other blocks are shared). */
export function copyCrossProducts(cp: CrossProducts): CrossProducts {
  return { ...cp, terms: cp.terms.map((t) => ({ ZtZ: t.ZtZ, ZtXy: Float64Array.from(t.ZtXy) })), XytXy: Float64Array.from(cp.XytXy) };
}

/** Seed of replicate i's stream from the run's seed (a 32-bit splitmix-style mix). */
export function replicateSeed(seed: number, i: number): number {
  let h = (Math.imul(seed >>> 0, 0x85ebca6b) ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 1 : h;
}

/** The fit's estimates that the simulation starts from, in the cross-products' parametrisation. */
export interface SimulationSource {
  betaPrime: Float64Array;
  lambdas: Float64Array[];
  sigma: number;
}

/** β', Λ_k and σ of a fit. */
export function simulationSource(fit: LmmFit): SimulationSource {
  const factor = new BlockedCholesky(fit.model.crossprod, fit.model.terms);
  factor.update(fit.theta);
  return { betaPrime: Float64Array.from(solve(factor).beta), lambdas: fit.model.terms.map((_, k) => Float64Array.from(factor.lambda(k))), sigma: fit.sigma };
}

/** The result of {@link parametricBootstrap}. */
export class BootstrapResult {
  constructor(
    readonly fit: LmmFit,
    readonly seed: number,
    readonly parameters: BootstrapParameter[],
    readonly replicates: Replicate[],
    readonly millis: number,
  ) {}

  get n(): number {
    return this.replicates.length;
  }

  /** Share of replicates with a singular fit (a diagonal θ below {@link SINGULAR_TOLERANCE}). */
  get singularShare(): number {
    return this.replicates.filter((r) => r.singular).length / this.replicates.length;
  }

  /** Replicate values of parameter `i` (NaN where undefined, such as a correlation at a zero SD). */
  column(i: number): Float64Array {
    return Float64Array.from(this.replicates, (r) => r.values[i]);
  }

  /** The fit's own values of the parameters. */
  get estimates(): Float64Array {
    return estimatesOf(this.fit);
  }

  /**
   * Percentile intervals (R's quantile type 7 of the replicates, NaN values left out) at
   * `level` (default 0.95).
   */
  intervals(level = 0.95): BootstrapInterval[] {
    const est = this.estimates;
    const a = (1 - level) / 2;
    return this.parameters.map((par, i) => {
      const v = this.column(i).filter((x) => !Number.isNaN(x));
      return { ...par, estimate: est[i], lower: v.length ? quantile(v, a) : NaN, upper: v.length ? quantile(v, 1 - a) : NaN };
    });
  }

  /** The replicate table as an arquero table (the columns of {@link records}). */
  table(): aq.ColumnTable {
    return aq.from(this.records());
  }

  /** Rows of the replicate table: `replicate`, `objective`, `singular`, then the parameters by readable name. */
  records(): Record<string, number | boolean>[] {
    return this.replicates.map((r, i) => {
      const row: Record<string, number | boolean> = { replicate: i + 1, objective: r.objective, singular: r.singular };
      this.parameters.forEach((p, c) => (row[p.label] = r.values[c]));
      return row;
    });
  }
}

/** The fit's own SDs, correlations, σ and β in {@link bootstrapParameters} order. */
export function estimatesOf(fit: LmmFit): Float64Array {
  const out = new Float64Array(fit.theta.length + 1 + fit.model.p);
  out.set(toSdCor(fit, fit.theta, fit.sigma, NaN));
  out.set(fit.beta, fit.theta.length + 1);
  return out;
}

/**
 * Replicates `from` (inclusive) to `to` (exclusive) of a parametric bootstrap: the unit of work
 * a worker runs. Replicate i draws from the stream seeded by {@link replicateSeed}(seed, i).
 */
export function bootstrapReplicates(fit: LmmFit, seed: number, from: number, to: number): Replicate[] {
  const { model } = fit;
  const layout = thetaLayout(model.terms.map((t) => t.q));
  return bootstrapChunk(model, fit.method === 'REML', fit.theta, thetaScales(model, layout), simulationSource(fit), seed, from, to);
}

/**
 * Replicates `from`..`to` from the model's blocks, the fit's θ, the optimiser's scaling and the
 * estimates simulated from; `b` holds the random effects fixed (lme4's `use.u = TRUE`), `keep`
 * keeps each refit's β and b.
 */
export function bootstrapChunk(
  model: MixedModel,
  reml: boolean,
  theta: ArrayLike<number>,
  scale: Float64Array,
  source: SimulationSource,
  seed: number,
  from: number,
  to: number,
  options: { b?: Float64Array[]; keep?: boolean } = {},
): Replicate[] {
  const simulator = new CrossProductSimulator(model.crossprod, model.terms);
  const fitter = new ReplicateFitter(model, reml, theta, scale);
  const out: Replicate[] = [];
  for (let i = from; i < to; i++) {
    simulator.simulate(createRng(replicateSeed(seed, i)), source.betaPrime, source.lambdas, source.sigma, fitter.cp, options.b);
    out.push(fitter.refit(options.keep));
  }
  return out;
}

/** `n` parametric bootstrap replicates of an exact fit, on the calling thread. */
export function parametricBootstrap(fit: LmmFit, options: BootstrapOptions = {}): BootstrapResult {
  const start = performance.now();
  const n = options.n ?? 1000;
  const seed = options.seed ?? 1;
  const replicates = bootstrapReplicates(fit, seed, 0, n);
  return new BootstrapResult(fit, seed, bootstrapParameters(fit.model), replicates, performance.now() - start);
}

/** Replicates per worker below which a bootstrap stays in the calling thread (a worker's start-up costs ~50 ms). */
export const REPLICATES_PER_WORKER = 50;

/**
 * {@link parametricBootstrap} with the replicates split into contiguous chunks over the
 * platform's workers (one per core) where it has them: the same table bit for bit, since
 * replicate i's stream depends only on (seed, i). `threads: false` keeps it in this thread.
 */
export async function parametricBootstrapAsync(fit: LmmFit, options: BootstrapOptions & { threads?: boolean } = {}): Promise<BootstrapResult> {
  const start = performance.now();
  const n = options.n ?? 1000;
  const seed = options.seed ?? 1;
  const host = platform();
  const workers = options.threads === false || !host.canSpawn('bootstrap') ? 1 : Math.min(host.concurrency(), Math.floor(n / REPLICATES_PER_WORKER));
  if (workers <= 1) return parametricBootstrap(fit, { n, seed });
  const { model } = fit;
  const scale = thetaScales(model, thetaLayout(model.terms.map((t) => t.q)));
  const source = simulationSource(fit);
  const slim = jobModel(model);
  const bounds = Array.from({ length: workers + 1 }, (_, w) => Math.round((w * n) / workers));
  const chunks = await Promise.all(
    bounds.slice(0, -1).map(
      (from, w) =>
        new Promise<Replicate[]>((resolve, reject) => {
          const job: BootstrapJob = { model: slim, reml: fit.method === 'REML', theta: fit.theta, scale, source, seed, from, to: bounds[w + 1] };
          const worker = host.spawn('bootstrap', job);
          worker.onMessage((message) => {
            resolve((message as BootstrapMessage).replicates);
            worker.terminate();
          });
          worker.onError(reject);
          worker.onExit((code) => {
            if (code !== 0) reject(new Error(`bootstrap worker ${w + 1} exited with code ${code}`));
          });
        }),
    ),
  );
  return new BootstrapResult(fit, seed, bootstrapParameters(model), chunks.flat(), performance.now() - start);
}
