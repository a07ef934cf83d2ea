import type { BlockShape } from '../src/fit/blocked.js';
import type { CrossProducts } from '../src/model/crossprod.js';

/**
 * Z_kj'(y − Xβ − Σ_{t≠k} Z_t a_t) for every level j of term k (q_k per level, level-major) into
 * `out`, from the cross-product blocks alone: the partial residual that term k's effects explain.
 */
export function partialResiduals(crossprod: CrossProducts, shapes: readonly BlockShape[], p: number, k: number, beta: Float64Array, b: readonly Float64Array[], out: Float64Array): Float64Array {
  const { q, nlevels } = shapes[k];
  const P = p + 1;
  const ZtXy = crossprod.terms[k].ZtXy;
  for (let j = 0; j < nlevels; j++) {
    for (let r = 0; r < q; r++) {
      const o = j * q * P + r * P;
      let s = ZtXy[o + p];
      for (let a = 0; a < p; a++) s -= ZtXy[o + a] * beta[a];
      out[j * q + r] = s;
    }
  }
  for (let t = 0; t < shapes.length; t++) {
    if (t === k) continue;
    const qt = shapes[t].q;
    const at = b[t];
    if (t > k) {
      // cross[t][k]: by level j of term k, blocks (level l of t) of q_t × q_k = Z_tl'Z_kj.
      const { colPtr, rowLevel, values } = crossprod.cross[t][k];
      for (let j = 0; j < nlevels; j++) {
        for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
          const l = rowLevel[s];
          for (let r = 0; r < q; r++) {
            let v = 0;
            for (let mm = 0; mm < qt; mm++) v += values[s * qt * q + mm * q + r] * at[l * qt + mm];
            out[j * q + r] -= v;
          }
        }
      }
    } else {
      // cross[k][t]: by level l of term t, blocks (level j of k) of q_k × q_t = Z_kj'Z_tl.
      const { colPtr, rowLevel, values } = crossprod.cross[k][t];
      for (let l = 0; l < shapes[t].nlevels; l++) {
        for (let s = colPtr[l]; s < colPtr[l + 1]; s++) {
          const j = rowLevel[s];
          for (let r = 0; r < q; r++) {
            let v = 0;
            for (let mm = 0; mm < qt; mm++) v += values[s * q * qt + r * qt + mm] * at[l * qt + mm];
            out[j * q + r] -= v;
          }
        }
      }
    }
  }
  return out;
}
