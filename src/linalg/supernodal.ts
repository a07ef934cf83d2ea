/**
 * Supernodal Cholesky on a dense row-major array, for the rest of the blocked factor: with a
 * plan of one supernode (`densePlan`) it is the blocked dense kernel; when crossed grouping
 * factors leave the rest mostly empty (InstEval: 22% of the lower triangle is structurally
 * non-zero before fill), a symbolic step, once per model, orders the rows by minimum degree
 * (George & Liu 1989), finds the structure of L and groups columns with the same structure
 * into (relaxed) supernodes, and the numeric step, once per θ, touches only the structural rows.
 */

import { align16, instantiateKernel, kernelMemory } from '../diagnostics/wasm.js';
import { SCATTER_KERNEL_WASM } from './scatterKernelWasm.js';

/** Undirected graph on n vertices as one bitset row per vertex (symmetric, no self loops). */
export class BitGraph {
  /** 32-bit words per row. */
  readonly words: number;
  readonly bits: Uint32Array;

  constructor(readonly n: number) {
    this.words = (n + 31) >>> 5;
    this.bits = new Uint32Array(n * this.words);
  }

  /** Add the edge i–j (no-op for i = j). */
  connect(i: number, j: number): void {
    if (i === j) return;
    this.bits[i * this.words + (j >>> 5)] |= 1 << (j & 31);
    this.bits[j * this.words + (i >>> 5)] |= 1 << (i & 31);
  }

  /** Connect every pair of `vertices[0 .. count)`. */
  clique(vertices: ArrayLike<number>, count = vertices.length): void {
    for (let a = 0; a < count; a++) for (let b = 0; b < a; b++) this.connect(vertices[a], vertices[b]);
  }
}

/** The symbolic factorisation of an n×n matrix: ordering and supernodal column chunks. */
export interface SupernodalPlan {
  n: number;
  /** perm[k]: original index of the row and column at position k. */
  perm: Int32Array;
  /** pos[i]: position of original index i (the inverse of perm). */
  pos: Int32Array;
  /** Column chunks [start[c], end[c]) of at most `chunkWidth` columns of one supernode. */
  start: Int32Array;
  end: Int32Array;
  /** Per chunk, the positions (ascending, all ≥ end) of the rows of L below the chunk. */
  rows: Int32Array[];
  /** Multiply–adds of one numeric factorisation, for comparison with a dense one (n³/6). */
  flops: number;
}

/** Widest column chunk: a 48-column panel of 1000 rows stays in L2. */
export const chunkWidth = 48;

/**
 * A second thread that takes part of {@link choleskySupernodal}'s work on the same (shared)
 * matrix: a chunk's rows below go to `rowsBuffer` and its packed panel to `panelBuffer`;
 * `rowsPanel` and `scatter` start the helper on the last part of `count` rows and return where
 * the caller's part ends (a multiple of 4 for `scatter`, so the register tiles, and so the
 * arithmetic, do not depend on the split); `wait` blocks until the helper is done.
 */
export interface CholeskyHelper {
  panelBuffer: Float64Array;
  rowsBuffer: Int32Array;
  rowsPanel(kb: number, ke: number, count: number): number;
  scatter(w: number, count: number): number;
  wait(): void;
}

/**
 * The plan of a dense n×n matrix: no reordering, one supernode of every column, cut into
 * chunks whose rows below are all the following rows.
 */
export function densePlan(n: number): SupernodalPlan {
  const start: number[] = [];
  const end: number[] = [];
  const rows: Int32Array[] = [];
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  for (let c = 0; c < n; c += chunkWidth) {
    start.push(c);
    end.push(Math.min(c + chunkWidth, n));
    rows.push(identity.subarray(Math.min(c + chunkWidth, n)));
  }
  return { n, perm: identity, pos: identity, start: Int32Array.from(start), end: Int32Array.from(end), rows, flops: (n * n * n) / 6 };
}

/**
 * Symbolic Cholesky of a symmetric matrix whose first `graph.n` rows have the sparsity of
 * `graph` and whose last `tail` rows are dense (the fixed effects and the response, which stay
 * last and in order). The first rows are ordered by exact minimum degree (ties to the lowest
 * index), the elimination tree is postordered so that supernodes are contiguous, and columns
 * whose structures nest (struct(k) = {k+1} ∪ struct(k+1)) form a supernode.
 */
