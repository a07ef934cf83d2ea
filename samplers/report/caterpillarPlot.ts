import type { TopLevelSpec } from 'vega-lite';
import type { GroupRow } from '../compare/groups.js';
import { LEVEL_HEIGHT, LEVEL_LABEL_SIZE, levelOrder, levelSelection } from './shrinkagePlot.js';

/**
 * The caterpillar plot of one group and term: per level (sorted by posterior mean) the 90%
 * posterior interval (q5–q95) with the posterior mean as a dot, the eBLUP ± 1.645·eblupSd (the
 * plug-in interval) in red, and the level's population value as a black tick.
 */
export function caterpillarPlotSpec(all: readonly GroupRow[], title: string): TopLevelSpec {
  const { rows, note } = levelSelection(all);
  const order = levelOrder(rows, (r) => r.posteriorMean);
  const y = { field: 'level', type: 'ordinal' as const, sort: order, title: null, axis: { labelFontSize: LEVEL_LABEL_SIZE } };
  const values = rows.map((r) => ({ level: r.level, n: r.n, q5: r.q5, q95: r.q95, posteriorMean: r.posteriorMean, eblup: r.eblup, lo: r.eblup - 1.6448536269514722 * r.eblupSd, hi: r.eblup + 1.6448536269514722 * r.eblupSd, population: r.population }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: ['blue: 90% posterior interval and mean; red: eBLUP ± 1.645 eblupSd (plug-in); black tick: population value', ...(note ? [note] : [])], subtitleFontSize: 11 },
    width: 360,
    height: Math.max(120, LEVEL_HEIGHT * order.length),
    layer: [
      { data: { values }, mark: { type: 'tick', color: 'black', thickness: 1.5, size: LEVEL_HEIGHT - 2 }, encoding: { y, x: { field: 'population', type: 'quantitative' } } },
      { data: { values }, mark: { type: 'rule', color: '#1f77b4', strokeWidth: 2, yOffset: -2 }, encoding: { y, x: { field: 'q5', type: 'quantitative', title: 'coefficient', axis: { orient: 'top', labelFontSize: 11 }, scale: { zero: false } }, x2: { field: 'q95' } } },
      { data: { values }, mark: { type: 'circle', color: '#1f77b4', size: 22, yOffset: -2 }, encoding: { y, x: { field: 'posteriorMean', type: 'quantitative' } } },
      { data: { values }, mark: { type: 'rule', color: '#d62728', strokeWidth: 1.5, yOffset: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
      { data: { values }, mark: { type: 'tick', color: '#d62728', thickness: 2, size: 6, yOffset: 2 }, encoding: { y, x: { field: 'eblup', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}
