/**
 * The cross-product blocks of [Z X y]'[Z X y], the only thing the fitters read after the one
 * pass over the rows (DESIGN.md, "How data flows"). Blocks follow MixedModels.jl's layout:
 * random-effects terms in lme4's order, then the fixed effects with the response as last column.
 */
import { align16, instantiateKernel, kernelMemory } from '../diagnostics/wasm.js';
import { CROSSPROD_KERNEL_WASM } from './crossprodKernelWasm.js';

/** Per random-effects term, blocks for each level j (row-major). */
export interface TermBlocks {
  /** Z_j'Z_j for every level: `nlevels` blocks of q×q. */
  ZtZ: Float64Array;
  /** Z_j'[X y] for every level: `nlevels` blocks of q×(p+1). */
  ZtXy: Float64Array;
}

/**
 * Z_l'Z_k for two terms l > k (term k has at least as many levels), sparse by level pairs:
 * compressed by the level of term k. Blocks are q_l×q_k row-major.
 */
export interface SparseCross {
  colPtr: Int32Array;
  rowLevel: Int32Array;
  values: Float64Array;
}

/** All blocks of [Z X y]'[Z X y]. */
export interface CrossProducts {
  /** Number of rows summed over. */
  n: number;
  /** Number of fixed-effects columns (the response is column p of the [X y] blocks). */
  p: number;
  /** Per term, in lme4 order. */
  terms: TermBlocks[];
  /** cross[l][k] for k < l; undefined on and above the diagonal. */
  cross: SparseCross[][];
  /** [X y]'[X y], (p+1)×(p+1) row-major. */
  XytXy: Float64Array;
}

/** The inputs of one pass: the response, the fixed-effects matrix, the random-effects terms. */
export interface CrossProductInput {
  n: number;
  y: Float64Array;
  /** Subtracted from y before summing (guards precision for a response far from zero). */
  yShift: number;
  X: Float64Array;
  p: number;
  terms: { refs: Int32Array; Z: Float64Array; q: number; nlevels: number }[];
  /** Prior weights per row (null or absent: all 1): the blocks become [Z X y]'W[Z X y]. */
  weights?: Float64Array | null;
}

/**
 * The random-effects rows after the first term's that level j of the first term meets: Σ over the
 * other terms k of q_k times the levels of k sharing an observation with it (the rows of its
 * column of the blocked factor's W, before the [X y] rows).
 */
export function firstTermLevelRows(cp: CrossProducts, terms: readonly { q: number }[], j: number): number {
  let rows = 0;
  for (let k = 1; k < terms.length; k++) rows += (cp.cross[k][0].colPtr[j + 1] - cp.cross[k][0].colPtr[j]) * terms[k].q;
  return rows;
}

/**
 * Accumulate every block in one pass over the rows: [X y]'W[X y] and each term's blocks in
 * WebAssembly (crossprodKernel.wat, the same sums bit for bit, in chunks of rows), the sparse
 * Z_l'WZ_k of crossed and nested terms here.
 */
export function crossProducts(input: CrossProductInput): CrossProducts {
  const { n, y, yShift, X, p, terms } = input;
  const weights = input.weights ?? null;
  const P = p + 1;
  const kernel = crossprodKernel(Math.min(n, chunkRows), p, terms);
  kernel.accumulate(input);
  const blocks: TermBlocks[] = terms.map((_, k) => ({ ZtZ: kernel.ZtZ[k].slice(), ZtXy: kernel.ZtXy[k].slice() }));
  const XytXy = kernel.XytXy.slice();
  for (let a = 0; a < P; a++) for (let b = 0; b < a; b++) XytXy[a * P + b] = XytXy[b * P + a];
  const pairs = pairAccumulators(terms);
  if (terms.length > 1) {
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i] : 1;
      for (let k = 0; k < terms.length; k++) for (let l = k + 1; l < terms.length; l++) pairs[l][k].add(i, terms[l], terms[k], w);
    }
  }
  const cross: SparseCross[][] = terms.map((_, l) => terms.slice(0, l).map((__, k) => pairs[l][k].finish(terms[k].nlevels)));
  return { n, p, terms: blocks, cross, XytXy };
}

/** Rows copied into the kernel's memory at a time. */
const chunkRows = 16384;

interface CrossprodExports {
  xyCross: (X: number, y: number, w: number, rows: number, p: number, yShift: number, xy: number, wxy: number, out: number) => void;
  termCross: (X: number, y: number, w: number, rows: number, p: number, yShift: number, xy: number, wxy: number, refs: number, Z: number, q: number, ZtZ: number, ZtXy: number) => void;
}

