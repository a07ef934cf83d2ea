/** Deterministic draw sets for the diagnostics tests (xorshift32 uniforms, Box–Muller normals). */
import { normalSource } from '../../src/diagnostics/bench.js';

/** A standard-normal stream from a 32-bit seed (the benchmark's generator). */
export const normals = normalSource;

/** `chains` stationary AR(1) chains of length n with autocorrelation phi, optionally transformed. */
export function ar1(chains: number, n: number, phi: number, seed: number, transform = (v: number) => v): number[][] {
  const z = normals(seed);
  return Array.from({ length: chains }, () => {
    let v = z();
    return Array.from({ length: n }, () => transform((v = phi * v + Math.sqrt(1 - phi * phi) * z())));
  });
}
