import { quantileSorted } from '../diagnostics/stats.js';
import { formatColumn, table } from './format.js';
import type { ConfintRow } from './confint.js';
import type { LmmFit } from './lmm.js';
import type { CoefficientRow, FTest } from './satterthwaite.js';
import { uniqueGroupNames } from './varcorr.js';

/** Inference to print with the summary (as lmerTest's `summary`, `anova` and lme4's `confint`). */
export interface SummaryInference {
  /** The df method of `coefficients` and `anova` (default Satterthwaite). */
  ddf?: 'satterthwaite' | 'kenward-roger';
  /** Satterthwaite's table: adds df and Pr(>|t|) to the fixed effects. */
  coefficients?: CoefficientRow[];
  /** Type III F tests. */
  anova?: FTest[];
  confint?: { method: 'profile' | 'wald' | 'boot'; nsim?: number; level: number; rows: ConfintRow[] };
}

/**
 * The fit as lme4's `summary()` prints it: method, formula, criterion, scaled residuals, random
 * effects, numbers of observations and groups, fixed effects, their correlations, and the
 * singular-fit note where it applies.
 */
export function formatSummary(fit: LmmFit, dataName?: string, inference: SummaryInference = {}): string {
  const out: string[] = [];
  const model = fit.model;
  const title = fit.method === 'REML' ? 'Linear mixed model fit by REML' : 'Linear mixed model fit by maximum likelihood';
  const ddfName = inference.ddf === 'kenward-roger' ? "Kenward-Roger's" : "Satterthwaite's";
  out.push(inference.coefficients ? `${title}. t-tests use ${ddfName} method` : title);
  out.push(`Formula: ${fit.formula}`);
  if (dataName) out.push(`   Data: ${dataName}`);
  out.push('');
  if (fit.method === 'REML') {
    out.push(`REML criterion at convergence: ${fit.objective.toFixed(1)}`);
  } else {
    const cells = [fit.AIC, fit.BIC, fit.logLik, fit.objective].map((v) => v.toFixed(1));
    out.push(table([['AIC', 'BIC', 'logLik', 'deviance', 'df.resid'], [...cells, String(model.n - fit.df)]], 0, ' '));
  }
  out.push('');

  // lme4 prints Pearson residuals, √w_i (y_i − ŷ_i)/σ, scaled.
  const w = fit.model.weights;
  // With a variance per stratum, each residual over its stratum's SD (nlme's standardized residuals).
  const scale = fit.residualEstimates?.rowScale;
  if (model.rowFree === undefined) {
    const residuals = fit.residuals().map((r, i) => (w ? r * Math.sqrt(w[i]) : r) / (fit.sigma * (scale ? scale[i] : 1))).sort();
    const quantiles = [0, 0.25, 0.5, 0.75, 1].map((pr) => quantileSorted(residuals, pr));
    out.push('Scaled residuals: ');
    out.push(table([['Min', '1Q', 'Median', '3Q', 'Max'], formatColumn(quantiles, 4, 4)], 0));
  } else {
    out.push(`Scaled residuals: not available (the model was built from cross-products by ${model.rowFree}; the rows never left it)`);
  }
  out.push('');

  out.push('Random effects:');
  const names = uniqueGroupNames(model.terms);
  const rows: string[][] = [['Groups', 'Name', 'Variance', 'Std.Dev.', model.terms.some((t) => t.q > 1) ? 'Corr' : '']];
  const variances: number[] = [];
  model.terms.forEach((term, k) => {
    const Psi = fit.Psi[k];
    const { q } = term;
    term.names.forEach((name, r) => {
      const v = Psi[r * q + r];
      variances.push(v);
      const corr = Array.from({ length: r }, (_, c) => {
        const d = Math.sqrt(Psi[r * q + r] * Psi[c * q + c]);
        return d > 0 ? (Psi[r * q + c] / d).toFixed(2) : 'NaN';
      });
      rows.push([r === 0 ? names[k] : '', name, '', '', corr.join(' ')]);
    });
  });
  variances.push(fit.sigma * fit.sigma);
  rows.push(['Residual', '', '', '', '']);
  const varText = formatColumn(variances, 4, 4);
  const sdText = formatColumn(variances.map(Math.sqrt), 4, 4);
  rows.slice(1).forEach((row, i) => {
    row[2] = varText[i];
    row[3] = sdText[i];
  });
  out.push(table(rows, 2, ' '));
  const groups = Object.entries(fit.ngroups).map(([g, n]) => `${g}, ${n}`).join('; ');
  out.push(`Number of obs: ${model.n}, groups:  ${groups}`);
  out.push('');
  if (fit.residualEstimates) out.push(...residualStructureLines(fit.residualEstimates), '');

  out.push('Fixed effects:');
  const se = fit.stderr;
  const est = formatColumn(Array.from(fit.beta), 4, 6);
  const coefficients = inference.coefficients;
  // With Kenward–Roger the table's SEs (and t) are those of the adjusted covariance.
  const seShown = coefficients ? coefficients.map((r) => r.stdError) : Array.from(se);
  const ses = formatColumn(seShown, 4, 6);
  const ts = formatColumn(Array.from(fit.beta, (b, j) => b / seShown[j]), 3, 3);
  if (coefficients) {
    const dfs = formatColumn(coefficients.map((r) => r.df), 3, 3);
    const ps = coefficients.map((r) => formatPValue(r.p));
    const stars = coefficients.map((r) => significanceStars(r.p));
    out.push(table([['', 'Estimate', 'Std. Error', 'df', 't value', 'Pr(>|t|)', ''], ...model.fixefNames.map((name, j) => [name, est[j], ses[j], dfs[j], ts[j], ps[j], stars[j]])], 1).replace(/ +$/gm, ''));
    out.push('---');
    out.push("Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1");
  } else {
    out.push(table([['', 'Estimate', 'Std. Error', 't value'], ...model.fixefNames.map((name, j) => [name, est[j], ses[j], ts[j]])], 1));
  }

  const p = model.p;
  if (p > 1) {
    out.push('');
    out.push('Correlation of Fixed Effects:');
    const abbreviated = model.fixefNames.map(abbreviate);
    const corrRows: string[][] = [['', ...abbreviated.slice(0, p - 1)]];
    for (let r = 1; r < p; r++) {
      const cells = [abbreviated[r]];
      for (let c = 0; c < p - 1; c++) {
        cells.push(c < r ? (fit.vcov[r * p + c] / (se[r] * se[c])).toFixed(3) : '');
      }
      corrRows.push(cells);
    }
    out.push(table(corrRows, 1));
  }
  if (inference.anova && inference.anova.length > 0) {
    out.push('');
    out.push(formatAnova(inference.anova, ddfName));
  }
  if (inference.confint) out.push('', formatConfint(inference.confint));
  if (fit.singular) {
    out.push('');
    out.push("boundary (singular) fit: see help('isSingular')");
  }
  if (!fit.converged) {
    out.push('');
    out.push(`optimizer did not converge: ${fit.optimization.message}`);
  }
  return out.join('\n') + '\n';
}

