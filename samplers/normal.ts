/**
 * Standard normal variates by the ziggurat method (Marsaglia & Tsang 2000, "The ziggurat method
 * for generating random variables", J. Stat. Softw. 5(8)), driven by a stream of 32-bit words.
 *
 * Why not @stdlib's normal: given a uniform source, it draws one 53-bit uniform (two Mersenne
 * Twister words) and one index word from a second, internal twister per variate, and a Gibbs
 * iteration on hsb needs ~330 normals; those draws took about 40% of sampling time. Here the
 * common case costs one word of the caller's stream.
 *
 * Each word is split into disjoint bits (Doornik 2005 shows why the index and the value must not
 * share bits): the low 7 bits pick one of 128 layers of equal area, the high 25 bits are a signed
 * integer j ∈ [−2^24, 2^24). x = j·w_i is returned when it lies in the layer's rectangle
 * (|j| < k_i, about 98.8% of words); otherwise the wedge or the tail (layer 0, beyond r) is
 * sampled with uniforms from `uniform`, exactly as in the paper's `nfix`.
 */
import { exp, log } from './elementary.js';

/** Right end of the base layer, and the common area of the 128 layers (Marsaglia & Tsang). */
const r = 3.442619855899;
const area = 9.91256303526217e-3;
/** Scale of the 25-bit signed integers: |j| < 2^24. */
const m = 2 ** 24;

const k = new Float64Array(128);
const w = new Float64Array(128);
const f = new Float64Array(128);
{
  // Layer edges x_i from the right, each layer of area `area` under exp(−x²/2).
  let dn = r;
  let tn = dn;
  const q = area / exp(-0.5 * dn * dn);
  k[0] = Math.floor((dn / q) * m);
  k[1] = 0;
  w[0] = q / m;
  w[127] = dn / m;
  f[0] = 1;
  f[127] = exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * log(area / dn + exp(-0.5 * dn * dn)));
    k[i + 1] = Math.floor((dn / tn) * m);
    tn = dn;
    f[i] = exp(-0.5 * dn * dn);
    w[i] = dn / m;
  }
}

/** The ziggurat's tables (read-only): the rectangle bound k_i and width w_i of each layer. */
export const zigguratTables: { readonly k: Float64Array; readonly w: Float64Array } = { k, w };

/** A source of 32-bit words (signed or unsigned) and of uniforms on [0, 1), from one stream. */
export interface WordSource {
  word(): number;
  uniform(): number;
}

/**
 * One standard normal from `source`: `uniform` is used only outside the rectangles. A plain
 * function of the source (not a closure per stream), so that every chain calls the same code.
 */
export function zigguratNormal(source: WordSource): number {
  return zigguratFromWord(source, source.word());
}

/**
 * The normal of `zigguratNormal` whose first word `u` has already been drawn from `source`
 * (the sampler's WebAssembly kernel draws the rectangles' normals itself and hands the other
 * words here; levelKernel.ts).
 */
export function zigguratFromWord(source: WordSource, u: number): number {
  let i = u & 127;
  let j = (u | 0) >> 7;
  if (Math.abs(j) < k[i]) return j * w[i];
  for (;;) {
    if (i === 0) {
      // Tail beyond r (Marsaglia 1964): x = −ln(U1)/r, accepted when −2 ln(U2) > x².
      let x: number;
      let y: number;
      do {
        x = -log(1 - source.uniform()) / r;
        y = -log(1 - source.uniform());
      } while (y + y < x * x);
      return j > 0 ? r + x : -r - x;
    }
    // Wedge of layer i: accept x when a uniform height under the layer falls below the density.
    const x = j * w[i];
    if (f[i] + source.uniform() * (f[i - 1] - f[i]) < exp(-0.5 * x * x)) return x;
    u = source.word();
    i = u & 127;
    j = (u | 0) >> 7;
    if (Math.abs(j) < k[i]) return j * w[i];
  }
}

/**
 * A standard normal generator over `word` (uniform 32-bit integers) and `uniform` (uniform on
 * [0, 1), used only outside the rectangles); both should come from one stream.
 */
export function ziggurat(word: () => number, uniform: () => number): () => number {
  const source: WordSource = { word, uniform };
  return () => zigguratNormal(source);
}
