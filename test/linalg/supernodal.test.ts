/**
 * Supernodal Cholesky against the dense kernel on the same permuted matrix (tolerance 1e-12
 * relative to the matrix scale), its symbolic structure against the actual non-zeros, and the
 * minimum-degree ordering on graphs whose best order is known; the selected inverse against the
 * dense inverse of the leading block (1e-12 relative to its largest entry).
 */
import { describe, expect, it } from 'vitest';
import { choleskyInPlace, lowerInverse } from '../../src/linalg/dense.js';
import { BitGraph, choleskySupernodal, densePlan, planSupernodal, selectedInverse, supernodalKernel } from '../../src/linalg/supernodal.js';

/** Fixed linear congruential stream of uniforms on [0, 1). */
function uniforms(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * A crossed-factor-like SPD matrix: `m` sparse rows (a sum of random cliques' outer products
 * plus the identity, as Λ'Z'ZΛ + I for items crossed with subjects) and `tail` dense rows, with
 * the graph of its sparse part.
 */
function crossedLike(m: number, tail: number, cliques: number, seed: number): { A: Float64Array; graph: BitGraph; n: number } {
  const next = uniforms(seed);
  const n = m + tail;
  const A = new Float64Array(n * n);
  const graph = new BitGraph(m);
  const members = new Int32Array(8);
  const v = new Float64Array(8 + tail);
  for (let c = 0; c < cliques; c++) {
    const size = 1 + Math.floor(next() * 6);
    for (let a = 0; a < size; a++) members[a] = Math.floor(next() * m);
    graph.clique(members, size);
    // Outer product over the clique's rows and the tail rows (each clique touches the tail).
    const rows = [...Array.from(members.subarray(0, size)), ...Array.from({ length: tail }, (_, t) => m + t)];
    for (let a = 0; a < rows.length; a++) v[a] = next() - 0.5;
    for (let a = 0; a < rows.length; a++) for (let b = 0; b < rows.length; b++) A[rows[a] * n + rows[b]] += v[a] * v[b];
  }
  for (let i = 0; i < n; i++) A[i * n + i] += 1;
  return { A, graph, n };
}

/** The lower triangle of A with rows and columns in the plan's order. */
function permuted(A: Float64Array, n: number, perm: Int32Array): Float64Array {
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) B[i * n + j] = A[perm[i] * n + perm[j]];
  return B;
}