/** R's `abbreviate(names, minlength = 6)` in spirit: drop lower-case vowels from the end until short. */
function abbreviate(name: string): string {
  if (name.length <= 6) return name;
  let s = name.replace(/[()]/g, '');
  for (let i = s.length - 1; s.length > 6 && i > 0; i--) {
    if (/[aeiou]/.test(s[i]) && s[i - 1] !== ' ') s = s.slice(0, i) + s.slice(i + 1);
  }
  return (name.startsWith('(') ? `(${s.slice(0, 4)})` : s).slice(0, Math.max(6, 0));
}

/** The residual structure as nlme's `summary(lme)` prints it (corAR1's Phi, varIdent's ratios). */
function residualStructureLines(est: NonNullable<LmmFit['residualEstimates']>): string[] {
  const lines: string[] = [];
  const parts = est.spec.split('+').map((t) => t.trim());
  const ar1 = parts.find((t) => t.startsWith('ar1('));
  const variance = parts.find((t) => t.startsWith('var('));
  if (ar1 && est.rho !== null) {
    lines.push('Correlation Structure: AR(1)', ` Formula: ~${ar1.slice(4, -1).trim()}`, ' Parameter estimate(s):', table([['Phi'], [est.rho.toPrecision(7)]], 0));
  }
  if (variance && est.strata) {
    lines.push('Variance function:', ' Structure: Different standard deviations per stratum', ` Formula: ~1 | ${variance.slice(4, -1).trim()}`, ' Parameter estimates:');
    lines.push(table([est.strata.map((s) => s.level), est.strata.map((s) => s.delta.toPrecision(7))], 0));
  }
  return lines;
}

/** A p-value as R's `format.pval` with 3 digits: `< 2e-16` below machine precision. */
export function formatPValue(p: number): string {
  if (Number.isNaN(p)) return 'NA';
  if (p < 2.220446049250313e-16) return '< 2e-16';
  if (p >= 1e-4) return String(Number(p.toPrecision(3)));
  const [mantissa, exponent] = p.toExponential(2).split('e');
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** R's significance codes. */
function significanceStars(p: number): string {
  if (!(p >= 0)) return '';
  return p < 0.001 ? '***' : p < 0.01 ? '**' : p < 0.05 ? '*' : p < 0.1 ? '.' : '';
}

/** lmerTest's type III ANOVA table. */
export function formatAnova(rows: readonly FTest[], ddfName = "Satterthwaite's"): string {
  const col = (values: number[], digits: number) => formatColumn(values, digits, 4);
  const ss = col(rows.map((r) => r.sumSq), 4);
  const ms = col(rows.map((r) => r.meanSq), 4);
  const den = col(rows.map((r) => r.denDF), 4);
  const F = col(rows.map((r) => r.F), 4);
  const body = rows.map((r, i) => [r.term, ss[i], ms[i], String(r.numDF), den[i], F[i], formatPValue(r.p), significanceStars(r.p)]);
  return [`Type III Analysis of Variance Table with ${ddfName} method`, table([['', 'Sum Sq', 'Mean Sq', 'NumDF', 'DenDF', 'F value', 'Pr(>F)', ''], ...body], 1).replace(/ +$/gm, '')].join('\n');
}

/** Intervals as lme4's `confint(oldNames = FALSE)` prints them. */
export function formatConfint(ci: { method: 'profile' | 'wald' | 'boot'; nsim?: number; level: number; rows: readonly ConfintRow[] }): string {
  const a = (1 - ci.level) / 2;
  const percent = (x: number) => `${Number((100 * x).toPrecision(3))} %`;
  const values = formatColumn(ci.rows.flatMap((r) => [r.lower, r.upper]), 5, 6);
  const body = ci.rows.map((r, i) => [r.label, values[2 * i], values[2 * i + 1]]);
  const what = ci.method === 'profile' ? 'Profile' : ci.method === 'wald' ? 'Wald' : `Parametric bootstrap (${ci.nsim ?? 500} replicates, percentile)`;
  return [`${what} confidence intervals:`, table([['', percent(a), percent(1 - a)], ...body], 1)].join('\n');
}
