import { writeFileSync } from 'node:fs';
import { formatEss, formatRhat } from '../../src/diagnostics/format.js';
import { LmmError } from '../../src/errors.js';
import type { Comparison } from '../compare/compare.js';
import type { GroupRow } from '../compare/groups.js';
import { caterpillarPlotSpec } from './caterpillarPlot.js';
import { escapeHtml, htmlTable } from './html.js';
import { htmlPage, type ReportSection } from './page.js';
import { shrinkagePlotSpec } from './shrinkagePlot.js';
import { renderSvg } from './svg.js';
import { fitStatisticsTable, fixedEffectsTable, hyperparameterSummaryTable, varCorrTable } from './tables.js';
import { tracePlotSpec } from './tracePlot.js';

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

async function levelPlots(comparison: Comparison): Promise<{ shrinkage: string; caterpillar: string }> {
  const fixef = comparison.fit.fixef;
  const shrinkage: string[] = [];
  const caterpillar: string[] = [];
  for (const { group, term, rows } of byGroupAndTerm(comparison.groups)) {
    const population = fixef[term] ?? 0;
    shrinkage.push(await renderSvg(shrinkagePlotSpec(rows, population, `${group}: ${term}`)));
    caterpillar.push(await renderSvg(caterpillarPlotSpec(rows, population, `${group}: ${term}`)));
  }
  const wrap = (svgs: string[]) => `<div class="plots">${svgs.map((s) => `<figure>${s}</figure>`).join('')}</div>`;
  return { shrinkage: wrap(shrinkage), caterpillar: wrap(caterpillar) };
}

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
 * The HTML report of a comparison: shrinkage plots, caterpillar plots, traces and densities of
 * β, σ² and Ψ with R-hat and ESS, and the summary tables; one self-contained page.
 */
export async function renderReport(comparison: Comparison): Promise<string> {
  const { fit, sample } = comparison;
  const s = sample.settings;
  const intro = `<p>Exact ${fit.method} fit and blocked Gibbs sampler of <code>${escapeHtml(fit.formula)}</code>: ${fit.nobs} observations; ${s.chains} chains × ${s.iter} iterations (${s.warmup} warmup, thin ${s.thin}), seed ${s.seed}.</p>`;
  const plots = await levelPlots(comparison);
  const sections: ReportSection[] = [
    { title: 'Shrinkage', body: plots.shrinkage },
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
        htmlTable(comparison.edfTable(), "Effective degrees of freedom EDF = Σ_j tr[(Ψ A_j + σ² I)⁻¹ Ψ A_j], A_j = Z_j'Z_j") +
        (comparison.shrinkageWeights.length > 0 ? `<div class="scroll">${htmlTable(comparison.shrinkageWeightsTable(), 'Shrinkage weights τ² / (τ² + σ²/n_j)')}</div>` : ''),
    },
    { title: 'Posterior summary', body: htmlTable(hyperparameterSummaryTable(comparison), 'β, σ² and Ψ') },
    { title: 'Per level and term', body: `<div class="scroll">${htmlTable(comparison.groupsTable(), 'eBLUP = fixed effect + conditional mode; shrinkage = (ols − eblup)/(ols − fixed effect)')}</div>` },
  ];
  return htmlPage(`lmm compare: ${fit.formula}`, intro, sections);
}

/** Render the report and write it to `path` (an {@link LmmError} naming the file if it cannot be written). */
export async function writeReport(comparison: Comparison, path: string): Promise<void> {
  const html = await renderReport(comparison);
  try {
    writeFileSync(path, html);
  } catch (error) {
    throw new LmmError('file', `cannot write report '${path}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
