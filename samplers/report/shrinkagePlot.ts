import type { TopLevelSpec } from 'vega-lite';
import type { GroupRow } from '../compare/groups.js';

/** Pixels per grouping level in the per-level plots. */
export const LEVEL_HEIGHT = 13;
/** Label size of the level names (px). */
export const LEVEL_LABEL_SIZE = 10;
/** Levels drawn one per row at most; beyond, the most and least shrunk half of this each. */
export const MAX_LEVEL_ROWS = 60;

/** Levels of `rows` ordered by `key` (ascending), for the y axis of per-level plots. */
export function levelOrder(rows: readonly GroupRow[], key: (row: GroupRow) => number): string[] {
  return [...rows].sort((a, b) => key(a) - key(b)).map((r) => r.level);
}

/**
 * The rows of one group and term that a per-level plot shows: all of them up to
 * {@link MAX_LEVEL_ROWS}, else the most and the least shrunk (by `shrinkage`), with a note saying so.
 */
export function levelSelection(rows: readonly GroupRow[]): { rows: GroupRow[]; note: string | null } {
  if (rows.length <= MAX_LEVEL_ROWS) return { rows: [...rows], note: null };
  const ranked = rows.filter((r) => r.shrinkage !== null).sort((a, b) => (a.shrinkage as number) - (b.shrinkage as number));
  const half = MAX_LEVEL_ROWS / 2;
  const chosen = new Set([...ranked.slice(0, half), ...ranked.slice(-half)]);
  return {
    rows: rows.filter((r) => chosen.has(r)),
    note: `${chosen.size} of ${rows.length} levels: the ${half} least and the ${half} most shrunk (every level is in the table below)`,
  };
}

/**
 * The shrinkage plot of one group and term: per level (sorted by its no-pooling estimate) an arrow
 * from the no-pooling estimate (open circle) to the eBLUP (arrowhead), the posterior mean as a
 * diamond, the level's population value as a black tick, point size by the level's n.
 */
export function shrinkagePlotSpec(all: readonly GroupRow[], title: string): TopLevelSpec {
  const { rows, note } = levelSelection(all);
  const order = levelOrder(rows, (r) => r.ols ?? r.eblup);
  const points = rows.flatMap((r) => [
    ...(r.ols === null ? [] : [{ level: r.level, n: r.n, estimate: 'no pooling', value: r.ols }]),
    // Where the level has no no-pooling estimate there is no arrow: the eBLUP is a plain point.
    ...(r.ols === null ? [{ level: r.level, n: r.n, estimate: 'eBLUP', value: r.eblup }] : []),
    { level: r.level, n: r.n, estimate: 'posterior mean', value: r.posteriorMean },
  ]);
  const arrows = rows.filter((r) => r.ols !== null).map((r) => ({ level: r.level, n: r.n, ols: r.ols, eblup: r.eblup, head: (r.ols as number) <= r.eblup ? 'triangle-right' : 'triangle-left' }));
  const population = rows.map((r) => ({ level: r.level, population: r.population }));
  const y = { field: 'level', type: 'ordinal' as const, sort: order, title: null, axis: { labelFontSize: LEVEL_LABEL_SIZE } };
  const domain = ['no pooling', 'eBLUP', 'posterior mean', 'population'];
  const shape = { field: 'estimate', type: 'nominal' as const, scale: { domain, range: ['circle', 'triangle-right', 'diamond', 'stroke'] }, title: 'estimate' };
  const color = { field: 'estimate', type: 'nominal' as const, scale: { domain, range: ['#888888', '#d62728', '#1f77b4', 'black'] }, title: 'estimate' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: [`no pooling → eBLUP (arrow), posterior mean; black tick: the level's population value`, ...(note ? [note] : [])], subtitleFontSize: 11 },
    width: 360,
    height: Math.max(120, LEVEL_HEIGHT * order.length),
    layer: [
      { data: { values: population }, mark: { type: 'tick', color: 'black', thickness: 1.5, size: LEVEL_HEIGHT - 2 }, encoding: { y, x: { field: 'population', type: 'quantitative' } } },
      {
        data: { values: arrows },
        mark: { type: 'rule', color: '#d62728', opacity: 0.6 },
        encoding: { y, x: { field: 'ols', type: 'quantitative', title: 'coefficient', axis: { orient: 'top', labelFontSize: 11 }, scale: { zero: false } }, x2: { field: 'eblup' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: false, opacity: 0.9 },
        encoding: { y, x: { field: 'value', type: 'quantitative' }, size: { field: 'n', type: 'quantitative', scale: { range: [10, 120], zero: false }, title: 'n (rows)', legend: { format: 'd' } }, shape, color },
      },
      ...(['triangle-right', 'triangle-left'] as const).map((head) => ({
        data: { values: arrows.filter((a) => a.head === head) },
        mark: { type: 'point' as const, filled: true, color: '#d62728', shape: head },
        encoding: { y, x: { field: 'eblup', type: 'quantitative' as const }, size: { field: 'n', type: 'quantitative' as const, scale: { range: [10, 120], zero: false }, title: 'n (rows)', legend: { format: 'd' } } },
      })),
    ],
  } as TopLevelSpec;
}
