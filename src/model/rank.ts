import type { CrossProducts } from './crossprod.js';

/**
 * Relative tolerance on the squared residual norm of a column after projecting out the earlier
 * kept columns. R's `qr()` (LINPACK dqrdc2, used by lme4 to drop aliased columns) compares norms
 * with tolerance 1e-7; on a cross-product the comparison is squared, and rounding in X'X is
 * larger than in X, so the bound is 1e-11 rather than 1e-14.
 */
const aliasTolerance = 1e-11;

/**
 * Indices of fixed-effects columns that are linear combinations of earlier columns, found by a
 * left-to-right Cholesky of X'X that skips such columns (the order R's limited pivoting keeps).
 */
export function aliasedColumns(XytXy: Float64Array, p: number): number[] {
  const P = p + 1;
  const L = new Float64Array(p * p);
  const kept: number[] = [];
  const aliased: number[] = [];
  for (let j = 0; j < p; j++) {
    const djj = XytXy[j * P + j];
    let d = djj;
    for (const k of kept) d -= L[j * p + k] * L[j * p + k];
    if (djj === 0 || d <= aliasTolerance * djj) {
      aliased.push(j);
      continue;
    }
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    // Fill column j of L below the diagonal for later columns.
    for (let i = j + 1; i < p; i++) {
      let s = XytXy[i * P + j];
      for (const k of kept) s -= L[i * p + k] * L[j * p + k];
      L[i * p + j] = s / ljj;
    }
    kept.push(j);
  }
  return aliased;
}

/** Remove fixed-effects columns `drop` from X and every [X y] block of the cross-products. */
export function dropColumns(X: Float64Array | null, crossprod: CrossProducts, drop: number[]): { X: Float64Array | null; crossprod: CrossProducts } {
  const { n, p } = crossprod;
  const P = p + 1;
  const keep = Array.from({ length: P }, (_, j) => j).filter((j) => !drop.includes(j));
  const pNew = keep.length - 1;
  let Xnew: Float64Array | null = null;
  if (X) {
    Xnew = new Float64Array(n * pNew);
    for (let i = 0; i < n; i++) for (let a = 0; a < pNew; a++) Xnew[i * pNew + a] = X[i * p + keep[a]];
  }
  const XytXy = new Float64Array(keep.length * keep.length);
  keep.forEach((a, r) => keep.forEach((b, c) => (XytXy[r * keep.length + c] = crossprod.XytXy[a * P + b])));
  const terms = crossprod.terms.map((block) => {
    const rows = block.ZtXy.length / P;
    const ZtXy = new Float64Array(rows * keep.length);
    for (let r = 0; r < rows; r++) keep.forEach((b, c) => (ZtXy[r * keep.length + c] = block.ZtXy[r * P + b]));
    return { ZtZ: block.ZtZ, ZtXy };
  });
  return { X: Xnew, crossprod: { ...crossprod, p: pNew, terms, XytXy } };
}
