import { formatSignificant, formatSummaryTable } from '../src/diagnostics/format.js';
import type { ParamSummaryRow } from '../src/diagnostics/summarize.js';
import type { MixedModel } from '../src/model/model.js';
import { groupColumns, type PriorsSpec } from './priors.js';
import type { SampleResult } from './sample.js';

/**
 * The priors of a run, one line per parameter block (β, each grouping factor's Ψ, σ), as the text
 * output of `lmm sample` prints them.
 */
export function formatPriors(model: MixedModel, priors: PriorsSpec, strata?: string[] | null): string[] {
  const s = (v: number) => formatSignificant(v);
  const df = (v: number) => (Number.isInteger(v) ? String(v) : formatSignificant(v));
  const lines: string[] = [];
  if (priors.beta === 'flat') lines.push('beta: flat (improper)');
  else {
    const { mean, var: V } = priors.beta;
    const diagonal = V.every((row, r) => row.every((v, c) => r === c || v === 0));
    const allZero = mean.every((m) => m === 0);
    if (diagonal) {
      const parts = model.fixefNames.map((name, j) => `${name} ${allZero ? '' : s(mean[j]) + ', '}${s(Math.sqrt(V[j][j]))}`);
      lines.push(`beta ~ independent normals (${allZero ? 'mean 0, SD' : 'mean, SD'}): ${parts.join('; ')}`);
    } else {
      lines.push(`beta ~ normal(mean [${mean.map(s).join(', ')}], covariance matrix given)`);
    }
  }
  for (const [group, prior] of Object.entries(priors.Psi)) {
    const columns = groupColumns(model, group);
    if ('halfT' in prior) {
      const { df: dfValue, scale } = prior.halfT;
      const uniform = dfValue === 2 && columns.length > 1 ? '; correlations uniform on (-1, 1)' : '';
      lines.push(`Psi[${group}]: Huang-Wand, each SD ~ half-t(${df(dfValue)}, scale): ${columns.map((c, r) => `${c} ${s(scale[r])}`).join('; ')}${uniform}`);
    } else {
      const diagonal = prior.scale.every((row, r) => row.every((v, c) => r === c || v === 0));
      const scale = diagonal ? `diag(${prior.scale.map((row, r) => s(row[r])).join(', ')})` : `[${prior.scale.map((row) => `[${row.map(s).join(', ')}]`).join(', ')}]`;
      lines.push(`Psi[${group}] ~ inverse-Wishart(df ${df(prior.df)}, scale ${scale}) over ${columns.join(', ')}`);
    }
  }
  if ('halfT' in priors.sigma2) lines.push(`sigma ~ half-t(${df(priors.sigma2.halfT.df)}, ${s(priors.sigma2.halfT.scale)})`);
  else lines.push(`sigma2 ~ inverse-gamma(shape ${s(priors.sigma2.shape)}, rate ${s(priors.sigma2.rate)})`);
  if (strata) lines[lines.length - 1] += ` for each stratum's own (${strata.join(', ')})`;
  if (priors.rho) lines.push('uniform' in priors.rho ? `rho ~ uniform(${s(priors.rho.uniform[0])}, ${s(priors.rho.uniform[1])})` : `(rho + 1)/2 ~ beta(${s(priors.rho.beta[0])}, ${s(priors.rho.beta[1])})`);
  return lines;
}

/**
 * Summary rows in the order of the text output: β, σ, the SDs and correlations (lme4's
 * `VarCorr` columns), then the variances σ² and Ψ, and the random effects only with `ranef`.
 */
export function textOrder(rows: readonly ParamSummaryRow[], ranef: boolean): ParamSummaryRow[] {
  const rank = (param: string): number => {
    if (param.startsWith('beta[')) return 0;
    if (param === 'sigma' || param.startsWith('sigma[') || param === 'rho') return 1;
    if (param.startsWith('sd[') || param.startsWith('corr[')) return 2;
    if (param === 'sigma2' || param.startsWith('sigma2[')) return 3;
    if (param.startsWith('Psi[')) return 4;
    return 5;
  };
  const indexed = rows.map((row, i) => ({ row, i, rank: rank(row.param) })).filter((r) => ranef || r.rank < 5);
  indexed.sort((a, b) => a.rank - b.rank || a.i - b.i);
  return indexed.map((r) => r.row);
}


/**
 * The text output of `lmm sample`: the run, the priors used, then the posterior table (β, σ,
 * SDs and correlations first; random effects only with `ranef`).
 */
export function formatSampleText(result: SampleResult, options: { ranef?: boolean } = {}): string {
  const s = result.settings;
  const residuals = result.residuals !== undefined ? `, residuals ${result.residuals}` : '';
  const head = `Gibbs sampler: ${result.model.formula.text}${residuals}\n${s.chains} chains × ${s.iter} iterations (${s.warmup} warmup, thin ${s.thin}), seed ${s.seed}, ${result.sampleMillis.toFixed(0)} ms\n\n`;
  const priors = `Priors:\n${formatPriors(result.model, result.priors, result.strata).map((l) => `  ${l}\n`).join('')}\n`;
  const rows = textOrder(result.summary(), options.ranef ?? false);
  const note = options.ranef ? '' : `\n(random effects a[...]: with --ranef; always in --json and --draws)\n`;
  return head + priors + formatSummaryTable(rows, { mcse: true }) + note;
}
