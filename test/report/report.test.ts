/** The HTML report: self-contained, with the plots and tables it promises. */
import { describe, expect, it } from 'vitest';
import { compare } from '../../samplers/compare/index.js';
import { bivariatePlotSpec, levelSelection, MAX_LEVEL_ROWS, renderReport, renderSvg, shrinkageByNSpec, shrinkagePlotSpec, tracePlotSpec } from '../../samplers/report/index.js';
import type { GroupRow } from '../../samplers/compare/index.js';
import { dataset } from '../helpers.js';

describe('renderReport', async () => {
  const comparison = await compare(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)', { chains: 2, iter: 400, seed: 7, parallel: false });
  const html = await renderReport(comparison);

  it('is one self-contained page: one inline script (the pooling explorer) and its data, nothing fetched', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html.match(/<script type="application\/json" class="explorer-data">/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(http/i);
  });

  it('has shrinkage and caterpillar plots per term, the bivariate plot, shrinkage against n_j, a trace per β, σ² and Ψ parameter', () => {
    const svgs = html.match(/<svg\b[^>]*class="marks"/g) ?? [];
    // 2 columns × (shrinkage + caterpillar) + bivariate + shrinkage against n + traces of beta×2, sigma2, Psi×3
    // (at least: the sampler may add derived parameters).
    expect(svgs.length).toBeGreaterThanOrEqual(4 + 2 + 6);
    expect(html).toContain('Subject: (Intercept) and Days');
    expect(html).toContain('Subject: shrinkage of the intercept against n_j');
    for (const param of ['beta[(Intercept)]', 'beta[Days]', 'sigma2', 'Psi[Subject][Days,(Intercept)]']) expect(html).toContain(`>${param}</text>`);
    expect((html.match(/<th>R-hat<\/th>/g) ?? []).length).toBeGreaterThanOrEqual(6);
  });

  it('carries the summary tables (fixed effects, variance components, EDF, groups)', () => {
    for (const caption of ['Fixed effects (exact and posterior)', 'Variance components', 'Effective degrees of freedom', 'β, σ² and Ψ']) expect(html).toContain(caption);
    // The groups table's level cells (left-aligned); a diagnostics cell may hold the number 308 too.
    expect(html.match(/<td style="text-align: left;">308<\/td>/g)).toHaveLength(2);
  });
});

describe('renderReport with a residual structure', async () => {
  const comparison = await compare(dataset('orthodont'), 'distance ~ age + Sex + (1 | Subject)', { chains: 2, iter: 400, seed: 7, parallel: false, residuals: 'ar1(visit | Subject) + var(Sex)' });
  const html = await renderReport(comparison);
  it("shows ρ's posterior and each stratum's σ beside the REML estimates, with their table", () => {
    const rho = comparison.fit.residualEstimates!.rho!;
    expect(html).toContain('<h2>Residual structure</h2>');
    expect(html).toMatch(new RegExp(`rho: posterior mean -?[0-9.]+, 95% interval \\[-?[0-9.]+, -?[0-9.]+\\]; REML ${rho.toPrecision(3).replace('.', '\\.')}`));
    expect(html).toMatch(/sigma\[Female\]: posterior mean [0-9.]+, 95% interval/);
    expect(html).toMatch(/sigma\[Male\]: posterior mean [0-9.]+, 95% interval/);
    expect(html).toContain('Residual-structure parameters: exact REML estimate and posterior');
  });
});

