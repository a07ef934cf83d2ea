import type { TopLevelSpec } from 'vega-lite';

/** Most points per chain drawn in a trace (evenly spaced draws); the density uses every draw. */
export const TRACE_MAX_POINTS = 400;

/**
 * Trace and density of one parameter: each chain's draws against iteration (thinned to
 * {@link TRACE_MAX_POINTS} per chain for the picture) beside a kernel density of each chain.
 */
export function tracePlotSpec(param: string, chains: readonly Float64Array[]): TopLevelSpec {
  const trace: { chain: number; iteration: number; value: number }[] = [];
  const all: { chain: number; value: number }[] = [];
  chains.forEach((draws, c) => {
    const step = Math.max(1, Math.ceil(draws.length / TRACE_MAX_POINTS));
    for (let i = 0; i < draws.length; i++) {
      all.push({ chain: c + 1, value: draws[i] });
      if (i % step === 0) trace.push({ chain: c + 1, iteration: i + 1, value: draws[i] });
    }
  });
  const color = { field: 'chain', type: 'nominal' as const, legend: null };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: param, fontSize: 12 },
    hconcat: [
      {
        data: { values: trace },
        width: 360,
        height: 110,
        mark: { type: 'line', strokeWidth: 0.7, opacity: 0.8 },
        encoding: { x: { field: 'iteration', type: 'quantitative', title: 'draw' }, y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } }, color },
      },
      {
        data: { values: all },
        width: 200,
        height: 110,
        transform: [{ density: 'value', groupby: ['chain'] }],
        mark: { type: 'line', strokeWidth: 1 },
        encoding: { x: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } }, y: { field: 'density', type: 'quantitative', title: 'density' }, color },
      },
    ],
  } as TopLevelSpec;
}