export function planSupernodal(graph: BitGraph, tail: number): SupernodalPlan {
  const m = graph.n;
  const n = m + tail;
  const { order, structure } = minimumDegree(graph);
  // Positions after ordering: order[k] at k; structures as positions.
  const at = new Int32Array(m);
  for (let k = 0; k < m; k++) at[order[k]] = k;
  const parent = new Int32Array(m).fill(-1);
  const cols: Int32Array[] = structure.map((s, k) => {
    const c = Int32Array.from(s, (v) => at[v]).sort();
    if (c.length > 0) parent[k] = c[0];
    return c;
  });
  // Postorder of the elimination tree (children in increasing order): the same fill, with each
  // chain of the tree on consecutive positions.
  const post = postorder(parent);
  const newPos = new Int32Array(m);
  for (let k = 0; k < m; k++) newPos[post[k]] = k;
  const perm = new Int32Array(n);
  const pos = new Int32Array(n);
  for (let k = 0; k < m; k++) perm[k] = order[post[k]];
  for (let t = 0; t < tail; t++) perm[m + t] = m + t;
  for (let k = 0; k < n; k++) pos[perm[k]] = k;
  // Structures in final positions, each followed by the dense tail.
  const struct: Int32Array[] = new Array(n);
  for (let k = 0; k < m; k++) {
    const c = cols[post[k]];
    const s = new Int32Array(c.length + tail);
    for (let i = 0; i < c.length; i++) s[i] = newPos[c[i]];
    s.subarray(0, c.length).sort();
    for (let t = 0; t < tail; t++) s[c.length + t] = m + t;
    struct[k] = s;
  }
  for (let t = 0; t < tail; t++) {
    const s = new Int32Array(tail - 1 - t);
    for (let i = 0; i < s.length; i++) s[i] = m + t + 1 + i;
    struct[m + t] = s;
  }
  // Fundamental supernodes [first, last] (their rows below are struct[last]), then relaxed.
  const firsts: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || !nests(struct[k - 1], struct[k], k)) firsts.push(k);
  const supernodes = amalgamate(firsts, struct, n);
  // Chunks of at most chunkWidth columns; the multiply–adds include the explicit zeros.
  const start: number[] = [];
  const end: number[] = [];
  const rows: Int32Array[] = [];
  let flops = 0;
  for (const { first, last, below } of supernodes) {
    for (let k = first; k <= last; k++) {
      const m = last - k + below.length;
      flops += (m * (m + 1)) / 2;
    }
    for (let c = first; c <= last; c += chunkWidth) {
      const e = Math.min(c + chunkWidth, last + 1);
      const r = new Int32Array(last + 1 - e + below.length);
      for (let i = e; i <= last; i++) r[i - e] = i;
      r.set(below, last + 1 - e);
      start.push(c);
      end.push(e);
      rows.push(r);
    }
  }
  return { n, perm, pos, start: Int32Array.from(start), end: Int32Array.from(end), rows, flops };
}

/**
 * Relaxed supernodes (Ashcraft & Grimes 1989): a supernode joins the one after it when that one
 * holds its parent in the elimination tree and the joint supernode stays mostly non-zero. Its
 * columns then carry explicit zeros, but small supernodes, whose updates are scattered and
 * short, become fewer and wider. Any join up to 4 columns, and up to 16 with under half zeros
 * (on InstEval's rest: 282 chunks become 78 for 9% more multiply–adds, about 5% faster; CHOLMOD's
 * looser defaults, which also join wide supernodes, add 20% and were slower).
 */
