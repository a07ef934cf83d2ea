import type { TopLevelSpec } from 'vega-lite';
import type { GroupRow } from '../compare/groups.js';

/** Pixels per grouping level in the per-level plots. */
export const LEVEL_HEIGHT = 9;

/** Levels of `rows` ordered by `key` (ascending), for the y axis of per-level plots. */
export function levelOrder(rows: readonly GroupRow[], key: (row: GroupRow) => number): string[] {
  return [...rows].sort((a, b) => key(a) - key(b)).map((r) => r.level);
}

/**
 * The shrinkage plot of one group and term: per level (sorted by its own least-squares estimate)
 * an arrow from the OLS estimate (open circle) to the eBLUP (arrowhead), the posterior mean as a
 * diamond, point size by the level's n, and the population value (the fixed effect) as a rule.
 */
export function shrinkagePlotSpec(rows: readonly GroupRow[], population: number, title: string): TopLevelSpec {
  const order = levelOrder(rows, (r) => r.ols ?? r.eblup);
  const points = rows.flatMap((r) => [
    ...(r.ols === null ? [] : [{ level: r.level, n: r.n, estimate: 'OLS', value: r.ols }]),
    // Where the level has no OLS estimate there is no arrow: the eBLUP is a plain point.
    ...(r.ols === null ? [{ level: r.level, n: r.n, estimate: 'eBLUP', value: r.eblup }] : []),
    { level: r.level, n: r.n, estimate: 'posterior mean', value: r.posteriorMean },
  ]);
  const arrows = rows.filter((r) => r.ols !== null).map((r) => ({ level: r.level, n: r.n, ols: r.ols, eblup: r.eblup, head: (r.ols as number) <= r.eblup ? 'triangle-right' : 'triangle-left' }));
  const y = { field: 'level', type: 'ordinal' as const, sort: order, title: null, axis: { labelFontSize: 7 } };
  const shape = { field: 'estimate', type: 'nominal' as const, scale: { domain: ['OLS', 'eBLUP', 'posterior mean'], range: ['circle', 'triangle-right', 'diamond'] }, title: 'estimate' };
  const color = { field: 'estimate', type: 'nominal' as const, scale: { domain: ['OLS', 'eBLUP', 'posterior mean'], range: ['#888888', '#d62728', '#1f77b4'] }, title: 'estimate' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'OLS → eBLUP (arrow) and posterior mean; size by n; rule at the population value' },
    width: 320,
    height: Math.max(120, LEVEL_HEIGHT * order.length),
    layer: [
      { data: { values: [{ population }] }, mark: { type: 'rule', color: 'black', strokeDash: [4, 3] }, encoding: { x: { field: 'population', type: 'quantitative' } } },
      {
        data: { values: arrows },
        mark: { type: 'rule', color: '#d62728', opacity: 0.6 },
        encoding: { y, x: { field: 'ols', type: 'quantitative', title: 'coefficient', axis: { orient: 'top' }, scale: { zero: false } }, x2: { field: 'eblup' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: false, opacity: 0.9 },
        encoding: { y, x: { field: 'value', type: 'quantitative' }, size: { field: 'n', type: 'quantitative', scale: { range: [10, 120] }, title: 'n' }, shape, color },
      },
      ...(['triangle-right', 'triangle-left'] as const).map((head) => ({
        data: { values: arrows.filter((a) => a.head === head) },
        mark: { type: 'point' as const, filled: true, color: '#d62728', shape: head },
        encoding: { y, x: { field: 'eblup', type: 'quantitative' as const }, size: { field: 'n', type: 'quantitative' as const, legend: null } },
      })),
    ],
  } as TopLevelSpec;
}