/** The kernel's memory for chunks of `rows` rows, p fixed-effects columns and the terms' blocks. */
function crossprodKernel(rows: number, p: number, terms: CrossProductInput['terms']) {
  const P = p + 1;
  const qmax = Math.max(1, ...terms.map((t) => t.q));
  let next = 0;
  const take = (bytes: number) => {
    const at = next;
    next = align16(next + bytes);
    return at;
  };
  const at = {
    X: take(8 * rows * p),
    y: take(8 * rows),
    w: take(8 * rows),
    refs: take(4 * rows),
    Z: take(8 * rows * qmax),
    xy: take(8 * P),
    wxy: take(8 * P),
    XytXy: take(8 * P * P),
    ZtZ: terms.map((t) => take(8 * t.nlevels * t.q * t.q)),
    ZtXy: terms.map((t) => take(8 * t.nlevels * t.q * P)),
  };
  const memory = kernelMemory(next);
  const { buffer } = memory;
  const exports = instantiateKernel<CrossprodExports>(CROSSPROD_KERNEL_WASM, memory);
  const XytXy = new Float64Array(buffer, at.XytXy, P * P);
  const ZtZ = terms.map((t, k) => new Float64Array(buffer, at.ZtZ[k], t.nlevels * t.q * t.q));
  const ZtXy = terms.map((t, k) => new Float64Array(buffer, at.ZtXy[k], t.nlevels * t.q * P));
  const Xc = new Float64Array(buffer, at.X, rows * p);
  const yc = new Float64Array(buffer, at.y, rows);
  const wc = new Float64Array(buffer, at.w, rows);
  const refsc = new Int32Array(buffer, at.refs, rows);
  const Zc = new Float64Array(buffer, at.Z, rows * qmax);
  return {
    XytXy,
    ZtZ,
    ZtXy,
    /** Add the rows of `input` to the (zero) accumulators, a chunk at a time. */
    accumulate(input: CrossProductInput): void {
      const { n, y, yShift, X, terms: ts } = input;
      const weights = input.weights ?? null;
      for (let start = 0; start < n; start += rows) {
        const count = Math.min(rows, n - start);
        Xc.set(X.subarray(start * p, (start + count) * p));
        yc.set(y.subarray(start, start + count));
        if (weights) wc.set(weights.subarray(start, start + count));
        const w = weights ? at.w : 0;
        exports.xyCross(at.X, at.y, w, count, p, yShift, at.xy, at.wxy, at.XytXy);
        ts.forEach((t, k) => {
          refsc.set(t.refs.subarray(start, start + count));
          Zc.set(t.Z.subarray(start * t.q, (start + count) * t.q));
          exports.termCross(at.X, at.y, w, count, p, yShift, at.xy, at.wxy, at.refs, at.Z, t.q, at.ZtZ[k], at.ZtXy[k]);
        });
      }
    },
  };
}

/** Accumulates Z_l'Z_k by (level of l, level of k) pairs as they occur. */
class PairAccumulator {
  private readonly index = new Map<number, number>();
  private readonly keys: number[] = [];
  private values: Float64Array;
  private readonly size: number;

  constructor(private readonly ql: number, private readonly qk: number, private readonly nlevelsL: number) {
    this.size = ql * qk;
    this.values = new Float64Array(64 * this.size);
  }

  add(i: number, termL: { refs: Int32Array; Z: Float64Array }, termK: { refs: Int32Array; Z: Float64Array }, w = 1): void {
    const key = termK.refs[i] * this.nlevelsL + termL.refs[i];
    let s = this.index.get(key);
    if (s === undefined) {
      s = this.keys.length;
      this.index.set(key, s);
      this.keys.push(key);
      if ((s + 1) * this.size > this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
    }
    const { ql, qk } = this;
    const o = s * this.size;
    for (let r = 0; r < ql; r++) {
      const zr = w * termL.Z[i * ql + r];
      for (let c = 0; c < qk; c++) this.values[o + r * qk + c] += zr * termK.Z[i * qk + c];
    }
  }

  /** Compress by the level of term k, rows sorted by the level of term l. */
  finish(nlevelsK: number): SparseCross {
    const order = this.keys.map((_, s) => s).sort((a, b) => this.keys[a] - this.keys[b]);
    const colPtr = new Int32Array(nlevelsK + 1);
    const rowLevel = new Int32Array(order.length);
    const values = new Float64Array(order.length * this.size);
    order.forEach((s, t) => {
      const key = this.keys[s];
      colPtr[Math.floor(key / this.nlevelsL) + 1]++;
      rowLevel[t] = key % this.nlevelsL;
      values.set(this.values.subarray(s * this.size, (s + 1) * this.size), t * this.size);
    });
    for (let j = 0; j < nlevelsK; j++) colPtr[j + 1] += colPtr[j];
    return { colPtr, rowLevel, values };
  }
}

function pairAccumulators(terms: CrossProductInput['terms']): PairAccumulator[][] {
  return terms.map((tl, l) => terms.slice(0, l).map((tk) => new PairAccumulator(tl.q, tk.q, tl.nlevels)));
}
