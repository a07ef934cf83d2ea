import * as aq from 'arquero';
import type { DataInput } from '../src/data/input.js';
import { summarizeParameters, summaryRows, type ParamSummaryRow } from '../src/diagnostics/summarize.js';
import { LmmError } from '../src/errors.js';
import { buildModel, type MixedModel } from '../src/model/model.js';
import { randomSeed } from '../src/platform/platform.js';
import { keptDraws } from './chain.js';
import { samplerModel } from './gibbs.js';
import { parameterLayout } from './params.js';
import { resolvePriors, termPriors, type PriorsSpec } from './priors.js';
import { runChains } from './run.js';
import { samplerWarnings, type SamplerWarning } from './warnings.js';
import { samplerResiduals, type SamplerResiduals } from './residualSteps.js';
import { parseResidualSpec, residualStructure } from '../src/model/residuals.js';
import { toTable } from '../src/data/input.js';

/** Options of `sample` (CONTRACT.md's `lmm sample`). */
export interface SampleOptions {
  chains?: number;
  /** Iterations per chain, warmup included (default 2000). */
  iter?: number;
  /** Warmup iterations discarded (default iter/2). */
  warmup?: number;
  thin?: number;
  /** Run seed (default: drawn at random and recorded in the result). */
  seed?: number;
  /** A priors object in the priors-file form; anything left out takes the defaults. */
  priors?: unknown;
  /**
   * A residual structure, `ar1(time | group)`, `var(stratum)` or both joined by `+` (as `fitLmm`'s;
   * src/model/residuals.ts): ρ and the per-stratum variances are sampled too (residualSteps.ts).
   */
  residuals?: string;
  /** Chains in workers (worker threads, Web Workers): true, false or 'auto' (default; see `runChains`). */
  parallel?: boolean | 'auto';
  onProgress?: (done: number, total: number) => void;
}

/** The result of a sampling run. */
export class SampleResult {
  constructor(
    readonly model: MixedModel,
    readonly params: string[],
    /** Per chain: kept draws, row-major (draw × parameter). */
    readonly draws: Float64Array[],
    readonly settings: { chains: number; iter: number; warmup: number; thin: number; seed: number },
    readonly priors: PriorsSpec,
    readonly sampleMillis: number,
  ) {}

  /** The residual structure sampled (`--residuals`), or undefined for σ²I. */
  residuals?: string;
  /** The strata of `var(...)` (the first the reference), or null. */
  strata: string[] | null = null;

  /** Draws per chain. */
  get kept(): number {
    return this.draws[0].length / this.params.length;
  }

  /** The draws of one parameter, one array per chain. */
  chainsOf(param: string | number): Float64Array[] {
    const j = typeof param === 'number' ? param : this.params.indexOf(param);
    if (j < 0) throw new LmmError('option', `unknown parameter '${param}'`);
    const P = this.params.length;
    return this.draws.map((d) => {
      const out = new Float64Array(this.kept);
      for (let i = 0; i < out.length; i++) out[i] = d[i * P + j];
      return out;
    });
  }

  /** Every kept draw as an arquero table: `chain`, `iteration`, then one column per parameter. */
  drawsTable(): aq.ColumnTable {
    const kept = this.kept;
    const total = kept * this.draws.length;
    const columns: Record<string, Float64Array | Int32Array> = {
      chain: Int32Array.from({ length: total }, (_, i) => Math.floor(i / kept) + 1),
      iteration: Int32Array.from({ length: total }, (_, i) => (i % kept) + 1),
    };
    this.params.forEach((name, j) => {
      const col = new Float64Array(total);
      this.chainsOf(j).forEach((c, k) => col.set(c, k * kept));
      columns[name] = col;
    });
    return aq.table(columns);
  }

  /** Posterior summaries (R posterior's summarise_draws), one row per parameter. */
  summaryTable(): aq.ColumnTable {
    return summarizeParameters(this.params.map((param, j) => ({ param, chains: this.chainsOf(j) })));
  }

  private summaryCache: ParamSummaryRow[] | null = null;

  /** Posterior summaries as rows (computed once per result). */
  summary(): ParamSummaryRow[] {
    this.summaryCache ??= summaryRows(this.summaryTable());
    return this.summaryCache;
  }

  /** Convergence warnings (R-hat ≥ 1.01, bulk- or tail-ESS below 100 per chain; `warnings.ts`). */
  warnings(): SamplerWarning[] {
    return samplerWarnings(this.summary(), this.settings);
  }

  /** The object of `lmm sample --json` (CONTRACT.md). */
  toJSON(): Record<string, unknown> {
    return {
      formula: this.model.formula.text,
      ...(this.residuals !== undefined ? { residuals: this.residuals } : {}),
      ...this.settings,
      priors: this.priors,
      summary: this.summary(),
      warnings: this.warnings(),
      sampleMillis: this.sampleMillis,
    };
  }
}

/** Check the run settings, naming the option at fault. */
export function runSettings(options: SampleOptions): { chains: number; iter: number; warmup: number; thin: number; seed: number } {
  const chains = options.chains ?? 4;
  const iter = options.iter ?? 2000;
  const warmup = options.warmup ?? Math.floor(iter / 2);
  const thin = options.thin ?? 1;
  const seed = options.seed ?? randomSeed();
  const integer = (name: string, v: number, min: number) => {
    if (!Number.isSafeInteger(v) || v < min) throw new LmmError('option', `--${name} must be an integer >= ${min}, got ${v}`);
  };
  integer('chains', chains, 1);
  integer('iter', iter, 1);
  integer('warmup', warmup, 0);
  integer('thin', thin, 1);
  integer('seed', seed, 0);
  if (warmup >= iter) throw new LmmError('option', `--warmup (${warmup}) must be below --iter (${iter})`);
  if (keptDraws(iter, warmup, thin) < 1) throw new LmmError('option', `--thin ${thin} keeps no draws of the ${iter - warmup} after warmup`);
  return { chains, iter, warmup, thin, seed };
}

/** Draw from the posterior of a built model by blocked Gibbs sampling. */
export async function sampleModel(model: MixedModel, options: SampleOptions = {}, data?: aq.ColumnTable): Promise<SampleResult> {
  if (model.weighted) throw new LmmError('option', 'sample: prior weights are not supported by the Gibbs sampler (the exact fit, lmm fit --weights, takes them)');
  const settings = runSettings(options);
  let residuals: SamplerResiduals | undefined;
  if (options.residuals !== undefined) {
    if (!data) throw new LmmError('option', 'sample: residuals need the data table (sampleModel(model, options, table))');
    residuals = samplerResiduals(residualStructure(data, model, parseResidualSpec(options.residuals)));
  }
  const priors = resolvePriors(model, options.priors, { ar1: residuals?.ar1 ?? false });
  const layout = parameterLayout(model, residuals);
  const sm = samplerModel(model);
  if (residuals) sm.residuals = residuals;
  const { draws, sampleMillis } = await runChains(sm, termPriors(model, priors), layout.formulaOrder, layout.names.length, {
    ...settings,
    parallel: options.parallel,
    onProgress: options.onProgress,
  });
  const result = new SampleResult(model, layout.names, draws, settings, priors, sampleMillis);
  if (options.residuals !== undefined) result.residuals = options.residuals.trim();
  if (residuals) result.strata = residuals.strata;
  return result;
}

/** Build the model from a table and sample its posterior. */
export async function sample(table: DataInput, formula: string, options: SampleOptions = {}): Promise<SampleResult> {
  runSettings({ ...options, seed: options.seed ?? 1 });
  const data = toTable(table);
  return sampleModel(buildModel(data, formula), options, data);
}
