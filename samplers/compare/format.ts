import { signif, table } from '../../src/fit/format.js';
import type { Comparison } from './compare.js';
import { residualParameterRows } from './residualRows.js';

const cell = (v: number | null, digits = 4): string => signif(v, digits);

/** The `groups` rows as an aligned text table (group, level and term left-aligned). */
export function formatGroups(comparison: Comparison): string {
  const header = ['group', 'level', 'term', 'n', 'ols', 'population', 'eblup', 'eblupSd', 'posteriorMean', 'q5', 'q95', 'shrinkage'];
  const rows = comparison.groups.map((g) => [
    g.group, g.level, g.term, String(g.n), cell(g.ols), cell(g.population), cell(g.eblup), cell(g.eblupSd), cell(g.posteriorMean), cell(g.q5), cell(g.q95), cell(g.shrinkage, 3),
  ]);
  return table([header, ...rows], 3);
}

/** Intraclass correlations, effective degrees of freedom and shrinkage weights, as text. */
export function formatModelLevel(comparison: Comparison): string {
  const out: string[] = [];
  if (comparison.icc.length > 0) {
    out.push('Intraclass correlation  rho_g = tau_g^2 / (sum_k tau_k^2 + sigma^2) (given the fixed effects: residual ICC where there are covariates):');
    out.push(table([['group', 'estimate', 'posteriorMean', 'q5', 'q95'], ...comparison.icc.map((r) => [r.group, cell(r.estimate), cell(r.posteriorMean), cell(r.q5), cell(r.q95)])], 1, '  '));
    out.push('');
  }
  out.push('Effective degrees of freedom  EDF_k = q J - tr((M^-1)_kk), each term\'s share of tr(hat matrix) - p (max: no pooling, rank[X Z_k] - p):');
  out.push(
    table(
      [['group', 'columns', 'levels', 'max', 'estimate', 'posteriorMean', 'q5', 'q95', 'draws'], ...comparison.edf.map((r) => [r.group, r.columns.join(','), String(r.nlevels), String(r.max), cell(r.estimate), cell(r.posteriorMean), cell(r.q5), cell(r.q95), String(r.draws)])],
      2,
      '  ',
    ),
  );
  if (comparison.shrinkageWeights.length > 0) {
    const byGroup = new Map<string, number[]>();
    for (const w of comparison.shrinkageWeights) byGroup.set(w.group, [...(byGroup.get(w.group) ?? []), w.weight]);
    out.push('');
    const effective = comparison.fit.residualEstimates ? ', n_j the effective count 1\'R_j^-1 1 under the residual structure' : '';
    out.push(`Shrinkage weights of the random intercepts  w_j = tau^2 / (tau^2 + sigma^2/n_j)${effective}:`);
    for (const [group, weights] of byGroup) {
      out.push(`  ${group}: ${weights.length} levels, weight from ${signif(Math.min(...weights), 3)} to ${signif(Math.max(...weights), 3)}`);
    }
  }
  return out.join('\n');
}

/** The readable report of `lmm compare` without `--json`: settings, model-level quantities, the groups table. */
export function formatComparison(comparison: Comparison): string {
  const { fit, sample } = comparison;
  const s = sample.settings;
  return [
    `Exact ${fit.method} fit and Gibbs sampler: ${fit.formula}`,
    `${s.chains} chains x ${s.iter} iterations (${s.warmup} warmup, thin ${s.thin}), seed ${s.seed}`,
    '',
    formatModelLevel(comparison),
    '',
    ...formatResidualParameters(comparison),
    'Per level and term: ols = no pooling (dummy-variable regression), population = complete pooling (fixed part at the level\'s',
    'covariates), eblup = partial pooling (population + conditional mode, sd eblupSd); shrinkage = (ols - eblup)/(ols - population):',
    formatGroups(comparison),
    '',
  ].join('\n');
}

/** With a residual structure: ρ and the σ's, exact estimate beside the posterior (then a blank line); nothing without one. */
function formatResidualParameters(comparison: Comparison): string[] {
  const { fit } = comparison;
  const rows = residualParameterRows(fit, comparison.sample);
  if (rows.length === 0) return [];
  const header = ['param', fit.method, 'posteriorMean', 'median', 'q2.5', 'q97.5', 'rhat', 'ess_bulk'];
  const body = rows.map((r) => [r.param, cell(r.estimate), cell(r.posteriorMean), cell(r.median), cell(r.q2_5), cell(r.q97_5), r.rhat === null ? 'NA' : r.rhat.toFixed(3), r.ess_bulk === null ? 'NA' : String(Math.round(r.ess_bulk))]);
  return [`Residual structure ${fit.residualEstimates?.spec}: exact ${fit.method} estimate and posterior:`, table([header, ...body], 1, '  '), ''];
}
