import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';
import type { LevelCrossProducts } from './levels.js';

/**
 * Smallest eigenvalue of Z_j'Z_j, relative to the largest, below which the level's own least
 * squares counts as not estimable (a column constant or collinear within the level).
 */
export const OLS_RANK_TOLERANCE = 1e-10;

/**
 * Each level's own least-squares coefficients: y_j regressed on the term's columns Z_j alone,
 * c_j = (Z_j'Z_j)⁻¹ Z_j'y_j. Null where not estimable: fewer rows than columns, or Z_j'Z_j
 * singular (smallest eigenvalue ≤ {@link OLS_RANK_TOLERANCE} × largest).
 */
export function levelOls(cross: LevelCrossProducts): (Float64Array | null)[] {
  const { q, n, ZtZ, Zty } = cross;
  return Array.from(n, (nj, j) => {
    if (nj < q) return null;
    const A = new Matrix(q, q);
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) A.set(r, c, ZtZ[j * q * q + r * q + c]);
    const eigen = new EigenvalueDecomposition(A, { assumeSymmetric: true }).realEigenvalues;
    const largest = Math.max(...eigen);
    if (!(largest > 0) || Math.min(...eigen) <= OLS_RANK_TOLERANCE * largest) return null;
    const b = Matrix.columnVector(Array.from(Zty.subarray(j * q, (j + 1) * q)));
    return Float64Array.from(solve(A, b).getColumn(0));
  });
}
