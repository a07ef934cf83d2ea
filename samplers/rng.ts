import { zigguratNormal } from './normal.js';
import { exp, log } from './elementary.js';

/**
 * A seeded random stream: the 32-bit Mersenne Twister MT19937 (Matsumoto & Nishimura 1998) with
 * the draws the sampler needs, uniforms on [0, 1) from two words (53 bits), normals from
 * `zigguratNormal` and gamma variates by Marsaglia & Tsang (2000), all on the same stream.
 * Algorithms receive their stream; there is no global generator.
 *
 * The twister is written here rather than loaded from @stdlib (whose packages took ~130 ms of a
 * fresh `lmm sample` to load); its words and uniforms are those of @stdlib/random-base-mt19937
 * for the same seed, bit for bit (test/samplers/rng.test.ts).
 */
export interface Rng {
  /** The seed that starts this stream (record it to replay a run bit for bit). */
  readonly seed: number;
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** Gamma(shape, rate 1). */
  gamma(shape: number): number;
}

/** Words of MT19937's state, and the offset of the twist's second operand. */
const N = 624;
const M = 397;
/** The twist's constants as signed 32-bit integers. */
const UPPER = 0x80000000 | 0;
const MATRIX_A = 0x9908b0df | 0;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;

/**
 * MT19937 started from `seed` by the reference `init_genrand` (Knuth's multiplier 1812433253),
 * its words tempered as in the reference `genrand_int32`. One class for every stream (its
 * methods on the prototype), so that chains run in one thread share optimised code instead of
 * each bringing closures of its own; Int32 state and constants keep every value a small integer
 * before the optimising compiler runs (a Uint32Array's words above 2^31 are heap numbers).
 */
export class TwisterStream implements Rng {
  readonly seed: number;
  private mt: Int32Array = new Int32Array(N);
  private index = N;

  /**
   * The twister's state, for a kernel that draws words of this stream itself (levelKernel.ts):
   * the 624 words (live, not a copy) and the index of the next word.
   */
  get words(): Int32Array {
    return this.mt;
  }

  /**
   * Move the 624 words to `to` (copied, then used in place: the stream continues unchanged), so
   * that a WebAssembly kernel can draw from the stream in its own memory without copying the
   * state at every call (levelKernel.ts).
   */
  moveWords(to: Int32Array): void {
    to.set(this.mt);
    this.mt = to;
  }

  get position(): number {
    return this.index;
  }

  set position(index: number) {
    this.index = index;
  }

  /** A stream from a 32-bit seed (0 is taken as 1). */
  constructor(seed: number) {
    this.seed = seed >>> 0;
    const mt = this.mt;
    mt[0] = this.seed || 1;
    for (let i = 1; i < N; i++) {
      const s = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = Math.imul(s, 1812433253) + i;
    }
  }

  /** The next word as a signed 32-bit integer (`>>> 0` gives the reference's unsigned word). */
  word(): number {
    if (this.index >= N) this.twist();
    let r = this.mt[this.index++];
    r ^= r >>> 11;
    r ^= (r << 7) & TEMPER_B;
    r ^= (r << 15) & TEMPER_C;
    return r ^ (r >>> 18);
  }

  /** Uniform on [0, 1) with 53 random bits from two words (the reference `genrand_res53`). */
  uniform(): number {
    return ((this.word() >>> 5) * 67108864 + (this.word() >>> 6)) / 9007199254740992;
  }

  normal(): number {
    return zigguratNormal(this);
  }

  gamma(shape: number): number {
    return gammaVariate(this, shape);
  }

  private twist(): void {
    const mt = this.mt;
    let i = 0;
    for (; i < N - M; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      const y = (mt[i] & UPPER) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (mt[N - 1] & UPPER) | (mt[0] & 0x7fffffff);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.index = 0;
  }
}

/**
 * A Gamma(shape, 1) variate by Marsaglia & Tsang (2000, "A simple method for generating gamma
 * variables", ACM TOMS 26(3)): for shape a ≥ 1, with d = a − 1/3, c = 1/√(9d), x ~ N(0, 1) and
 * v = (1 + cx)³ > 0, d·v is accepted when U < 1 − 0.0331x⁴ (the squeeze) or
 * log U < x²/2 + d(1 − v + log v); for a < 1, Gamma(a + 1)·U^{1/a} (the paper's §6).
 */
export function gammaVariate(rng: { uniform(): number; normal(): number }, shape: number): number {
  if (!(shape > 0)) return NaN;
  const boost = shape < 1;
  const d = (boost ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  let value: number;
  for (;;) {
    const x = rng.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = rng.uniform();
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1 - v + log(v))) {
      value = d * v;
      break;
    }
  }
  // U^(1/shape) as exp(log(U)/shape): elementary.ts's functions, the same bits on every engine.
  return boost ? value * exp(log(rng.uniform()) / shape) : value;
}

/** A stream started from a 32-bit seed (0 is taken as 1). */
export function createRng(seed: number): Rng {
  return new TwisterStream(seed);
}

/**
 * Seed of chain `chain` from a run's seed: a 32-bit mix (splitmix-style finaliser) so that
 * neighbouring run seeds and chain numbers give unrelated streams.
 */
export function chainSeed(seed: number, chain: number): number {
  let h = (seed ^ Math.imul(chain + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h === 0 ? 1 : h;
}