describe('plots', () => {
  const row = (level: string, ols: number | null, eblup: number, term = '(Intercept)', population = 1.5): GroupRow => ({
    group: 'g', level, term, n: 5, ols, population, eblup, eblupSd: 0.5, posteriorMean: eblup, q5: eblup - 1, q95: eblup + 1, shrinkage: ols === null ? null : (ols - eblup) / (ols - population),
  });

  it('the shrinkage plot draws an arrow per level with an OLS estimate, its head pointing toward the eBLUP', async () => {
    const spec = shrinkagePlotSpec([row('a', 0, 1), row('b', 3, 2), row('c', null, 1.5)], 'test') as unknown as {
      layer: { data: { values: { level: string; estimate?: string }[] }; mark: { type: string; shape?: string } }[];
    };
    const levels = (i: number) => spec.layer[i].data.values.map((d) => d.level);
    expect(spec.layer.map((l) => l.mark.shape ?? l.mark.type)).toEqual(['tick', 'rule', 'point', 'triangle-right', 'triangle-left']);
    expect(levels(0)).toEqual(['a', 'b', 'c']); // a population tick per level
    expect(levels(1)).toEqual(['a', 'b']); // shafts only where OLS exists
    expect(levels(3)).toEqual(['a']); // 0 → 1: head points right
    expect(levels(4)).toEqual(['b']); // 3 → 2: head points left
    expect(spec.layer[2].data.values.filter((d) => d.level === 'c').map((d) => d.estimate)).toEqual(['eBLUP', 'posterior mean']);
    const svg = await renderSvg(spec as never);
    expect(svg).toMatch(/^<svg[^>]*class="marks"/);
  });

  it('with more than MAX_LEVEL_ROWS levels, per-level plots show the most and least shrunk with a note', () => {
    const rows = Array.from({ length: 3000 }, (_, j) => row(`L${j}`, j % 7 === 0 ? null : 10.5 + (j % 13), 10 + (0.5 + (j % 13)) * (0.2 + 0.7 * ((j * 7919) % 1000) / 1000), '(Intercept)', 10));
    const { rows: shown, note } = levelSelection(rows);
    expect(shown).toHaveLength(MAX_LEVEL_ROWS);
    expect(note).toContain(`of 3000 levels`);
    const s = rows.filter((r) => r.shrinkage !== null).map((r) => r.shrinkage as number).sort((a, b) => a - b);
    const kept = shown.map((r) => r.shrinkage as number);
    expect(Math.min(...kept)).toBe(s[0]);
    expect(Math.max(...kept)).toBe(s[s.length - 1]);
    const spec = shrinkagePlotSpec(rows, 'many') as unknown as { height: number; title: { subtitle: string[] } };
    expect(spec.height).toBeLessThan(1000);
    expect(spec.title.subtitle).toContain(note);
  });

  it('the bivariate plot joins each no-pooling point to its eBLUP, relative to the population value, with Ψ\'s contours', () => {
    const rows = [row('a', 2, 1.8), row('a', 0.5, 0.3, 'x', 0.1), row('b', null, 1.4), row('b', 0.2, 0.15, 'x', 0.1)];
    const spec = bivariatePlotSpec(rows, ['(Intercept)', 'x'], [4, 1, 1, 1], 2, [0, 1], 't') as unknown as { layer: { data: { values: Record<string, number | string>[] } }[] };
    const segments = spec.layer[0].data.values;
    expect(segments).toHaveLength(1); // b has no own intercept
    expect(segments[0].x).toBeCloseTo(0.5, 12);
    expect(segments[0].y).toBeCloseTo(0.4, 12);
    expect(segments[0].x2).toBeCloseTo(0.3, 12);
    // The 95% contour of N(0, Ψ) satisfies v'Ψ⁻¹v = χ²₂(0.95) = 5.991.
    const ellipse = spec.layer[1].data.values.filter((v) => v.contour === 'Ψ̂ 95%');
    for (const { x, y } of ellipse as { x: number; y: number }[]) {
      const det = 4 * 1 - 1 * 1;
      expect((x * x * 1 - 2 * x * y * 1 + y * y * 4) / det).toBeCloseTo(5.991464547107979, 9);
    }
  });

  it('shrinkage against n_j draws the curve σ²/(σ² + nτ²)', () => {
    const spec = shrinkageByNSpec([row('a', 2, 1.8), { ...row('b', 3, 2), n: 50 }], 2, 8, 't', true) as unknown as { layer: { data: { values: { n: number; shrinkage: number }[] } }[] };
    for (const { n, shrinkage } of spec.layer[0].data.values) expect(shrinkage).toBeCloseTo(8 / (8 + 2 * n), 12);
  });

  it('renderSvg gives every chart its own element ids (clip paths), so many can share a page', async () => {
    const spec = { data: { values: [{ x: 1, y: 2 }] }, mark: { type: 'point', clip: true }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } } as const;
    const ids = (svg: string) => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    const first = ids(await renderSvg(spec as never));
    const second = ids(await renderSvg(spec as never));
    expect(first.length).toBeGreaterThan(0);
    expect(first.filter((id) => second.includes(id))).toEqual([]);
  });

  it('the trace plot thins long chains but keeps every chain', async () => {
    const chains = [Float64Array.from({ length: 2000 }, (_, i) => Math.sin(i)), Float64Array.from({ length: 2000 }, (_, i) => Math.cos(i))];
    const spec = tracePlotSpec('x', chains) as { hconcat: { data: { values: { chain: number }[] } }[] };
    const trace = spec.hconcat[0].data.values;
    expect(trace.length).toBe(800);
    expect(new Set(trace.map((d) => d.chain))).toEqual(new Set([1, 2]));
    expect(spec.hconcat[1].data.values.length).toBe(4000);
  });
});
