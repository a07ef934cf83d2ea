import type { LmmFit } from '../../src/fit/lmm.js';
import type { TermPooling } from '../../src/fit/pooling.js';
import type { SampleResult } from '../sample.js';
import { coefficientDraws, posteriorInterval } from './posterior.js';

/**
 * One row of `lmm compare`'s `groups` (CONTRACT.md): a level's coefficient on one column of a
 * random-effects term, three ways (no, partial and complete pooling) and by the posterior.
 */
export interface GroupRow {
  group: string;
  level: string;
  term: string;
  /** Observations in the level. */
  n: number;
  /**
   * No pooling: the level's own coefficient in the dummy-variable regression of the same model
   * (this term's coefficients free for every level, the columns that modify them absorbed, the
   * other terms at their estimates); null where the level does not identify it.
   */
  ols: number | null;
  /** Complete pooling: the fixed part of the coefficient at the level's group-level covariates. */
  population: number;
  /** Partial pooling: population plus the conditional mode. */
  eblup: number;
  /** Conditional SD of the conditional mode (lme4's condsd). */
  eblupSd: number;
  /** The same coefficient (population part plus a_j) over the posterior draws: mean, 5%, 95%. */
  posteriorMean: number;
  q5: number;
  q95: number;
  /** (ols − eblup)/(ols − population); null where ols is null or equals the population value. */
  shrinkage: number | null;
}

/** The fields of a {@link GroupRow}, in CONTRACT.md's order. */
export const GROUP_COLUMNS = ['group', 'level', 'term', 'n', 'ols', 'population', 'eblup', 'eblupSd', 'posteriorMean', 'q5', 'q95', 'shrinkage'] as const;

/** Fraction of the way from `ols` to the population value that `eblup` lies; null where undefined. */
export function shrinkageFraction(ols: number | null, eblup: number, population: number): number | null {
  if (ols === null) return null;
  const gap = ols - population;
  if (!(Math.abs(gap) > 1e-12 * Math.max(1, Math.abs(ols)))) return null;
  return (ols - eblup) / gap;
}

/**
 * The rows of `groups`: per term (lme4 order), per level (R's order), per column. `fit` and
 * `sample` come from the same model; `pooling` holds each term's three estimates.
 */
export function groupRows(fit: LmmFit, sample: SampleResult, pooling: readonly TermPooling[]): GroupRow[] {
  const rows: GroupRow[] = [];
  fit.model.terms.forEach((term, k) => {
    const { ols, population, eblup, eblupSd, modifiers } = pooling[k];
    const counts = term.levelCounts;
    term.levels.forEach((level, j) => {
      term.names.forEach((name, r) => {
        const i = j * term.q + r;
        const own = ols === null || Number.isNaN(ols[i]) ? null : ols[i];
        const fixedPart = modifiers.filter((m) => m.coefficient === r).map((m) => ({ name: m.name, w: m.w[j] }));
        rows.push({
          group: term.group,
          level,
          term: name,
          n: counts[j],
          ols: own,
          population: population[i],
          eblup: eblup[i],
          eblupSd: eblupSd[i],
          ...posteriorInterval(coefficientDraws(sample, term.group, level, name, fixedPart)),
          shrinkage: shrinkageFraction(own, eblup[i], population[i]),
        });
      });
    });
  });
  return rows;
}

/** Rows per level. */
export function levelCounts(refs: Int32Array, nlevels: number): Int32Array {
  const n = new Int32Array(nlevels);
  for (let i = 0; i < refs.length; i++) n[refs[i]]++;
  return n;
}
