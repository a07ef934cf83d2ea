import type { BootstrapResult } from './bootstrap.js';

/** Four significant digits, as R prints a confint table. */
function cell(v: number): string {
  return Number.isNaN(v) ? 'NA' : String(Number(v.toPrecision(4)));
}

/**
 * The text `lmm bootstrap` prints: the run, the share of singular replicates, and the
 * percentile intervals with readable names (lme4's `confint(method = "boot", oldNames = FALSE)`).
 */
export function formatBootstrap(result: BootstrapResult, level = 0.95): string {
  const { fit } = result;
  const lo = `${((100 * (1 - level)) / 2).toFixed(1)} %`;
  const hi = `${(100 - (100 * (1 - level)) / 2).toFixed(1)} %`;
  const rows = [['', 'estimate', lo, hi], ...result.intervals(level).map((i) => [i.label, cell(i.estimate), cell(i.lower), cell(i.upper)])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '));
  const failed = result.replicates.filter((r) => !r.converged).length;
  return [
    `Parametric bootstrap of ${fit.formula} (${fit.method}): ${result.n} replicates, seed ${result.seed}, ${(result.millis / 1000).toFixed(2)} s`,
    `Singular fits: ${(100 * result.singularShare).toFixed(1)}% of replicates${failed ? `; the optimiser did not converge in ${failed}` : ''}`,
    '',
    `Percentile intervals (${100 * level}%):`,
    ...lines.map((l) => `  ${l}`),
    '',
  ].join('\n');
}
