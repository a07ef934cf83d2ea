/** Monte Carlo standard errors the posterior-reference tests share. */
import { essMean } from '../../src/diagnostics/ess.js';

/** MCSE of a posterior SD by the delta method: √(Var((x − m)²)/ESS((x − m)²))/(2·sd). */
export function mcseSd(chains: Float64Array[]): number {
  const all = chains.flatMap((c) => Array.from(c));
  const m = all.reduce((s, v) => s + v, 0) / all.length;
  const squares = chains.map((c) => Float64Array.from(c, (v) => (v - m) ** 2));
  const sq = squares.flatMap((c) => Array.from(c));
  const v = sq.reduce((s, x) => s + x, 0) / (sq.length - 1);
  const vv = sq.reduce((s, x) => s + (x - v) ** 2, 0) / (sq.length - 1);
  const ess = essMean(squares) ?? sq.length;
  return Math.sqrt(vv / ess) / (2 * Math.sqrt(v));
}
