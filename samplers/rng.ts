import mt19937 from '@stdlib/random-base-mt19937';
import gamma from '@stdlib/random-base-gamma';
import { ziggurat } from './normal.js';

/**
 * A seeded random stream (Mersenne Twister from @stdlib/random) with the draws the sampler
 * needs: uniforms and gamma variates from @stdlib, normals from `ziggurat` on the same stream. Algorithms receive their stream; there is no global generator.
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

/** A stream started from a 32-bit seed. */
export function createRng(seed: number): Rng {
  const base = mt19937.factory({ seed: seed >>> 0 || 1 });
  // The generator's `normalized` companion (uniform on [0, 1) from the same state) is missing
  // from stdlib's type declarations but documented and present at run time.
  const uniform = (base as unknown as { normalized: () => number }).normalized;
  // Normals by our ziggurat on the twister's 32-bit words (normal.ts says why not stdlib's).
  const drawNormal = ziggurat(base, uniform);
  const drawGamma = gamma.factory({ prng: uniform });
  return {
    seed: seed >>> 0,
    uniform,
    normal: drawNormal,
    gamma: (shape: number) => drawGamma(shape, 1),
  };
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