function amalgamate(firsts: number[], struct: Int32Array[], n: number): { first: number; last: number; below: Int32Array }[] {
  const out: { first: number; last: number; below: Int32Array; zeros: number; entries: number }[] = [];
  // Right to left, so that a child joins its parent after the parent's own joins.
  for (let s = firsts.length - 1; s >= 0; s--) {
    const first = firsts[s];
    const last = s + 1 < firsts.length ? firsts[s + 1] - 1 : n - 1;
    let entries = 0;
    for (let k = first; k <= last; k++) entries += struct[k].length + 1;
    const own = { first, last, below: struct[last], zeros: 0, entries };
    const next = out[out.length - 1];
    const parent = struct[last].length > 0 ? struct[last][0] : -1;
    if (next && parent >= next.first && parent <= next.last) {
      // Joined: column k of this supernode then has (next.last − k) + |next.below| entries below.
      let added = 0;
      for (let k = first; k <= last; k++) added += next.last - k + next.below.length - struct[k].length;
      const width = next.last - first + 1;
      const zeros = next.zeros + added;
      const total = next.entries + entries + added;
      const fraction = zeros / total;
      if (width <= 4 || (width <= 16 && fraction < 0.5)) {
        next.first = first;
        next.zeros = zeros;
        next.entries = total;
        continue;
      }
    }
    out.push(own);
  }
  return out.reverse();
}

/** struct(k) = {k+1} ∪ struct(k+1)? */
function nests(a: Int32Array, b: Int32Array, k1: number): boolean {
  if (a.length !== b.length + 1 || a[0] !== k1) return false;
  for (let i = 0; i < b.length; i++) if (a[i + 1] !== b[i]) return false;
  return true;
}

/**
 * Exact minimum-degree ordering by graph elimination on bitsets: eliminating v joins its
 * remaining neighbours into a clique, and v's neighbours at that moment are the structure of
 * its column of L. Deterministic: ties go to the lowest index.
 */
function minimumDegree(graph: BitGraph): { order: Int32Array; structure: Int32Array[] } {
  const { n, words } = graph;
  const adj = graph.bits.slice();
  const degree = new Int32Array(n);
  for (let v = 0; v < n; v++) degree[v] = countRow(adj, v * words, words);
  const done = new Uint8Array(n);
  const order = new Int32Array(n);
  const structure: Int32Array[] = new Array(n);
  const nbrs = new Int32Array(n);
  for (let step = 0; step < n; step++) {
    let v = -1;
    let best = Infinity;
    for (let u = 0; u < n; u++) if (!done[u] && degree[u] < best) { best = degree[u]; v = u; }
    order[step] = v;
    done[v] = 1;
    const rv = v * words;
    let count = 0;
    for (let w = 0; w < words; w++) {
      let x = adj[rv + w];
      while (x !== 0) {
        const t = x & -x;
        nbrs[count++] = (w << 5) + 31 - Math.clz32(t);
        x ^= t;
      }
    }
    structure[step] = nbrs.slice(0, count);
    for (let a = 0; a < count; a++) {
      const u = nbrs[a];
      const ru = u * words;
      for (let w = 0; w < words; w++) adj[ru + w] |= adj[rv + w];
      adj[ru + (u >>> 5)] &= ~(1 << (u & 31));
      adj[ru + (v >>> 5)] &= ~(1 << (v & 31));
      degree[u] = countRow(adj, ru, words);
    }
    adj.fill(0, rv, rv + words);
  }
  return { order, structure };
}

/** Postorder of a forest given by parent pointers (-1 for roots), children in index order. */
function postorder(parent: Int32Array): Int32Array {
  const n = parent.length;
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  // Link children in decreasing order so that each list runs in increasing order.
  for (let v = n - 1; v >= 0; v--) {
    const p = parent[v];
    if (p >= 0) {
      next[v] = head[p];
      head[p] = v;
    }
  }
  const out = new Int32Array(n);
  const stack = new Int32Array(n);
  let k = 0;
  for (let root = 0; root < n; root++) {
    if (parent[root] !== -1) continue;
    let top = 0;
    stack[0] = root;
    while (top >= 0) {
      const v = stack[top];
      const child = head[v];
      if (child === -1) {
        top--;
        out[k++] = v;
      } else {
        head[v] = next[child];
        stack[++top] = child;
      }
    }
  }
  return out;
}