describe('supernodal Cholesky', () => {
  for (const [m, tail, cliques] of [[60, 2, 40], [300, 3, 500], [500, 1, 2000]] as const) {
    it(`matches the dense factor of the permuted matrix (${m} sparse rows, ${tail} dense)`, () => {
      const { A, graph, n } = crossedLike(m, tail, cliques, m + cliques);
      const plan = planSupernodal(graph, tail);
      // A permutation that keeps the dense rows last and in order.
      expect(Array.from(plan.perm).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      for (let t = 0; t < tail; t++) expect(plan.perm[m + t]).toBe(m + t);
      for (let i = 0; i < n; i++) expect(plan.perm[plan.pos[i]]).toBe(i);
      const dense = permuted(A, n, plan.perm);
      const sparse = dense.slice();
      expect(choleskyInPlace(dense, n)).toBe(true);
      expect(choleskySupernodal(sparse, plan)).toBe(true);
      let scale = 0;
      for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(dense[i * n + i]));
      // Structure: every non-zero of the dense factor is in a chunk's diagonal block or rows.
      const inStructure = new Uint8Array(n * n);
      for (let c = 0; c < plan.start.length; c++) {
        for (let j = plan.start[c]; j < plan.end[c]; j++) {
          for (let i = j; i < plan.end[c]; i++) inStructure[i * n + j] = 1;
          for (const r of plan.rows[c]) inStructure[r * n + j] = 1;
        }
      }
      let maxError = 0;
      let fillOutside = 0;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const e = i * n + j;
          if (inStructure[e]) maxError = Math.max(maxError, Math.abs(sparse[e] - dense[e]));
          else if (dense[e] !== 0) fillOutside++;
        }
      }
      expect(maxError).toBeLessThan(1e-12 * scale);
      expect(fillOutside).toBe(0);
      expect(plan.flops).toBeLessThan((n * n * n) / 6);
    });
  }

  it('reports a matrix that is not positive definite', () => {
    const { A, graph, n } = crossedLike(100, 1, 150, 7);
    const plan = planSupernodal(graph, 1);
    const B = permuted(A, n, plan.perm);
    const k = plan.pos[40];
    B[k * n + k] = -1;
    expect(choleskySupernodal(B, plan)).toBe(false);
  });

  it('orders a star graph leaves first and the hub late (no fill)', () => {
    // Hub 0 joined to 1..9: eliminating the hub first would fill the whole matrix. Once one
    // leaf is left, hub and leaf tie at degree 1 and the lower index goes first.
    const graph = new BitGraph(10);
    for (let i = 1; i < 10; i++) graph.connect(0, i);
    const plan = planSupernodal(graph, 0);
    expect(plan.pos[0]).toBe(8);
    // No fill: the factor of A = 10 I + star, in the plan's order, has the 9 edges only.
    const A = new Float64Array(100);
    for (let i = 0; i < 10; i++) A[i * 10 + i] = 10;
    for (let i = 1; i < 10; i++) A[i] = A[i * 10] = 1;
    const L = permuted(A, 10, plan.perm);
    expect(choleskySupernodal(L, plan)).toBe(true);
    let below = 0;
    for (let i = 0; i < 10; i++) for (let j = 0; j < i; j++) if (L[i * 10 + j] !== 0) below++;
    expect(below).toBe(9);
  });

  it('groups a dense graph into one supernode cut into chunks', () => {
    const graph = new BitGraph(100);
    graph.clique(Array.from({ length: 100 }, (_, i) => i));
    const plan = planSupernodal(graph, 2);
    expect(Array.from(plan.start)).toEqual([0, 48, 96]);
    expect(Array.from(plan.end)).toEqual([48, 96, 102]);
    expect(Array.from(plan.rows[1])).toEqual(Array.from({ length: 6 }, (_, i) => 96 + i));
  });

  for (const [m, tail, cliques] of [[60, 2, 40], [300, 3, 500], [500, 2, 2000], [200, 1, 3000]] as const) {
    it(`selected inverse: (L_m L_m')^{-1} on the factor's structure (${m} sparse rows, ${tail} dense)`, () => {
      const { A, graph, n } = crossedLike(m, tail, cliques, 3 * m + cliques);
      const plan = planSupernodal(graph, tail);
      const L = permuted(A, n, plan.perm);
      expect(choleskySupernodal(L, plan)).toBe(true);
      const Z = selectedInverse(L, plan, m);
      // Dense reference: (L_m L_m')^{-1} = L_m^{-T} L_m^{-1} from the same factor's leading block.
      const Linv = lowerInverse(L, m, 0, n);
      let scale = 0;
      let maxError = 0;
      let checked = 0;
      for (let c = 0; c < plan.start.length; c++) {
        for (let j = plan.start[c]; j < Math.min(plan.end[c], m); j++) {
          const targets = [...Array.from({ length: Math.min(plan.end[c], m) - j }, (_, i) => j + i), ...Array.from(plan.rows[c]).filter((r) => r < m)];
          for (const i of targets) {
            let s = 0;
            for (let k = i; k < m; k++) s += Linv[k * m + i] * Linv[k * m + j];
            scale = Math.max(scale, Math.abs(s));
            maxError = Math.max(maxError, Math.abs(Z[i * n + j] - s));
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(m);
      expect(maxError).toBeLessThan(1e-12 * scale);
      // Nothing is written outside the leading block.
      for (let i = m; i < n; i++) for (let j = 0; j <= i; j++) expect(Z[i * n + j]).toBe(0);
    });
  }

  // The WebAssembly update step (scatterKernel.wat) against the JavaScript one: the same factor
  // bit for bit, on sparse plans (row counts not multiples of 4 included) and a dense one.
  for (const [m, tail, cliques] of [[60, 2, 40], [300, 3, 500], [500, 2, 2000], [0, 203, 0]] as const) {
    it(`WebAssembly update step gives the JavaScript factor bit for bit (${m} sparse rows, ${tail} dense)`, () => {
      const { A, graph, n } = m > 0 ? crossedLike(m, tail, cliques, 7 * m + 1) : denseSpd(tail, 3);
      const plan = m > 0 ? planSupernodal(graph, tail) : densePlan(n);
      const js = permuted(A, n, plan.perm);
      const kernel = supernodalKernel(plan);
      kernel.matrix.set(js);
      expect(choleskySupernodal(js, plan)).toBe(true);
      expect(choleskySupernodal(kernel.matrix, plan, undefined, kernel)).toBe(true);
      let differ = 0;
      for (let e = 0; e < n * n; e++) if (!Object.is(js[e], kernel.matrix[e])) differ++;
      expect(differ).toBe(0);
      // And it is the factor: the dense kernel's, to rounding.
      const dense = permuted(A, n, plan.perm);
      choleskyInPlace(dense, n);
      let err = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) if (dense[i * n + j] !== 0) err = Math.max(err, Math.abs(dense[i * n + j] - js[i * n + j]));
      expect(err).toBeLessThan(1e-10);
    });
  }
});

/** A dense SPD n×n matrix: Σ of n random outer products plus n·I. */
function denseSpd(n: number, seed: number): { A: Float64Array; graph: BitGraph; n: number } {
  const next = uniforms(seed);
  const A = new Float64Array(n * n);
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < n; i++) v[i] = next() - 0.5;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] += v[i] * v[j];
  }
  for (let i = 0; i < n; i++) A[i * n + i] += n;
  return { A, graph: new BitGraph(0), n };
}
