import * as aq from 'arquero';
import type { DataInput } from '../../src/data/input.js';
import { fitModel, type LmmFit } from '../../src/fit/lmm.js';
import { fitWithResiduals } from '../../src/fit/residualFit.js';
import { parseResidualSpec } from '../../src/model/residuals.js';
import { LmmError } from '../../src/errors.js';
import { toTable } from '../../src/data/input.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { sampleModel, type SampleOptions, type SampleResult } from '../sample.js';
import { edfRows, type EdfRow } from './edf.js';
import { GROUP_COLUMNS, groupRows, type GroupRow } from './groups.js';
import { iccRows, shrinkageWeightRows, type IccRow, type ShrinkageWeightRow } from './icc.js';
import { levelCrossProducts } from './levels.js';
import { termModifiers, termPooling, type TermPooling } from '../../src/fit/pooling.js';
import { populationNotes } from './notes.js';

/** Options of a comparison: the exact fit's method and the sampler's settings. */
export interface CompareOptions extends SampleOptions {
  /** REML (default, as lme4) or ML for the exact fit. */
  reml?: boolean;
}

/**
 * The exact fit and the posterior of one model side by side (`lmm compare`): per level and term
 * the level's own least squares, the eBLUP and the posterior, plus the model-level quantities a
 * teacher shows (intraclass correlation, shrinkage weights, effective degrees of freedom).
 */
export class Comparison {
  constructor(
    readonly fit: LmmFit,
    readonly sample: SampleResult,
    /** One row per grouping level and random-effects term (CONTRACT.md's `groups`). */
    readonly groups: GroupRow[],
    /** ICC per grouping factor; empty unless every term is `(1 | g)`. */
    readonly icc: IccRow[],
    /** τ²/(τ² + σ²/n_j) for every level of every `(1 | g)` term. */
    readonly shrinkageWeights: ShrinkageWeightRow[],
    /** Effective degrees of freedom of each random-effects term. */
    readonly edf: EdfRow[],
    /** Per term (lme4 order): no, partial and complete pooling of every level (the numbers behind `groups`). */
    readonly pooling: TermPooling[] = [],
    /** Which fixed columns make up each coefficient's population value (printed on stderr by the CLI). */
    readonly notes: string[] = [],
  ) {}

  get model(): MixedModel {
    return this.fit.model;
  }

  /** `groups` as an arquero table (columns in CONTRACT.md's order). */
  groupsTable(): aq.ColumnTable {
    return aq.from(this.groups).select(...GROUP_COLUMNS);
  }

  iccTable(): aq.ColumnTable {
    return aq.from(this.icc);
  }

  shrinkageWeightsTable(): aq.ColumnTable {
    return aq.from(this.shrinkageWeights);
  }

  edfTable(): aq.ColumnTable {
    return aq.from(this.edf.map((row) => ({ ...row, columns: row.columns.join(', ') })));
  }

  /** The object of `lmm compare --json`: `{fit, sample, groups, icc, shrinkageWeights, edf}`. */
  toJSON(): Record<string, unknown> {
    return {
      fit: this.fit.toJSON(),
      sample: this.sample.toJSON(),
      groups: this.groups,
      icc: this.icc,
      shrinkageWeights: this.shrinkageWeights,
      edf: this.edf,
    };
  }
}

/** Put an exact fit and a sampling run of the same model side by side. */
export function compareResults(fit: LmmFit, sample: SampleResult): Comparison {
  const { model } = fit;
  const cross = model.terms.map((_, k) => levelCrossProducts(model, k));
  const pooling = model.terms.map((_, k) => termPooling(fit, k, termModifiers(model, k)));
  return new Comparison(
    fit,
    sample,
    groupRows(fit, sample, pooling),
    iccRows(fit, sample),
    shrinkageWeightRows(fit, cross),
    edfRows(fit, sample),
    pooling,
    [...populationNotes(model, pooling), ...residualNotes(fit)],
  );
}

/**
 * With a residual structure, how the no-pooling and complete-pooling columns were computed: by
 * GLS under the same structure, ρ and the stratum SD ratios fixed at the mixed model's REML/ML
 * estimates (the exact fit's whitened blocks, src/fit/residualFit.ts), not re-estimated per
 * pooling (a no-pooling fit has a parameter per level, which would bias its own estimate of ρ
 * toward the within-level residual correlation of the dummy-variable regression).
 */
function residualNotes(fit: LmmFit): string[] {
  const r = fit.residualEstimates;
  if (!r) return [];
  const parts: string[] = [];
  if (r.rho !== null) parts.push(`rho = ${r.rho.toFixed(4)}`);
  if (r.strata) parts.push(`SD ratios ${r.strata.map((s) => `${s.level} ${s.delta.toFixed(4)}`).join(', ')}`);
  return [`residuals ${r.spec}: no pooling and complete pooling are GLS fits under the same structure at the mixed model's ${fit.method} estimates (${parts.join('; ')})`];
}

/** Fit a built model exactly and by Gibbs sampling, and compare the two. */
export async function compareModel(model: MixedModel, options: CompareOptions = {}, data?: aq.ColumnTable): Promise<Comparison> {
  const { reml, ...sampleOptions } = options;
  let fit: LmmFit;
  if (options.residuals !== undefined) {
    if (!data) throw new LmmError('option', 'compare: residuals need the data table (compareModel(model, options, table))');
    fit = fitWithResiduals(data, model, parseResidualSpec(options.residuals), reml ?? true);
  } else fit = fitModel(model, { reml: reml ?? true });
  const sample = await sampleModel(model, sampleOptions, data);
  return compareResults(fit, sample);
}

/** Build the model from a table, fit it both ways and compare: the library form of `lmm compare`. */
export async function compare(table: DataInput, formula: string, options: CompareOptions = {}): Promise<Comparison> {
  const data = toTable(table);
  return compareModel(buildModel(data, formula), options, data);
}