function countRow(bits: Uint32Array, offset: number, words: number): number {
  let s = 0;
  for (let w = 0; w < words; w++) s += popcount(bits[offset + w]);
  return s;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Reused packed-panel buffer of {@link choleskySupernodal} without a helper. */
let panelScratch = new Float64Array(0);

/**
 * Chunks whose update needs fewer multiply–adds than this are not split with a helper thread
 * (a hand-off costs about as much as 10⁴ of them).
 */
const minSplitWork = 2e5;

/**
 * In-place Cholesky of the n×n symmetric matrix `a` (row-major, lower triangle, rows and
 * columns already in the plan's order), visiting only the structure the plan found. For each
 * chunk of columns: factor its diagonal block, solve the rows below it against that block,
 * pack them, and subtract their outer product from the rows and columns they meet. Entries
 * outside the structure are neither read nor written. With `helper` (a second thread on the
 * same shared `a`), chunks with many rows below split the solve and the update by rows; the
 * arithmetic of each entry is the same either way. Returns false when A is not positive
 * definite.
 */
export function choleskySupernodal(a: Float64Array, plan: SupernodalPlan, helper?: CholeskyHelper, kernel?: SupernodalKernel): boolean {
  const { n, start, end, rows } = plan;
  const wasm = !helper && kernel !== undefined && kernel.matrix === a && kernel.plan === plan ? kernel : undefined;
  let maxRows = 0;
  for (const r of rows) maxRows = Math.max(maxRows, r.length);
  if (!helper && !wasm && panelScratch.length < maxRows * chunkWidth) panelScratch = new Float64Array(maxRows * chunkWidth);
  const panel = helper ? helper.panelBuffer : wasm ? wasm.panel : panelScratch;
  for (let c = 0; c < start.length; c++) {
    const kb = start[c];
    const ke = end[c];
    const w = ke - kb;
    // 1. Diagonal block (Cholesky–Banachiewicz on rows kb..ke).
    for (let i = kb; i < ke; i++) {
      const ri = i * n;
      for (let j = kb; j <= i; j++) {
        const rj = j * n;
        let s = a[ri + j];
        for (let k = kb; k < j; k++) s -= a[ri + k] * a[rj + k];
        if (i === j) {
          if (!(s > 0)) return false;
          a[ri + i] = Math.sqrt(s);
        } else {
          a[ri + j] = s / a[rj + j];
        }
      }
    }
    const count = rows[c].length;
    if (helper && count * count * w >= 2 * minSplitWork) {
      // 2–3 on two threads: the rows go to shared memory, then each step is split by rows.
      const below = helper.rowsBuffer;
      below.set(rows[c]);
      const split = helper.rowsPanel(kb, ke, count);
      panelRows(a, n, kb, ke, below, panel, 0, split);
      helper.wait();
      const splitUpdate = helper.scatter(w, count);
      scatterUpdate(a, n, below, panel, w, 0, splitUpdate);
      helper.wait();
    } else {
      panelRows(a, n, kb, ke, rows[c], panel, 0, count);
      if (wasm) wasm.scatter(c, w, count);
      else scatterUpdate(a, n, rows[c], panel, w, 0, count);
    }
  }
  return true;
}

/**
 * An n×n matrix in a WebAssembly memory, with the plan's row lists and the panel beside it, so
 * that {@link choleskySupernodal} runs step 3 in scatterKernel.wat (128-bit SIMD, 4×4 tiles; the
 * same arithmetic per entry as {@link scatterUpdate}, so the factor is the same bit for bit).
 */
export interface SupernodalKernel {
  readonly plan: SupernodalPlan;
  /** The matrix to factor (row-major n×n, in the kernel's memory). */
  readonly matrix: Float64Array;
  /** The packed panel (step 2 writes it). */
  readonly panel: Float64Array;
  /** Step 3 for chunk c (w columns, `count` rows below) from the panel. */
  scatter(c: number, w: number, count: number): void;
}

/** A {@link SupernodalKernel} for `plan` (one memory of about 8n² bytes). */
export function supernodalKernel(plan: SupernodalPlan): SupernodalKernel {
  const { n, rows } = plan;
  let rowsTotal = 0;
  let maxRows = 0;
  for (const r of rows) {
    rowsTotal += r.length;
    maxRows = Math.max(maxRows, r.length);
  }
  const matrixAt = 0;
  const rowsAt = align16(matrixAt + 8 * n * n);
  const panelAt = align16(rowsAt + 4 * rowsTotal);
  const pairsAt = align16(panelAt + 8 * maxRows * chunkWidth);
  const memory = kernelMemory(pairsAt + 8 * (maxRows + 1) * chunkWidth);
  const rowList = new Int32Array(memory.buffer, rowsAt, rowsTotal);
  const rowStart = new Int32Array(rows.length);
  let at = 0;
  rows.forEach((r, c) => {
    rowStart[c] = rowsAt + 4 * at;
    rowList.set(r, at);
    at += r.length;
  });
  const { scatter } = instantiateKernel<{ scatter: (a: number, n: number, rows: number, P: number, Pt: number, w: number, ibStart: number, ibEnd: number) => void }>(SCATTER_KERNEL_WASM, memory);
  return {
    plan,
    matrix: new Float64Array(memory.buffer, matrixAt, n * n),
    panel: new Float64Array(memory.buffer, panelAt, maxRows * chunkWidth),
    scatter: (c, w, count) => scatter(matrixAt, n, rowStart[c], panelAt, pairsAt, w, 0, count),
  };
}

/**
 * Step 2 for the rows below[from..to) of a chunk [kb, ke): solve X L_kk' = A for each row and
 * pack it into `panel` (row stride ke − kb).
 */
export function panelRows(a: Float64Array, n: number, kb: number, ke: number, below: Int32Array, panel: Float64Array, from: number, to: number): void {
  const w = ke - kb;
  for (let r = from; r < to; r++) {
    const ri = below[r] * n;
    const pr = r * w;
    for (let j = kb; j < ke; j++) {
      const rj = j * n;
      let s = a[ri + j];
      for (let k = kb; k < j; k++) s -= a[ri + k] * a[rj + k];
      const v = s / a[rj + j];
      a[ri + j] = v;
      panel[pr + j - kb] = v;
    }
  }
}

/**
 * Step 3: A[rows[i]][rows[j]] −= Σ_k P[i][k] P[j][k] for j ≤ i, for the rows i in
 * [ibStart, ibEnd) (ibStart a multiple of 4; P packed, row stride w): 4×2 register tiles below
 * the diagonal (8 sums kept in registers for 6 loads per step), the targets found through the
 * row list.
 */
export function scatterUpdate(a: Float64Array, n: number, rows: Int32Array, P: Float64Array, w: number, ibStart: number, ibEnd: number): void {
  for (let ib = ibStart; ib < ibEnd; ib += 4) {
    // Only the last block of the chunk's rows can be partial (ibEnd is the row count there).
    const full = ib + 4 <= ibEnd;
    if (full) {
      const p0 = ib * w, p1 = p0 + w, p2 = p1 + w, p3 = p2 + w;
      const r0 = rows[ib] * n, r1 = rows[ib + 1] * n, r2 = rows[ib + 2] * n, r3 = rows[ib + 3] * n;
      for (let jb = 0; jb < ib; jb += 2) {
        const q0 = jb * w, q1 = q0 + w;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let k = 0; k < w; k++) {
          const y0 = P[q0 + k], y1 = P[q1 + k];
          const x0 = P[p0 + k], x1 = P[p1 + k], x2 = P[p2 + k], x3 = P[p3 + k];
          s00 += x0 * y0; s01 += x0 * y1;
          s10 += x1 * y0; s11 += x1 * y1;
          s20 += x2 * y0; s21 += x2 * y1;
          s30 += x3 * y0; s31 += x3 * y1;
        }
        const c0 = rows[jb], c1 = rows[jb + 1];
        a[r0 + c0] -= s00; a[r0 + c1] -= s01;
        a[r1 + c0] -= s10; a[r1 + c1] -= s11;
        a[r2 + c0] -= s20; a[r2 + c1] -= s21;
        a[r3 + c0] -= s30; a[r3 + c1] -= s31;
      }
    }
    const iEnd = Math.min(ib + 4, ibEnd);
    for (let i = ib; i < iEnd; i++) {
      const pi = i * w;
      const ri = rows[i] * n;
      for (let j = full ? ib : 0; j <= i; j++) {
        const pj = j * w;
        let s = 0;
        for (let k = 0; k < w; k++) s += P[pi + k] * P[pj + k];
        a[ri + rows[j]] -= s;
      }
    }
  }
}

