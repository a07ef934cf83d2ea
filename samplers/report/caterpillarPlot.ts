import type { TopLevelSpec } from 'vega-lite';
import type { GroupRow } from '../compare/groups.js';
import { LEVEL_HEIGHT, levelOrder } from './shrinkagePlot.js';

/**
 * The caterpillar plot of one group and term: per level (sorted by posterior mean) the 90%
 * posterior interval (q5–q95) with the posterior mean as a dot and the eBLUP as a red tick.
 */
export function caterpillarPlotSpec(rows: readonly GroupRow[], population: number, title: string): TopLevelSpec {
  const order = levelOrder(rows, (r) => r.posteriorMean);
  const y = { field: 'level', type: 'ordinal' as const, sort: order, title: null, axis: { labelFontSize: 7 } };
  const values = rows.map((r) => ({ level: r.level, n: r.n, q5: r.q5, q95: r.q95, posteriorMean: r.posteriorMean, eblup: r.eblup }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: '90% posterior interval, posterior mean (dot) and eBLUP (red tick)' },
    width: 320,
    height: Math.max(120, LEVEL_HEIGHT * order.length),
    layer: [
      { data: { values: [{ population }] }, mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { x: { field: 'population', type: 'quantitative' } } },
      { data: { values }, mark: { type: 'rule', color: '#1f77b4' }, encoding: { y, x: { field: 'q5', type: 'quantitative', title: 'coefficient', axis: { orient: 'top' }, scale: { zero: false } }, x2: { field: 'q95' } } },
      { data: { values }, mark: { type: 'circle', color: '#1f77b4', size: 18 }, encoding: { y, x: { field: 'posteriorMean', type: 'quantitative' } } },
      { data: { values }, mark: { type: 'tick', color: '#d62728', thickness: 2, size: LEVEL_HEIGHT }, encoding: { y, x: { field: 'eblup', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}
