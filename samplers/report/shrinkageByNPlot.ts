import type { TopLevelSpec } from 'vega-lite';
import type { GroupRow } from '../compare/groups.js';

/**
 * Shrinkage against the level's number of rows for a random intercept, with the theoretical
 * curve 1 − τ²/(τ² + σ²/n) = σ²/(σ² + nτ²) (seed 004). The rows lie on the curve exactly when the
 * intercept is the level's only within-level column; within-level covariates and correlated
 * slopes move them off it, which the picture then shows.
 */
export function shrinkageByNSpec(rows: readonly GroupRow[], tau2: number, sigma2: number, title: string, exact: boolean): TopLevelSpec {
  const values = rows.filter((r) => r.shrinkage !== null).map((r) => ({ level: r.level, n: r.n, shrinkage: r.shrinkage }));
  const ns = rows.map((r) => r.n);
  const lo = Math.max(1, Math.min(...ns)), hi = Math.max(...ns);
  const curve = Array.from({ length: 120 }, (_, i) => {
    const n = lo * (hi / lo) ** (i / 119);
    return { n, shrinkage: sigma2 / (sigma2 + n * tau2) };
  });
  const logScale = hi / lo > 20;
  // Where ols all but equals the population value the ratio can be far outside [0, 1]: such rows
  // are drawn at the edge of a [−0.25, 1.25] axis and counted in the subtitle.
  const outside = values.filter((v) => (v.shrinkage as number) < -0.25 || (v.shrinkage as number) > 1.25).length;
  const x = { field: 'n', type: 'quantitative' as const, title: 'n_j (rows in the level)', scale: logScale ? { type: 'log' as const } : { zero: false }, axis: { format: 'd', labelFontSize: 11, titleFontSize: 12 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: [
        `shrinkage (ols − eblup)/(ols − population) and the curve 1 − τ²/(τ² + σ²/n)${exact ? ' (exact here)' : ' (approximate here: within-level covariates or slopes)'}`,
        ...(outside > 0 ? [`${outside} level${outside > 1 ? 's' : ''} outside [−0.25, 1.25] (ols all but equal to the population value) drawn at the edge`] : []),
      ],
      subtitleFontSize: 11,
    },
    width: 420,
    height: 260,
    layer: [
      { data: { values: curve }, mark: { type: 'line', color: 'black' }, encoding: { x, y: { field: 'shrinkage', type: 'quantitative', ...(outside > 0 ? { scale: { domain: [-0.25, 1.25], clamp: true } } : {}) } } },
      {
        data: { values },
        mark: { type: 'circle', color: '#d62728', opacity: values.length > 400 ? 0.35 : 0.7, size: 28 },
        encoding: { x, y: { field: 'shrinkage', type: 'quantitative', title: 'shrinkage toward the population value', axis: { labelFontSize: 11, titleFontSize: 12 }, ...(outside > 0 ? { scale: { domain: [-0.25, 1.25], clamp: true } } : {}) } },
      },
    ],
  } as TopLevelSpec;
}
