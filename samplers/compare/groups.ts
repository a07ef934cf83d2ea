import type { LmmFit } from '../../src/fit/lmm.js';
import type { SampleResult } from '../sample.js';
import type { LevelCrossProducts } from './levels.js';
import { levelOls } from './ols.js';
import { coefficientDraws, posteriorInterval } from './posterior.js';

/** One row of `lmm compare`'s `groups` (CONTRACT.md): a level's coefficient on one term, three ways. */
export interface GroupRow {
  group: string;
  level: string;
  term: string;
  /** Observations in the level. */
  n: number;
  /** The level's own least-squares coefficient (y on the term's columns alone); null if not estimable. */
  ols: number | null;
  /** Fixed effect of the same name (0 if none) plus the conditional mode, as lme4's `coef()`. */
  eblup: number;
  /** β + a_j over the posterior draws: mean, 5% and 95% quantiles. */
  posteriorMean: number;
  q5: number;
  q95: number;
  /** (ols − eblup)/(ols − fixed effect); null where ols is null or equals the fixed effect. */
  shrinkage: number | null;
}

/** The fields of a {@link GroupRow}, in CONTRACT.md's order. */
export const GROUP_COLUMNS = ['group', 'level', 'term', 'n', 'ols', 'eblup', 'posteriorMean', 'q5', 'q95', 'shrinkage'] as const;

/** Fraction of the way from `ols` to the population value `fixed` that `eblup` lies; null where undefined. */
export function shrinkageFraction(ols: number | null, eblup: number, fixed: number): number | null {
  if (ols === null) return null;
  const gap = ols - fixed;
  if (!(Math.abs(gap) > 1e-12 * Math.max(1, Math.abs(ols)))) return null;
  return (ols - eblup) / gap;
}

/**
 * The rows of `groups`: per term (lme4 order), per level (R's order), per column. `fit` and
 * `sample` must come from the same model; `cross` holds each term's per-level cross-products.
 */
export function groupRows(fit: LmmFit, sample: SampleResult, cross: readonly LevelCrossProducts[]): GroupRow[] {
  const fixef = fit.fixef;
  const rows: GroupRow[] = [];
  fit.model.terms.forEach((term, k) => {
    const ols = levelOls(cross[k]);
    const b = fit.b[k];
    term.levels.forEach((level, j) => {
      term.names.forEach((name, r) => {
        const hasFixed = Object.hasOwn(fixef, name);
        const fixed = hasFixed ? fixef[name] : 0;
        const eblup = fixed + b[j * term.q + r];
        const own = ols[j] === null ? null : (ols[j] as Float64Array)[r];
        rows.push({
          group: term.group,
          level,
          term: name,
          n: cross[k].n[j],
          ols: own,
          eblup,
          ...posteriorInterval(coefficientDraws(sample, term.group, level, name, hasFixed)),
          shrinkage: shrinkageFraction(own, eblup, fixed),
        });
      });
    });
  });
  return rows;
}
