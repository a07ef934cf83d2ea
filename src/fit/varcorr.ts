import type { ReTerm } from '../model/model.js';

/** One row of R's `as.data.frame(VarCorr(fit))`. */
export interface VarCorrRow {
  grp: string;
  var1: string | null;
  var2: string | null;
  vcov: number;
  sdcor: number;
}

/** Group labels as lme4 prints them: repeated grouping factors get `.1`, `.2` (R's make.unique). */
export function uniqueGroupNames(terms: readonly Pick<ReTerm, 'group'>[]): string[] {
  const seen = new Map<string, number>();
  return terms.map((t) => {
    const count = seen.get(t.group) ?? 0;
    seen.set(t.group, count + 1);
    return count === 0 ? t.group : `${t.group}.${count}`;
  });
}

/**
 * Variance components: per term Ψ_k = σ² Λ_k Λ_k' as variance rows (SD in `sdcor`) then
 * covariance rows (correlation in `sdcor`, pairs in R's lower-triangle order), then the residual.
 */
export function varCorr(terms: readonly ReTerm[], Psi: readonly Float64Array[], sigma: number): VarCorrRow[] {
  const names = uniqueGroupNames(terms);
  const rows: VarCorrRow[] = [];
  terms.forEach((term, k) => {
    const { q } = term;
    const S = Psi[k];
    for (let r = 0; r < q; r++) rows.push({ grp: names[k], var1: term.names[r], var2: null, vcov: S[r * q + r], sdcor: Math.sqrt(S[r * q + r]) });
    for (let c = 0; c < q; c++) {
      for (let r = c + 1; r < q; r++) {
        const denominator = Math.sqrt(S[r * q + r] * S[c * q + c]);
        rows.push({ grp: names[k], var1: term.names[c], var2: term.names[r], vcov: S[r * q + c], sdcor: denominator > 0 ? S[r * q + c] / denominator : NaN });
      }
    }
  });
  rows.push({ grp: 'Residual', var1: null, var2: null, vcov: sigma * sigma, sdcor: sigma });
  return rows;
}
