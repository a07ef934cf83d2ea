/**
 * Contrast matrices for tests of the fixed part's terms, as lmerTest's `anova` builds them
 * (Kuznetsova et al. 2017, sec. 3.4; lmerTest's `get_contrasts_type3`/`get_contrasts_type1`).
 *
 * Type III with treatment contrasts: with X the model matrix and X̃ the "rank-deficient" design
 * that codes every term by indicators of all its factor levels (`MixedModel.fullDesign`), the
 * basic contrasts are L = (X⁺X̃)' = X̃'X(X'X)⁻¹ (one row per column of X̃, one column per β).
 * A term's columns of L are then made orthogonal (least squares residuals) to the columns of
 * every term that contains it (its variables and more, the extra ones all factors), higher-order
 * terms first. The term's contrast is its columns of L restricted to the rows named as columns
 * of X, transposed, without rows that are zero. Values are rounded as R's `zapsmall` (7 digits).
 * A model with one term (or one column) gets the type I contrasts: the term's rows of U', where
 * X'X = LDL' = LU (Doolittle, unit lower L).
 */
import type { MixedModel } from '../model/model.js';

/** A term's contrast matrix: rows of p coefficients. */
export interface TermContrast {
  term: string;
  rows: Float64Array[];
}

/** R's zapsmall(x, 7) over a set of values: round to 7 significant digits of the largest. */
function zapsmall(values: Float64Array[]): void {
  let mx = 0;
  for (const v of values) for (const x of v) if (Math.abs(x) > mx) mx = Math.abs(x);
  const digits = mx > 0 ? Math.max(0, 7 - Math.ceil(Math.log10(mx))) : 7;
  const scale = 10 ** digits;
  for (const v of values) for (let i = 0; i < v.length; i++) v[i] = Math.round(v[i] * scale) / scale + 0;
}

/** Solve the symmetric positive definite system A x = b (p×p row-major) by Cholesky. */
function solveSpd(A: Float64Array, p: number, B: Float64Array[]): Float64Array[] {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j];
    for (let k = 0; k < j; k++) d -= L[j * p + k] ** 2;
    L[j * p + j] = Math.sqrt(d);
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j];
      for (let k = 0; k < j; k++) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = s / L[j * p + j];
    }
  }
  return B.map((b) => {
    const x = Float64Array.from(b);
    for (let i = 0; i < p; i++) {
      for (let k = 0; k < i; k++) x[i] -= L[i * p + k] * x[k];
      x[i] /= L[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      for (let k = i + 1; k < p; k++) x[i] -= L[k * p + i] * x[k];
      x[i] /= L[i * p + i];
    }
    return x;
  });
}

/** Residuals of the columns `ys` after least squares on the columns `xs` (vectors of length m). */
function residualize(ys: Float64Array[], xs: Float64Array[]): Float64Array[] {
  // Modified Gram–Schmidt on xs, dropping columns that are (numerically) dependent (lm.fit's tol 1e-7).
  const basis: Float64Array[] = [];
  for (const x of xs) {
    const v = Float64Array.from(x);
    const norm0 = Math.hypot(...v);
    for (const q of basis) {
      let d = 0;
      for (let i = 0; i < v.length; i++) d += q[i] * v[i];
      for (let i = 0; i < v.length; i++) v[i] -= d * q[i];
    }
    const norm = Math.hypot(...v);
    if (norm0 > 0 && norm > 1e-7 * norm0) basis.push(v.map((e) => e / norm));
  }
  return ys.map((y) => {
    const r = Float64Array.from(y);
    for (const q of basis) {
      let d = 0;
      for (let i = 0; i < r.length; i++) d += q[i] * r[i];
      for (let i = 0; i < r.length; i++) r[i] -= d * q[i];
    }
    return r;
  });
}

/** X'X of the model matrix, p×p row-major. */
function crossprodX(model: MixedModel): Float64Array {
  return model.fixedCross().XtX;
}

/** lmerTest's type I contrasts: the term's rows of U' from the Doolittle factorisation of X'X. */
function typeIContrasts(model: MixedModel): TermContrast[] {
  const p = model.p;
  const A = crossprodX(model);
  // Doolittle: U[i, j] = A[i, j] − Σ_k L[i, k]U[k, j]; L[j, i] = U[i, j]/U[i, i] (0 for a pivot below 1e-6).
  const L = new Float64Array(p * p);
  const U = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = A[i * p + j];
      for (let k = 0; k < i; k++) s -= L[i * p + k] * U[k * p + j];
      U[i * p + j] = s;
    }
    for (let j = i + 1; j < p; j++) {
      let s = A[j * p + i];
      for (let k = 0; k < i; k++) s -= L[j * p + k] * U[k * p + i];
      L[j * p + i] = Math.abs(U[i * p + i]) < 1e-6 ? 0 : s / U[i * p + i];
    }
    L[i * p + i] = 1;
  }
  return model.fixedTerms.map((term) => ({
    term: term.label,
    rows: term.columns.map((r) => Float64Array.from({ length: p }, (_, c) => L[c * p + r])),
  }));
}

/** Whether term `a` is contained in term `b` (lmerTest's `term_contain`). */
function contains(b: MixedModel['fixedTerms'][number], a: MixedModel['fixedTerms'][number]): boolean {
  if (!a.variables.every((v) => b.variables.includes(v)) || b.variables.length <= a.variables.length) return false;
  const numericOf = (t: typeof a) => t.variables.filter((_, i) => t.numeric[i]).sort().join('\u0000');
  return numericOf(a) === numericOf(b);
}

/** The contrast matrix of each fixed term (intercept excluded) for lmerTest's `anova(type = 3)`. */
export function typeIIIContrasts(model: MixedModel): TermContrast[] {
  const { p, fixedTerms } = model;
  if (fixedTerms.length === 0) return [];
  if (p <= 1 || fixedTerms.length <= 1) return typeIContrasts(model);
  const full = model.fixedCross();
  const m = full.fullNames.length;
  // X'X̃ (p×m), then B = (X'X)⁻¹X'X̃; L = B' has column c of B's row c: keep it by columns of L.
  const XtR = full.XtFull.map((col) => Float64Array.from(col));
  const Brows = solveSpd(crossprodX(model), p, XtR); // Brows[c] = B[:, c] = L[c, :]
  // Columns of L (one per β, length m).
  const Lcols: Float64Array[] = Array.from({ length: p }, (_, j) => Float64Array.from({ length: m }, (_, c) => Brows[c][j]));
  zapsmall(Lcols);
  const order = fixedTerms.map((t, k) => k).sort((a, b) => fixedTerms[b].variables.length - fixedTerms[a].variables.length || a - b);
  for (const k of order) {
    const term = fixedTerms[k];
    const containing = fixedTerms.filter((other) => contains(other, term));
    if (containing.length === 0) continue;
    const resid = residualize(term.columns.map((j) => Lcols[j]), containing.flatMap((t) => t.columns.map((j) => Lcols[j])));
    zapsmall(resid);
    term.columns.forEach((j, r) => (Lcols[j] = resid[r]));
  }
  const rowOfName = new Map(full.fullNames.map((name, c) => [name, c]));
  const rowsOfX = model.fixefNames.map((name) => rowOfName.get(name));
  return fixedTerms.map((term) => ({
    term: term.label,
    rows: term.columns
      .map((j) => Float64Array.from(rowsOfX, (c) => (c === undefined ? 0 : Lcols[j][c])))
      .filter((row) => row.reduce((s, v) => s + Math.abs(v), 0) > 1e-8),
  }));
}
