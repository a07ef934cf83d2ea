import { formatEss, formatRhat } from '../../src/diagnostics/format.js';
import type { Comparison } from '../compare/compare.js';
import type { GroupRow } from '../compare/groups.js';
import { caterpillarPlotSpec } from './caterpillarPlot.js';
import { escapeHtml, htmlTable } from './html.js';
import { htmlPage, type ReportSection } from './page.js';
import { shrinkagePlotSpec } from './shrinkagePlot.js';
import { renderSvg } from './svg.js';
import { fitStatisticsTable, fixedEffectsTable, hyperparameterSummaryTable, varCorrTable } from './tables.js';
import { tracePlotSpec } from './tracePlot.js';
import { bivariatePlotSpec } from './bivariatePlot.js';
import { shrinkageByNSpec } from './shrinkageByNPlot.js';
import { POOLING_EXPLORER_SCRIPT, poolingExplorerHtml } from './poolingExplorer.js';
import { poolingPathData } from '../compare/poolingPath.js';
import { residualPosteriorSpec } from './residualPlot.js';
import { residualParameterRows } from '../compare/residualRows.js';
import * as aq from 'arquero';

/**
 * With a residual structure: ρ's posterior and each stratum's σ beside the exact fit's
 * estimates (histogram, 95% interval, estimate), and a table of both. Null without one.
 */
async function residualSection(comparison: Comparison): Promise<ReportSection | null> {
  const { fit, sample } = comparison;
  const r = fit.residualEstimates;
  if (!r) return null;
  const svgs: string[] = [];
  const rows = [];
  for (const row of residualParameterRows(fit, sample)) {
    svgs.push(await renderSvg(residualPosteriorSpec(row.param, row.chains, row.estimate, fit.method)));
    rows.push({ param: row.param, [fit.method]: row.estimate, posteriorMean: row.posteriorMean, median: row.median, q2_5: row.q2_5, q97_5: row.q97_5, rhat: row.rhat, ess_bulk: row.ess_bulk });
  }
  const note = `<p>Residuals <code>${escapeHtml(r.spec)}</code>: ${r.rho !== null ? 'AR(1) correlation ρ at unit time step within groups' : ''}${r.rho !== null && r.strata ? '; ' : ''}${r.strata ? `a residual SD per stratum (reference ${escapeHtml(r.strata[0].level)}; <code>sigma</code> is its SD)` : ''}. Red: the exact ${fit.method} estimate; dashed: the posterior's central 95% interval. No and complete pooling below are GLS fits under the same structure at the exact fit's ρ and SD ratios; the ICC, the shrinkage weights and the pooling explorer's τ²/σ² use the reference σ (approximate under this structure).</p>`;
  return { title: 'Residual structure', body: note + wrap(svgs) + htmlTable(aq.from(rows), `Residual-structure parameters: exact ${fit.method} estimate and posterior`) };
}

/** The groups rows of each (group, term) pair, in the order they appear. */
function byGroupAndTerm(rows: readonly GroupRow[]): { group: string; term: string; rows: GroupRow[] }[] {
  const out = new Map<string, { group: string; term: string; rows: GroupRow[] }>();
  for (const row of rows) {
    const key = `${row.group}\u0000${row.term}`;
    if (!out.has(key)) out.set(key, { group: row.group, term: row.term, rows: [] });
    out.get(key)!.rows.push(row);
  }
  return [...out.values()];
}

const wrap = (svgs: string[]) => `<div class="plots">${svgs.map((s) => `<figure>${s}</figure>`).join('')}</div>`;

async function levelPlots(comparison: Comparison): Promise<{ shrinkage: string; caterpillar: string }> {
  const shrinkage: string[] = [];
  const caterpillar: string[] = [];
  for (const { group, term, rows } of byGroupAndTerm(comparison.groups)) {
    shrinkage.push(await renderSvg(shrinkagePlotSpec(rows, `${group}: ${term}`)));
    caterpillar.push(await renderSvg(caterpillarPlotSpec(rows, `${group}: ${term}`)));
  }
  return { shrinkage: wrap(shrinkage), caterpillar: wrap(caterpillar) };
}

/** Per term: the bivariate shrinkage plots (intercept against each other column) and shrinkage against n_j. */
async function termPlots(comparison: Comparison): Promise<string> {
  const { fit } = comparison;
  const { model } = fit;
  const sigma2 = fit.sigma ** 2;
  const svgs: string[] = [];
  for (const [k, term] of model.terms.entries()) {
    const rows = comparison.groups.filter((g) => g.group === term.group && term.names.includes(g.term));
    for (let r = 1; r < Math.min(term.q, 4); r++) {
      svgs.push(await renderSvg(bivariatePlotSpec(rows, [term.names[0], term.names[r]], fit.Psi[k], term.q, [0, r], `${term.group}: ${term.names[0]} and ${term.names[r]}`)));
    }
    const r0 = term.names.indexOf('(Intercept)');
    if (r0 >= 0) {
      const exact = model.terms.length === 1 && term.q === 1 && comparison.pooling[k]?.modifiers.length === model.p;
      const tau2 = fit.Psi[k][r0 * term.q + r0];
      svgs.push(await renderSvg(shrinkageByNSpec(rows.filter((g) => g.term === '(Intercept)'), tau2, sigma2, `${term.group}: shrinkage of the intercept against n_j`, exact)));
    }
  }
  return wrap(svgs);
}

