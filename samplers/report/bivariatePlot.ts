import type { TopLevelSpec } from 'vega-lite';
import type { GroupRow } from '../compare/groups.js';

/** χ²₂ quantiles of the contours drawn: 50% and 95%. */
const CONTOURS = [
  { level: '50%', chi2: 1.3862943611198906 },
  { level: '95%', chi2: 5.991464547107979 },
];

/**
 * The bivariate shrinkage plot of a term with two coefficients (Bates, lme4 book, ch. 3): each
 * level's no-pooling point joined to its eBLUP, with contours of the estimated random-effects
 * distribution N(0, Ψ̂). Coefficients are shown as deviations from the level's population value
 * (which for a model without group-level predictors is the fixed effect, so the picture is
 * Bates's shifted to the origin): the contours are then Ψ̂'s own.
 */
export function bivariatePlotSpec(rows: readonly GroupRow[], columns: readonly [string, string], Psi: ArrayLike<number>, q: number, index: readonly [number, number], title: string): TopLevelSpec {
  const byLevel = new Map<string, { x?: GroupRow; y?: GroupRow }>();
  for (const r of rows) {
    const e = byLevel.get(r.level) ?? {};
    if (r.term === columns[0]) e.x = r;
    if (r.term === columns[1]) e.y = r;
    byLevel.set(r.level, e);
  }
  const pairs = [...byLevel.entries()].filter(([, e]) => e.x && e.y).map(([level, e]) => ({ level, x: e.x!, y: e.y! }));
  const own = pairs.filter((p) => p.x.ols !== null && p.y.ols !== null);
  const segments = own.map((p) => ({ level: p.level, n: p.x.n, x: (p.x.ols as number) - p.x.population, y: (p.y.ols as number) - p.y.population, x2: p.x.eblup - p.x.population, y2: p.y.eblup - p.y.population }));
  const points = [
    ...segments.map((s) => ({ level: s.level, n: s.n, estimate: 'no pooling', x: s.x, y: s.y })),
    ...pairs.map((p) => ({ level: p.level, n: p.x.n, estimate: 'eBLUP', x: p.x.eblup - p.x.population, y: p.y.eblup - p.y.population })),
  ];
  // Contour of N(0, Ψ): {√χ² · L (cos t, sin t)} with L the Cholesky factor of the 2×2 block.
  const [a, b] = index;
  const s11 = Psi[a * q + a], s12 = Psi[a * q + b], s22 = Psi[b * q + b];
  const l11 = Math.sqrt(s11), l21 = l11 > 0 ? s12 / l11 : 0, l22 = Math.sqrt(Math.max(0, s22 - l21 * l21));
  const ellipse = CONTOURS.flatMap(({ level, chi2 }) =>
    Array.from({ length: 97 }, (_, i) => {
      const t = (2 * Math.PI * i) / 96;
      const u = Math.sqrt(chi2) * Math.cos(t), v = Math.sqrt(chi2) * Math.sin(t);
      return { contour: `Ψ̂ ${level}`, order: i, x: l11 * u, y: l21 * u + l22 * v };
    }),
  );
  const many = pairs.length > 400;
  const x = { field: 'x', type: 'quantitative' as const, title: `${columns[0]} − population value`, axis: { labelFontSize: 11, titleFontSize: 12 } };
  const y = { field: 'y', type: 'quantitative' as const, title: `${columns[1]} − population value`, axis: { labelFontSize: 11, titleFontSize: 12 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: `no pooling (open) → eBLUP (filled), ${own.length} levels with their own estimates; contours of N(0, Ψ̂)`, subtitleFontSize: 11 },
    width: 420,
    height: 380,
    layer: [
      { data: { values: segments }, mark: { type: 'rule', color: '#888', opacity: many ? 0.25 : 0.6 }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } } },
      {
        data: { values: ellipse },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: { x, y, order: { field: 'order' }, detail: { field: 'contour' }, strokeDash: { field: 'contour', type: 'nominal', title: 'random effects', scale: { range: [[1, 0], [5, 3]] } }, color: { value: 'black' } },
      },
      {
        data: { values: points },
        mark: { type: 'point', opacity: many ? 0.5 : 0.85 },
        encoding: {
          x,
          y,
          shape: { field: 'estimate', type: 'nominal', scale: { domain: ['no pooling', 'eBLUP'], range: ['circle', 'circle'] }, title: 'estimate' },
          fill: { field: 'estimate', type: 'nominal', scale: { domain: ['no pooling', 'eBLUP'], range: ['transparent', '#d62728'] }, title: 'estimate' },
          color: { field: 'estimate', type: 'nominal', scale: { domain: ['no pooling', 'eBLUP'], range: ['#555555', '#d62728'] }, title: 'estimate' },
          size: { field: 'n', type: 'quantitative', scale: { range: [8, 90], zero: false }, title: 'n (rows)', legend: { format: 'd' } },
        },
      },
    ],
  } as TopLevelSpec;
}
