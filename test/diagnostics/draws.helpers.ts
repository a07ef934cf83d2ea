/** Deterministic draw sets for the diagnostics tests (xorshift32 uniforms, Box–Muller normals). */

/** A standard-normal stream from a 32-bit seed. */
export function normals(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/** `chains` stationary AR(1) chains of length n with autocorrelation phi, optionally transformed. */
export function ar1(chains: number, n: number, phi: number, seed: number, transform = (v: number) => v): number[][] {
  const z = normals(seed);
  return Array.from({ length: chains }, () => {
    let v = z();
    return Array.from({ length: n }, () => transform((v = phi * v + Math.sqrt(1 - phi * phi) * z())));
  });
}
