/**
 * Benchmark of the posterior summaries: 300 parameters × 4 chains × 10,000 draws of AR(1)
 * series (autocorrelation 0 to 0.95 across parameters, some with heavy tails and ties),
 * timing `summarizeParameters` alone (draw generation excluded), or its parallel version.
 */
import { parallelWorkers, summarizeParametersAsync } from './parallel.js';
import { summarizeParameters } from './summarize.js';

/** Result of {@link benchSummaries}: parameters summarised, draws per parameter, wall-clock ms (median, fastest and slowest run). */
export interface BenchResult {
  params: number;
  draws: number;
  millis: number;
  fastest: number;
  slowest: number;
}

/** Median, fastest and slowest of run times. */
function spread(times: number[]): { millis: number; fastest: number; slowest: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { millis: sorted[Math.floor(sorted.length / 2)], fastest: sorted[0], slowest: sorted[sorted.length - 1] };
}

/** Small deterministic generator (xorshift32 → uniform, Box–Muller → normal). */
export function normalSource(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const a = 2 * Math.PI * uniform();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
}

/** Simulated draws for the benchmark: `params` parameters of `chains` AR(1) chains. */
export function benchDraws(params = 300, chains = 4, iterations = 10_000, seed = 20240501): { param: string; chains: Float64Array[] }[] {
  const normal = normalSource(seed);
  const out: { param: string; chains: Float64Array[] }[] = [];
  for (let p = 0; p < params; p++) {
    const phi = 0.95 * (p / Math.max(1, params - 1));
    const innovation = Math.sqrt(1 - phi * phi);
    const list: Float64Array[] = [];
    for (let c = 0; c < chains; c++) {
      const x = new Float64Array(iterations);
      let v = normal();
      for (let t = 0; t < iterations; t++) {
        v = phi * v + innovation * normal();
        x[t] = p % 10 === 3 ? Math.exp(v) : p % 10 === 7 ? Math.round(v * 4) / 4 : v;
      }
      list.push(x);
    }
    out.push({ param: `theta[${p + 1}]`, chains: list });
  }
  return out;
}

/** Time summarising 300 parameters × 4 chains × 10,000 draws (`repeats` runs after one warm-up run). */
export function benchSummaries(repeats = 5): BenchResult {
  const draws = benchDraws();
  const times: number[] = [];
  for (let r = -1; r < repeats; r++) {
    const start = performance.now();
    const table = summarizeParameters(draws);
    const millis = performance.now() - start;
    if (table.numRows() !== draws.length) throw new Error('benchmark: wrong number of rows');
    if (r >= 0) times.push(millis);
  }
  return { params: draws.length, draws: draws[0].chains.length * draws[0].chains[0].length, ...spread(times) };
}

/** Result of {@link benchSummariesParallel}: also the number of threads used, the calling one included (0: no workers). */
export interface ParallelBenchResult extends BenchResult {
  threads: number;
}

/**
 * Time {@link summarizeParametersAsync} on the draws of {@link benchSummaries}, forced onto
 * worker threads where the compiled worker exists (`repeats` runs, each starting its threads
 * afresh: start-up and packing into shared memory included).
 */
export async function benchSummariesParallel(repeats = 5): Promise<ParallelBenchResult> {
  const draws = benchDraws();
  const options = { parallel: true, minDraws: 0 };
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    const table = await summarizeParametersAsync(draws, options);
    const millis = performance.now() - start;
    if (table.numRows() !== draws.length) throw new Error('benchmark: wrong number of rows');
    times.push(millis);
  }
  return { params: draws.length, draws: draws[0].chains.length * draws[0].chains[0].length, ...spread(times), threads: parallelWorkers(draws, options) };
}
