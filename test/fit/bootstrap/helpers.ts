/**
 * The row-by-row parametric bootstrap the cross-product one must equal in distribution: simulate
 * y* = Xβ̂ + Σ_k Z_k b_k* + ε* on the rows (b_k* ~ N(0, Ψ̂_k), ε* ~ N(0, σ̂²/w_i)), rebuild the
 * model from a table with that response, and refit with the same routine from θ̂.
 */
import * as aq from 'arquero';
import { expect } from 'vitest';
import { ReplicateFitter, type Replicate } from '../../../src/fit/bootstrap/bootstrap.js';
import type { LmmFit } from '../../../src/fit/lmm.js';
import { buildModel } from '../../../src/model/model.js';
import { createRng } from '../../../samplers/rng.js';
import { quantile } from '../../../src/diagnostics/stats.js';

export function rowReplicates(fit: LmmFit, table: aq.ColumnTable, n: number, seed: number): Replicate[] {
  const { model } = fit;
  const rng = createRng(seed);
  const rows = model.n;
  const p = model.p;
  const chol = model.terms.map((term, k) => {
    const { q } = term;
    const S = fit.Psi[k];
    const L = new Float64Array(q * q);
    for (let c = 0; c < q; c++) {
      let d = S[c * q + c];
      for (let m = 0; m < c; m++) d -= L[c * q + m] ** 2;
      L[c * q + c] = d > 0 ? Math.sqrt(d) : 0;
      for (let r = c + 1; r < q; r++) {
        let s = S[r * q + c];
        for (let m = 0; m < c; m++) s -= L[r * q + m] * L[c * q + m];
        L[r * q + c] = L[c * q + c] > 0 ? s / L[c * q + c] : 0;
      }
    }
    return L;
  });
  const tableRows = model.rows ?? Int32Array.from({ length: rows }, (_, i) => i);
  const out: Replicate[] = [];
  for (let rep = 0; rep < n; rep++) {
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let s = model.offset ? model.offset[i] : 0;
      for (let a = 0; a < p; a++) s += model.X[i * p + a] * fit.beta[a];
      y[i] = s;
    }
    model.terms.forEach((term, k) => {
      const { q, nlevels, refs, Z } = term;
      const b = new Float64Array(nlevels * q);
      const z = new Float64Array(q);
      for (let j = 0; j < nlevels; j++) {
        for (let r = 0; r < q; r++) z[r] = rng.normal();
        for (let r = 0; r < q; r++) {
          let s = 0;
          for (let c = 0; c <= r; c++) s += chol[k][r * q + c] * z[c];
          b[j * q + r] = s;
        }
      }
      for (let i = 0; i < rows; i++) for (let r = 0; r < q; r++) y[i] += Z[i * q + r] * b[refs[i] * q + r];
    });
    for (let i = 0; i < rows; i++) y[i] += (fit.sigma * rng.normal()) / Math.sqrt(model.weights ? model.weights[i] : 1);
    const column = new Float64Array(table.numRows()).fill(NaN);
    tableRows.forEach((t, i) => (column[t] = y[i]));
    const star = table.assign({ [model.response]: column });
    // Prior weights per table row (rows the model dropped get 1; they are dropped again).
    let weights: Float64Array | undefined;
    if (model.weights) {
      weights = new Float64Array(table.numRows()).fill(1);
      tableRows.forEach((t, i) => (weights![t] = model.weights![i]));
    }
    const m = buildModel(star, fit.formula, { weights });
    out.push(new ReplicateFitter(m, fit.method === 'REML', fit.theta).refit());
  }
  return out;
}

/** Fraction of `values` at or below x. */
export function ecdf(values: ArrayLike<number>, x: number): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) if (values[i] <= x) c++;
  return c / values.length;
}

/** Mean, SD and quantiles of the non-NaN values. */
export function moments(values: ArrayLike<number>): { mean: number; sd: number; n: number; q: (p: number) => number; values: Float64Array } {
  const v = Float64Array.from(values).filter((x) => !Number.isNaN(x));
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1));
  return { mean, sd, n: v.length, q: (p) => quantile(v, p), values: v };
}

const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

export interface LmeRef {
  nsim: number;
  singularShare: number;
  parameters: { name: string; estimate: number; mean: number; sd: number; n: number; quantiles: Record<string, number> }[];
}

/** The checks of the header: `a` against reference summaries of N₂ replicates. */
export function expectSameDistribution(a: Replicate[], ref: { singular: number; columns: { name: string; mean: number; sd: number; n: number; at: (q: number) => number }[] }, N2: number): void {
  const N1 = a.length;
  const share = a.filter((r) => r.singular).length / N1;
  const pooled = (share * N1 + ref.singular * N2) / (N1 + N2);
  expect(Math.abs(share - ref.singular)).toBeLessThanOrEqual(4 * Math.sqrt(pooled * (1 - pooled) * (1 / N1 + 1 / N2)) + 1e-12);
  ref.columns.forEach((col, i) => {
    const m = moments(a.map((r) => r.values[i]));
    const se = Math.sqrt(m.sd ** 2 / m.n + col.sd ** 2 / col.n);
    expect(Math.abs(m.mean - col.mean), `${col.name} mean`).toBeLessThanOrEqual(4 * se);
    for (const q of QUANTILES) {
      const x = col.at(q);
      // Skip a quantile inside an atom (an SD of exactly 0 in the singular replicates).
      if (ecdf(m.values, x) - ecdf(m.values, x - 1e-6 * Math.max(1, Math.abs(x))) > 0.01) continue;
      if (Math.abs(x) < 1e-6 && col.name.startsWith('.sig')) continue;
      expect(Math.abs(ecdf(m.values, x) - q), `${col.name} at q = ${q}`).toBeLessThanOrEqual(4 * Math.sqrt(q * (1 - q) * (1 / m.n + 1 / col.n)));
    }
  });
}

export function summariesOf(rows: Replicate[], names: string[]) {
  return {
    singular: rows.filter((r) => r.singular).length / rows.length,
    columns: names.map((name, i) => {
      const m = moments(rows.map((r) => r.values[i]));
      return { name, mean: m.mean, sd: m.sd, n: m.n, at: m.q };
    }),
  };
}