const TEACH = `<div class="teach"><p>Each level's coefficient is estimated three ways.
<b>No pooling</b> (<code>ols</code>): the level's own coefficient in the dummy-variable regression of the same model, every level's
random-effects coefficients free; columns constant within levels (group-level predictors and their cross-level interactions) are
absorbed into them. <b>Complete pooling</b> (<code>population</code>): the fixed part of the coefficient at the level's own group-level
covariates, the value the level is pulled toward. <b>Partial pooling</b> (<code>eblup</code>): the population value plus the
conditional mode of the exact fit, a precision-weighted compromise; the posterior mean is its full-Bayes counterpart.
<code>shrinkage</code> = (ols − eblup)/(ols − population) is how far the estimate moved from its own toward the population value:
for a random intercept with no within-level covariates it is exactly 1 − τ²/(τ² + σ²/n<sub>j</sub>), so small levels are pulled most.
With several grouping factors each term is taken on its own, the others at their estimates.</p></div>`;

async function tracePlots(comparison: Comparison): Promise<string> {
  const { sample } = comparison;
  const parts: string[] = [];
  for (const row of sample.summary().filter((r) => !r.param.startsWith('a['))) {
    const svg = await renderSvg(tracePlotSpec(row.param, sample.chainsOf(row.param)));
    const diagnostics = `<table class="diagnostics"><tr><th>R-hat</th><td>${formatRhat(row.rhat)}</td></tr><tr><th>ESS bulk</th><td>${formatEss(row.ess_bulk)}</td></tr><tr><th>ESS tail</th><td>${formatEss(row.ess_tail)}</td></tr></table>`;
    parts.push(`<div class="trace">${svg}${diagnostics}</div>`);
  }
  return parts.join('\n');
}

/**
 * The HTML report of a comparison: the pooling explorer (a slider from complete to no pooling),
 * shrinkage plots (per level, bivariate with Ψ̂'s contours, against n_j), caterpillar plots, traces and densities of
 * β, σ² and Ψ with R-hat and ESS, and the summary tables; one self-contained page.
 */
export async function renderReport(comparison: Comparison): Promise<string> {
  const { fit, sample } = comparison;
  const s = sample.settings;
  const intro = `<p>Exact ${fit.method} fit and blocked Gibbs sampler of <code>${escapeHtml(fit.formula)}</code>: ${fit.nobs} observations; ${s.chains} chains × ${s.iter} iterations (${s.warmup} warmup, thin ${s.thin}), seed ${s.seed}.</p>`;
  const plots = await levelPlots(comparison);
  const paths = poolingPathData(fit, sample, comparison.pooling);
  const explorers = paths.map((d, k) => poolingExplorerHtml(d, `explorer-${k}`)).join('\n');
  const residual = await residualSection(comparison);
  const sections: ReportSection[] = [
    { title: 'Pooling explorer', body: TEACH + explorers },
    ...(residual ? [residual] : []),
    { title: 'Shrinkage', body: plots.shrinkage + (await termPlots(comparison)) },
    { title: 'Posterior intervals and eBLUPs', body: plots.caterpillar },
    { title: 'Traces and densities', body: await tracePlots(comparison) },
    {
      title: 'Exact fit',
      body: htmlTable(fitStatisticsTable(comparison), 'Fit') + htmlTable(fixedEffectsTable(comparison), 'Fixed effects (exact and posterior)') + htmlTable(varCorrTable(comparison), 'Variance components'),
    },
    {
      title: 'Model-level quantities',
      body:
        (comparison.icc.length > 0 ? htmlTable(comparison.iccTable(), 'Intraclass correlation ρ_g = τ_g² / (Σ_k τ_k² + σ²)') : '') +
        htmlTable(comparison.edfTable(), "Effective degrees of freedom of each term: its share q·J − tr((M⁻¹)_kk) of the hat matrix's trace beyond the fixed effects (M the penalised system); max = the no-pooling value rank[X Z_k] − rank X") +
        (comparison.shrinkageWeights.length > 0 ? `<div class="scroll">${htmlTable(comparison.shrinkageWeightsTable(), 'Shrinkage weights τ² / (τ² + σ²/n_j)')}</div>` : ''),
    },
    { title: 'Posterior summary', body: htmlTable(hyperparameterSummaryTable(comparison), 'β, σ² and Ψ') },
    {
      title: 'Per level and term',
      body: `<p class="note">${comparison.notes.map(escapeHtml).join('<br>')}</p><div class="scroll">${htmlTable(comparison.groupsTable(), 'ols = no pooling; population = complete pooling; eblup = population + conditional mode (partial pooling); shrinkage = (ols − eblup)/(ols − population)')}</div>`,
    },
  ];
  return htmlPage(`lmm compare: ${fit.formula}`, intro, sections, POOLING_EXPLORER_SCRIPT);
}
