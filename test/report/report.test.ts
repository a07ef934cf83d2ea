/** The HTML report: self-contained, with the plots and tables it promises. */
import { describe, expect, it } from 'vitest';
import { compare } from '../../samplers/compare/index.js';
import { renderReport, renderSvg, shrinkagePlotSpec, tracePlotSpec } from '../../samplers/report/index.js';
import { dataset } from '../helpers.js';

describe('renderReport', async () => {
  const comparison = await compare(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)', { chains: 2, iter: 400, seed: 7, parallel: false });
  const html = await renderReport(comparison);

  it('is one self-contained page: no scripts, nothing fetched', () => {
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).not.toMatch(/@import|url\(http/i);
  });

  it('has shrinkage and caterpillar plots per term, a trace per β, σ² and Ψ parameter', () => {
    const svgs = html.match(/<svg\b/g) ?? [];
    // 2 terms × (shrinkage + caterpillar) + traces of beta×2, sigma2, Psi×3.
    expect(svgs).toHaveLength(4 + 6);
    for (const param of ['beta[(Intercept)]', 'beta[Days]', 'sigma2', 'Psi[Subject][Days,(Intercept)]']) expect(html).toContain(`>${param}</text>`);
    expect(html.match(/<th>R-hat<\/th>/g)).toHaveLength(6);
  });

  it('carries the summary tables (fixed effects, variance components, EDF, groups)', () => {
    for (const caption of ['Fixed effects (exact and posterior)', 'Variance components', 'Effective degrees of freedom', 'β, σ² and Ψ']) expect(html).toContain(caption);
    expect(html.match(/<td[^>]*>308<\/td>/g)).toHaveLength(2);
  });
});

describe('plots', () => {
  const row = (level: string, ols: number | null, eblup: number) => ({ group: 'g', level, term: '(Intercept)', n: 5, ols, eblup, posteriorMean: eblup, q5: eblup - 1, q95: eblup + 1, shrinkage: null });

  it('the shrinkage plot draws an arrow per level with an OLS estimate, its head pointing toward the eBLUP', async () => {
    const spec = shrinkagePlotSpec([row('a', 0, 1), row('b', 3, 2), row('c', null, 1.5)], 1.5, 'test') as unknown as {
      layer: { data: { values: { level: string; estimate?: string }[] }; mark: { type: string; shape?: string } }[];
    };
    const levels = (i: number) => spec.layer[i].data.values.map((d) => d.level);
    expect(spec.layer.map((l) => l.mark.shape ?? l.mark.type)).toEqual(['rule', 'rule', 'point', 'triangle-right', 'triangle-left']);
    expect(levels(1)).toEqual(['a', 'b']); // shafts only where OLS exists
    expect(levels(3)).toEqual(['a']); // 0 → 1: head points right
    expect(levels(4)).toEqual(['b']); // 3 → 2: head points left
    expect(spec.layer[2].data.values.filter((d) => d.level === 'c').map((d) => d.estimate)).toEqual(['eBLUP', 'posterior mean']);
    const svg = await renderSvg(spec as never);
    expect(svg).toMatch(/^<svg[^>]*class="marks"/);
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