/**
 * Selected inversion (Takahashi, Fagan & Chen 1973; Erisman & Tinney 1975): the entries of
 * Z = (L_m L_m')^{-1} on the structure of the supernodal factor `L` (the output of
 * {@link choleskySupernodal}, plan order), where L_m is L's leading m×m block (for the rest of
 * the blocked factor, m = the random-effects rows: S_R^{-1} with β known). From Z L = L^{-T},
 * taken one chunk J of columns at a time from the last, with R the structural rows below J:
 *
 *   Z_RJ = −Z_RR Y,   Z_JJ = L_JJ^{-T} L_JJ^{-1} − Y' Z_RJ,   Y = L_RJ L_JJ^{-1},
 *
 * where Z_RR lies on the structure already computed (R is a clique of the filled graph). The
 * cost is about twice the factorisation's multiply–adds, against n³/3 for the dense inverse.
 * Returns a new n×n row-major array holding Z's lower triangle on the structure (zero elsewhere).
 */
export function selectedInverse(L: Float64Array, plan: SupernodalPlan, m: number): Float64Array {
  const { n, start, end, rows } = plan;
  const Z = new Float64Array(n * n);
  let maxRows = 0;
  for (const r of rows) maxRows = Math.max(maxRows, r.length);
  // Y column-major (column j of the chunk is contiguous over the rows R), Z_RJ row-major, one
  // gathered row of Z_RR, and the chunk's L_JJ^{-1}.
  const Y = new Float64Array(chunkWidth * maxRows);
  const ZRJ = new Float64Array(maxRows * chunkWidth);
  const zrow = new Float64Array(maxRows);
  const T = new Float64Array(chunkWidth * chunkWidth);
  for (let c = start.length - 1; c >= 0; c--) {
    const kb = start[c];
    if (kb >= m) continue;
    const je = Math.min(end[c], m);
    const w = je - kb;
    const all = rows[c];
    let nr = 0;
    while (nr < all.length && all[nr] < m) nr++;
    const R = all.subarray(0, nr);
    // Y = L_RJ L_JJ^{-1}: row by row, Y_r L_JJ = L_rJ solved from the last column.
    for (let a = 0; a < nr; a++) {
      const ra = R[a] * n;
      for (let j = je - 1; j >= kb; j--) {
        let s = L[ra + j];
        for (let k = j + 1; k < je; k++) s -= Y[(k - kb) * nr + a] * L[k * n + j];
        Y[(j - kb) * nr + a] = s / L[j * n + j];
      }
    }
    // Z_RJ = −Z_RR Y, Z_RR read through the lower triangle (R ascending).
    for (let a = 0; a < nr; a++) {
      const ra = R[a];
      for (let b = 0; b <= a; b++) zrow[b] = Z[ra * n + R[b]];
      for (let b = a + 1; b < nr; b++) zrow[b] = Z[R[b] * n + ra];
      for (let j = 0; j < w; j++) {
        const yj = j * nr;
        let s = 0;
        for (let b = 0; b < nr; b++) s += zrow[b] * Y[yj + b];
        ZRJ[a * w + j] = -s;
      }
    }
    for (let a = 0; a < nr; a++) for (let j = 0; j < w; j++) Z[R[a] * n + kb + j] = ZRJ[a * w + j];
    // T = L_JJ^{-1} (lower triangular), then Z_JJ = T'T − Y'Z_RJ on its lower triangle.
    for (let j = 0; j < w; j++) {
      T[j * w + j] = 1 / L[(kb + j) * n + kb + j];
      for (let i = j + 1; i < w; i++) {
        let s = 0;
        for (let k = j; k < i; k++) s -= L[(kb + i) * n + kb + k] * T[k * w + j];
        T[i * w + j] = s / L[(kb + i) * n + kb + i];
      }
      for (let i = 0; i < j; i++) T[i * w + j] = 0;
    }
    for (let i = 0; i < w; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = i; k < w; k++) s += T[k * w + i] * T[k * w + j];
        const yi = i * nr;
        for (let a = 0; a < nr; a++) s -= Y[yi + a] * ZRJ[a * w + j];
        Z[(kb + i) * n + kb + j] = s;
      }
    }
  }
  return Z;
}
