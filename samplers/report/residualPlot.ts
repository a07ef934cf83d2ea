import { sortedQuantile } from '../compare/residualRows.js';
import type { TopLevelSpec } from 'vega-lite';

/** Bins of the posterior histogram. */
const BINS = 40;

/**
 * The posterior of one residual-structure parameter (ρ, a stratum's σ) over all chains: a
 * histogram of the draws (density scale), the central 95% interval (dashed) and the exact
 * fit's estimate (solid red), so the two can be read off one axis.
 */
export function residualPosteriorSpec(param: string, chains: readonly Float64Array[], estimate: number, method: string): TopLevelSpec {
  const all = Float64Array.from(chains.flatMap((c) => Array.from(c))).sort();
  const lo = all[0];
  const hi = all[all.length - 1];
  const width = (hi - lo) / BINS || 1;
  const counts = new Array<number>(BINS).fill(0);
  for (const v of all) counts[Math.min(BINS - 1, Math.floor((v - lo) / width))]++;
  const bars = counts.map((c, k) => ({ from: lo + k * width, to: lo + (k + 1) * width, density: c / (all.length * width) }));
  const q025 = sortedQuantile(all, 0.025);
  const q975 = sortedQuantile(all, 0.975);
  const mean = all.reduce((s, v) => s + v, 0) / all.length;
  const f = (v: number) => v.toPrecision(3);
  const rules = [
    { value: q025, what: '95% interval' },
    { value: q975, what: '95% interval' },
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${param}: posterior mean ${f(mean)}, 95% interval [${f(q025)}, ${f(q975)}]; ${method} ${f(estimate)}`, fontSize: 12 },
    width: 420,
    height: 150,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'rect', color: '#8aa8c8' },
        encoding: { x: { field: 'from', type: 'quantitative', title: param, scale: { zero: false } }, x2: { field: 'to' }, y: { field: 'density', type: 'quantitative', title: 'posterior density' } },
      },
      { data: { values: rules }, mark: { type: 'rule', strokeDash: [4, 3], color: '#333' }, encoding: { x: { field: 'value', type: 'quantitative' } } },
      { data: { values: [{ value: estimate }] }, mark: { type: 'rule', color: '#c0392b', strokeWidth: 2 }, encoding: { x: { field: 'value', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}
