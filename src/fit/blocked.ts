import { log } from '../../samplers/elementary.js';
import { choleskyAuto, forwardSolve } from '../linalg/dense.js';
import { sharedCholesky, type SharedCholesky } from '../linalg/parallel.js';
import { BitGraph, choleskySupernodal, planSupernodal, selectedInverse, supernodalKernel, type SupernodalKernel, type SupernodalPlan } from '../linalg/supernodal.js';
import { firstTermLevelRows, type CrossProducts } from '../model/crossprod.js';
import { ObservationUpdate, type TermRows } from './observationUpdate.js';
import { lambdaOf, thetaLayout, type ThetaLayout } from './theta.js';

/** Dense rests at least this large factor on two threads (below it, thread hand-offs cost more). */
const minThreadedSize = 400;

/**
 * Rests at least this large are analysed for the supernodal Cholesky, which is used when it
 * needs under half the multiply–adds of the dense one.
 */
const minSparseSize = 400;

/** The sizes the blocked factor needs from a model: per term q and number of levels. */
export interface BlockShape {
  q: number;
  nlevels: number;
  /** The term's design rows and level codes (a model's terms have them; see observationUpdate.ts). */
  refs?: Int32Array | null;
  Z?: Float64Array | null;
}

/** The supernodal route's fixed parts (see `BlockedCholesky.sparse`). */
interface SparseRest {
  plan: SupernodalPlan;
  /** Structural lower-triangle entries of the rest: index in S and in the permuted copy. */
  from: Int32Array;
  to: Int32Array;
  /**
   * Per level j of term 0, from levelStart[j]: its gathered rows (`order`, indices into the
   * gather) sorted by their positions in the permuted copy (`rowPos`).
   */
  levelStart: Int32Array;
  order: Int32Array;
  rowPos: Int32Array;
  /**
   * The update from term 0 is summed row by row of the permuted copy (Gustavson's sparse
   * product with a dense accumulator that stays in cache) on the packed structural entries:
   * `from`/`to` are sorted by position, row r's entries are rowEntryStart[r] .. [r + 1], and its
   * gathered slots (indices into `order`/`rowPos`, one per level of term 0 meeting the row,
   * levels ascending) rowSlotStart[r] .. [r + 1] of `rowSlot`, with their levels in `rowSlotLevel`.
   */
  rowEntryStart: Int32Array;
  rowSlotStart: Int32Array;
  rowSlot: Int32Array;
  rowSlotLevel: Int32Array;
  /** Every level's W values at its gathered slots (slot t at t·q0). */
  gathered: Float64Array;
  /** One row of the permuted copy. */
  accumulator: Float64Array;
  /** The packed structural entries of the rest. */
  packed: Float64Array;
}

/**
 * The blocked Cholesky factor L of Λ'[Z X y]'[Z X y]Λ + diag(I, 0) (Bates et al. 2015, eq. 18;
 * MixedModels.jl's blocked layout), updated for each θ from the cross-product blocks alone.
 *
 * Rows and columns are ordered: the first random-effects term (most levels), then the other
 * terms, then the fixed effects, then the response. The first term's diagonal block is block
 * diagonal (one q0×q0 factor per level, `L0`); its off-diagonal blocks `W` keep the sparsity of
 * Z_k'Z_0; everything after it (the "rest") is one dense lower-triangular matrix `S` of size
 * M = Σ_{k≥1} q_k·nlevels_k + p + 1, which holds the fill-in of crossed factors.
 */
export class BlockedCholesky {
  readonly layout: ThetaLayout;
  readonly n: number;
  readonly p: number;
  /** Columns in [X y]. */
  readonly P: number;
  /** Size of the dense rest. */
  readonly M: number;
  /** Offset of term k (k ≥ 1) in the rest; restOffset[0] is unused. */
  readonly restOffset: number[];
  /** Offset of the fixed effects in the rest. */
  readonly xOffset: number;
  /** Per level of term 0, its q0×q0 lower Cholesky factor. */
  readonly L0: Float64Array;
  /** Per term k ≥ 1: Λ_k'(Z_k'Z_0)Λ_0 L0^{-T}, same sparsity as `crossprod.cross[k][0]`. */
  readonly Wre: Float64Array[];
  /** Per level of term 0: the P×q0 block ([X y]'Z_0 Λ_0) L0^{-T}. */
  readonly WXy: Float64Array;
  /** The dense rest, M×M row-major; lower triangle holds its Cholesky factor after `update`. */
  readonly S: Float64Array;
  /** Whether the last `update` succeeded (the rest was positive definite). */
  ok = false;
  /**
   * Added to [X y]'[X y] before factoring, (p+1)×(p+1) row-major, or null. The Gibbs sampler
   * puts a normal prior on β here (σ²·precision and σ²·precision·mean, Bates et al.'s
   * penalised least squares with one more penalty); the exact fit leaves it null.
   */
  xyAdjustment: Float64Array | null = null;

  private readonly lambdas: Float64Array[];
  /** First non-zero column of each row of the rest (for the envelope Cholesky). */
  private readonly envelope: Int32Array;
  /** Scratch for one column block of W: row indices in the rest, their values, and 0, 1, 2, …. */
  private readonly gather: { rowIndex: Int32Array; rowValues: Float64Array; identity: Int32Array };
  private readonly work: Float64Array;
  private readonly work2: Float64Array;

  /**
   * Shared storage and a helper thread for large dense rests (exact fits only), or undefined
   * (also when the supernodal route has them).
   */
  private readonly shared: SharedCholesky | undefined;

  /**
   * For rests that crossed factors leave sparse (exact fits only): the symbolic supernodal
   * factorisation, the lower-triangle entries that are structurally non-zero before factoring,
   * the permuted copy of the rest it factors, and its helper thread.
   */
  private readonly sparse: (SparseRest & { S: Float64Array; shared: SharedCholesky | undefined; kernel: SupernodalKernel | undefined }) | undefined;

  /**
   * For `evaluate` on the dense route: the levels of term 0 whose update of the rest is summed
   * over their observations (observationUpdate.ts), or undefined.
   */
  private readonly observation: ObservationUpdate | undefined;

  /**
   * @param options.threads use helper threads for the rest's Cholesky when it is large (the
   *   exact fitter sets it; the Gibbs sampler runs its chains on their own threads): `true` for
   *   the default number (parallel.ts `defaultThreads`), or the number of threads, the calling
   *   one included. The factor is the same bit for bit whatever the number.
   * @param options.sparse let `evaluate` factor a large rest that crossed factors leave sparse
   *   by the supernodal Cholesky (the exact fitter sets it).
   * @param options.sparseFrom a factor of the same model whose supernodal plan this one reuses
   *   (for `restInverse`), instead of planning its own.
   */
  constructor(
    readonly crossprod: CrossProducts,
    readonly shapes: readonly BlockShape[],
    options: { threads?: boolean | number; sparse?: boolean; sparseFrom?: BlockedCholesky } = {},
  ) {
    this.layout = thetaLayout(shapes.map((s) => s.q));
    this.n = crossprod.n;
    this.p = crossprod.p;
    this.P = crossprod.p + 1;
    this.restOffset = [0];
    let m = 0;
    for (let k = 1; k < shapes.length; k++) {
      this.restOffset.push(m);
      m += shapes[k].q * shapes[k].nlevels;
    }
    this.xOffset = m;
    this.M = m + this.P;
    const { q: q0, nlevels: n0 } = shapes[0];
    this.L0 = new Float64Array(n0 * q0 * q0);
    this.WXy = new Float64Array(n0 * this.P * q0);
    this.Wre = shapes.map((_, k) => (k === 0 ? new Float64Array(0) : new Float64Array(crossprod.cross[k][0].values.length)));
    this.envelope = new Int32Array(this.M);
    this.lambdas = shapes.map((s) => new Float64Array(s.q * s.q));
    let maxRows = 0;
    for (let j = 0; j < n0; j++) maxRows = Math.max(maxRows, this.P + firstTermLevelRows(crossprod, shapes, j));
    this.gather = { rowIndex: new Int32Array(maxRows), rowValues: new Float64Array(maxRows * q0), identity: Int32Array.from({ length: maxRows }, (_, i) => i) };
    const qmax = Math.max(...shapes.map((s) => s.q), this.P);
    this.work = new Float64Array(qmax * qmax);
    this.work2 = new Float64Array(qmax * qmax);
    const from = options.sparseFrom?.sparse;
    const plan = from
      ? { ...from, packed: new Float64Array(from.packed.length), gathered: new Float64Array(from.gathered.length), accumulator: new Float64Array(from.accumulator.length) }
      : options.sparse && this.M >= minSparseSize && this.xOffset > 0 ? this.planSparse() : undefined;
    // One shared matrix for the helper thread: the permuted copy when the optimiser factors that.
    const shared = options.threads && this.M >= minThreadedSize ? sharedCholesky(this.M, options.threads === true ? undefined : options.threads) : undefined;
    const own = () => new Float64Array(this.M * this.M);
    // Without helper threads, the permuted copy lives in the WebAssembly kernel's memory.
    const kernel = plan && !(shared && shared.threads > 1) ? supernodalKernel(plan.plan) : undefined;
    this.sparse = plan && { ...plan, S: kernel ? kernel.matrix : shared!.matrix, shared: kernel ? undefined : shared, kernel };
    this.shared = plan ? undefined : shared;
    this.S = this.shared ? this.shared.matrix : own();
    this.observation = options.sparse && !plan ? ObservationUpdate.plan(crossprod, shapes as readonly TermRows[], this.restOffset, this.P) : undefined;
  }

  /** Threads that factor the rest (the calling one included; 1 without helpers). */
  get threads(): number {
    return (this.sparse ? this.sparse.shared : this.shared)?.threads ?? 1;
  }

  /** The levels of term 0 whose products are summed over observations (or undefined): gradient.ts uses it too. */
  get observationRoute(): ObservationUpdate | undefined {
    return this.observation;
  }

  /** Whether `evaluate` takes the supernodal route (a large rest that is sparse enough). */
  get supernodal(): boolean {
    return this.sparse !== undefined;
  }

  /** Λ_k for the current θ (q×q row-major, lower triangular). */
  lambda(k: number): Float64Array {
    return this.lambdas[k];
  }

  /** Refactor for θ. Returns false (and `ok` false) when the rest is not positive definite. */
  update(theta: ArrayLike<number>): boolean {
    if (this.sparse) this.thetaAt = Float64Array.from(theta);
    const L0ok = this.assemble(theta);
    this.subtractFirstTerm(this.S);
    this.ok = L0ok && choleskyAuto(this.S, this.M, this.envelope, this.shared?.helper());
    return this.ok;
  }

  /** θ of the last `update`, kept on the supernodal route only (for `restInverse`). */
  private thetaAt: Float64Array | undefined;

  /**
   * S_R^{-1} = (L_R L_R')^{-1}, S_R the rest's random-effects rows (β known), at the θ of the
   * last `update`, on the structure of the supernodal factor (selected inversion, supernodal.ts):
   * `Z` in the plan's order (lower triangle), `pos[i]` the position of rest row i. Undefined on
   * the dense route or before a successful `update`. The factor itself is left as it was.
   */
  restInverse(): { Z: Float64Array; pos: Int32Array; n: number } | undefined {
    const { sparse, thetaAt } = this;
    if (!sparse || !thetaAt || !this.ok) return undefined;
    // `evaluate` factors the permuted copy, using S as its staging area; `update` restores S.
    const finite = Number.isFinite(this.evaluate(thetaAt, true));
    const Z = finite ? selectedInverse(sparse.S, sparse.plan, this.xOffset) : undefined;
    this.update(thetaAt);
    return Z && { Z, pos: sparse.plan.pos, n: this.M };
  }

  /**
   * Λ for θ, term 0's blocks (returns whether they are positive definite) and the rest before
   * the update from term 0, in S.
   */
  private assemble(theta: ArrayLike<number>, skip?: Uint8Array, clear = true): boolean {
    for (let k = 0; k < this.shapes.length; k++) lambdaOf(theta, this.layout, k, this.lambdas[k]);
    const L0ok = this.updateFirstTerm(skip);
    if (clear) this.S.fill(0);
    this.fillRest();
    return L0ok;
  }

  /**
   * The objective at θ alone, for the optimiser: the same value as `update(θ)` then
   * `objective(reml)`, up to rounding. Where the rest is sparse it factors a permuted copy of the
   * rest (the determinants and the last row do not depend on the order of the random-effects
   * rows), and then leaves the factor itself stale: call `update` before reading it.
   */
  evaluate(theta: ArrayLike<number>, reml: boolean): number {
    const sparse = this.sparse;
    const observation = this.observation;
    if (!sparse && observation) {
      // Term 0's W blocks are formed only for the blocked levels (the factor's own W is stale).
      const L0ok = this.assemble(theta, observation.byObservation);
      this.subtractFirstTerm(this.S, observation);
      this.ok = false;
      if (!L0ok || !choleskyAuto(this.S, this.M, this.envelope, this.shared?.helper())) return Infinity;
      return this.criterion(this.S, reml);
    }
    if (!sparse) {
      this.update(theta);
      return this.objective(reml);
    }
    // The rest's structural entries are all that is read of S (the rest is not written
    // elsewhere by this route), packed; term 0's update is subtracted there, then the packed
    // entries go to the permuted copy, whose factor's structure starts at zero.
    const { from, to, packed } = sparse;
    const { S } = this;
    for (let e = 0; e < from.length; e++) S[from[e]] = 0;
    const L0ok = this.assemble(theta, undefined, false);
    this.ok = false;
    for (let e = 0; e < from.length; e++) packed[e] = S[from[e]];
    this.subtractFirstTermPacked(sparse);
    const Sp = sparse.S;
    zeroStructure(Sp, sparse.plan);
    for (let e = 0; e < from.length; e++) Sp[to[e]] = packed[e];
    if (!L0ok || !choleskySupernodal(Sp, sparse.plan, sparse.shared?.helper(), sparse.kernel)) return Infinity;
    return this.criterion(Sp, reml);
  }

  /**
   * The objective at θ, leaving the whole factor current (as `update` then `objective`, and `ok`
   * set), by the cheapest route that yields it: the observation route's rest is the factor's own
   * (only term 0's W blocks of the levels it skips are still to be formed); the supernodal route
   * factors a permuted copy, so there the dense factor is formed by `update`.
   */
  evaluateFactored(theta: ArrayLike<number>, reml: boolean): number {
    if (this.sparse || !this.observation) {
      this.update(theta);
      return this.objective(reml);
    }
    const value = this.evaluate(theta, reml);
    if (!Number.isFinite(value)) return value;
    this.formCrossBlocks(undefined, this.observation.byObservation);
    this.ok = true;
    return value;
  }

  /**
   * Multiply–adds of one `evaluate` and of one `evaluateFactored` plus `criterionGradient`
   * (gradient.ts), roughly: for choosing between finite differences of the criterion and of
   * its analytic gradient. Deterministic (from the sizes alone), so that the choice does not
   * depend on the machine's load.
   */
  get costs(): { evaluation: number; gradient: number } {
    const { M, shapes, crossprod, P } = this;
    const { q: q0, nlevels: n0 } = shapes[0];
    let pairs = 0;
    for (let j = 0; j < n0; j++) {
      const rows = P + firstTermLevelRows(crossprod, shapes, j);
      pairs += rows * rows;
    }
    const dense = (pairs * q0) / 2 + (M * M * M) / 6;
    const evaluation = this.sparse ? (pairs * q0) / 2 + this.sparse.plan.flops : this.observation ? dense / 3 : dense;
    const factored = this.sparse ? dense : evaluation;
    // The gradient: L_R^{-1} and Γ_RR (M³/6 each), Γ_RR W (M²-by-level pairs times q0).
    return { evaluation, gradient: factored + (M * M * M) / 3 + pairs * q0 };
  }

  /** log|L_θ|²: twice the sum of logs of the random-effects diagonal of L. */
  logdetL(): number {
    return this.logdetLOf(this.S);
  }

  /** log|R_X|²: twice the sum of logs of the fixed-effects diagonal of L. */
  logdetRX(): number {
    return this.logdetRXOf(this.S);
  }

  /** Penalised weighted residual sum of squares: the square of L's last diagonal element. */
  pwrss(): number {
    const r = this.S[this.M * this.M - 1];
    return r * r;
  }

  /**
   * The objective lme4 minimises (Bates et al. 2015, eqs. 34 and 41): the profiled deviance
   * for ML, the REML criterion for REML.
   */
  objective(reml: boolean): number {
    return this.ok ? this.criterion(this.S, reml) : Infinity;
  }

  /** The objective from a factored rest `R` (S, or its permuted copy: the same diagonal sums). */
  private criterion(R: Float64Array, reml: boolean): number {
    const n = this.n;
    const last = R[this.M * this.M - 1];
    const pwrss = last * last;
    if (reml) {
      const nr = n - this.p;
      return this.logdetLOf(R) + this.logdetRXOf(R) + nr * (1 + log((2 * Math.PI * pwrss) / nr));
    }
    return this.logdetLOf(R) + n * (1 + log((2 * Math.PI * pwrss) / n));
  }

  private logdetLOf(R: Float64Array): number {
    const { q: q0, nlevels: n0 } = this.shapes[0];
    let s = 0;
    for (let j = 0; j < n0; j++) for (let c = 0; c < q0; c++) s += log(this.L0[j * q0 * q0 + c * q0 + c]);
    for (let i = 0; i < this.xOffset; i++) s += log(R[i * this.M + i]);
    return 2 * s;
  }

  private logdetRXOf(R: Float64Array): number {
    let s = 0;
    for (let i = this.xOffset; i < this.M - 1; i++) s += log(R[i * this.M + i]);
    return 2 * s;
  }

  /**
   * The rest's random-effects rows as a graph (an edge wherever fillRest or subtractFirstTerm
   * can write), planned for the supernodal Cholesky with the [X y] rows last; undefined when
   * the plan would not save half of the dense work.
   */
  private planSparse(): SparseRest | undefined {
    const { shapes, crossprod, restOffset, xOffset, M } = this;
    const graph = new BitGraph(xOffset);
    const level = new Int32Array(Math.max(...shapes.map((s) => s.q)));
    for (let k = 1; k < shapes.length; k++) {
      const q = shapes[k].q;
      for (let i = 0; i < shapes[k].nlevels; i++) {
        for (let r = 0; r < q; r++) level[r] = restOffset[k] + i * q + r;
        graph.clique(level, q);
      }
      for (let t = 1; t < k; t++) {
        const qt = shapes[t].q;
        const { colPtr, rowLevel } = crossprod.cross[k][t];
        for (let j = 0; j < shapes[t].nlevels; j++) {
          for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
            for (let r = 0; r < q; r++) for (let c = 0; c < qt; c++) graph.connect(restOffset[k] + rowLevel[s] * q + r, restOffset[t] + j * qt + c);
          }
        }
      }
    }
    // Term 0's levels: each joins the random-effects rows it meets (its last P rows are [X y]).
    const rowIndex = this.gather.rowIndex;
    for (let j = 0; j < shapes[0].nlevels; j++) graph.clique(rowIndex, this.gatherColumn(j) - this.P);
    const plan = planSupernodal(graph, this.P);
    if (plan.flops > (0.5 * M * M * M) / 6) return undefined;
    // Structural lower-triangle entries of the rest: the graph's edges, the diagonal, the [X y] rows.
    const from: number[] = [];
    const to: number[] = [];
    const { pos } = plan;
    const { words, bits } = graph;
    const add = (i: number, j: number) => {
      from.push(i * M + j);
      const a = pos[i], b = pos[j];
      to.push(a >= b ? a * M + b : b * M + a);
    };
    for (let i = 0; i < xOffset; i++) {
      for (let j = 0; j < i; j++) if (bits[i * words + (j >>> 5)] & (1 << (j & 31))) add(i, j);
      add(i, i);
    }
    for (let i = xOffset; i < M; i++) for (let j = 0; j <= i; j++) add(i, j);
    // Each level's gathered rows in the order of their positions in the permuted copy.
    const levelStart = new Int32Array(shapes[0].nlevels + 1);
    for (let j = 0; j < shapes[0].nlevels; j++) levelStart[j + 1] = levelStart[j] + this.gatherColumn(j);
    const order = new Int32Array(levelStart[shapes[0].nlevels]);
    const rowPos = new Int32Array(order.length);
    for (let j = 0; j < shapes[0].nlevels; j++) {
      const count = this.gatherColumn(j);
      const base = levelStart[j];
      const byPosition = Array.from({ length: count }, (_, a) => a).sort((a, b) => pos[rowIndex[a]] - pos[rowIndex[b]]);
      byPosition.forEach((a, i) => {
        order[base + i] = a;
        rowPos[base + i] = pos[rowIndex[a]];
      });
    }
    // Structural entries in the order of their positions in the permuted copy (row-major), so
    // that each row of the copy is a contiguous run of the packed entries.
    const byTo = Int32Array.from(to.keys()).sort((a, b) => to[a] - to[b]);
    const fromSorted = Int32Array.from(byTo, (e) => from[e]);
    const toSorted = Int32Array.from(byTo, (e) => to[e]);
    const rowEntryStart = new Int32Array(M + 1);
    for (let e = 0; e < toSorted.length; e++) rowEntryStart[Math.floor(toSorted[e] / M) + 1]++;
    for (let r = 0; r < M; r++) rowEntryStart[r + 1] += rowEntryStart[r];
    // Per position row: the gathered slots on it (one per level of term 0 that meets the row), levels ascending.
    const rowSlotStart = new Int32Array(M + 1);
    for (let t = 0; t < rowPos.length; t++) rowSlotStart[rowPos[t] + 1]++;
    for (let r = 0; r < M; r++) rowSlotStart[r + 1] += rowSlotStart[r];
    const rowSlot = new Int32Array(rowPos.length);
    const rowSlotLevel = new Int32Array(rowPos.length);
    const fillAt = rowSlotStart.slice(0, M);
    for (let j = 0; j < shapes[0].nlevels; j++) {
      for (let t = levelStart[j]; t < levelStart[j + 1]; t++) {
        const at = fillAt[rowPos[t]]++;
        rowSlot[at] = t;
        rowSlotLevel[at] = j;
      }
    }
    return {
      plan, from: fromSorted, to: toSorted, levelStart, order, rowPos, rowEntryStart, rowSlotStart, rowSlot, rowSlotLevel,
      packed: new Float64Array(from.length), gathered: new Float64Array(rowPos.length * shapes[0].q), accumulator: new Float64Array(M),
    };
  }

  /** L0_j = chol(Λ0' Z_j'Z_j Λ0 + I) and the W blocks in column j, for every level j of term 0. */
  private updateFirstTerm(skip?: Uint8Array): boolean {
    const { q: q0, nlevels: n0 } = this.shapes[0];
    const { P, WXy, L0, work } = this;
    const Lam0 = this.lambdas[0];
    const { ZtZ, ZtXy } = this.crossprod.terms[0];
    const qq = q0 * q0;
    let ok = q0 === 1 ? updateLevelsQ1(Lam0[0], ZtZ, ZtXy, L0, WXy, n0, P) : q0 === 2 ? updateLevelsQ2(Lam0, ZtZ, ZtXy, L0, WXy, n0, P) : true;
    const T = work;
    for (let j = 0; j < (q0 <= 2 ? 0 : n0); j++) {
      const lo = j * qq;
      // L0_j ← Λ0' (Z_j'Z_j) Λ0 + I (T = Z_j'Z_j Λ0 first), then its Cholesky factor in place.
      for (let r = 0; r < q0; r++) {
        for (let c = 0; c < q0; c++) {
          let t = 0;
          for (let m = c; m < q0; m++) t += ZtZ[lo + r * q0 + m] * Lam0[m * q0 + c];
          T[r * q0 + c] = t;
        }
      }
      for (let r = 0; r < q0; r++) {
        for (let c = 0; c <= r; c++) {
          let t = r === c ? 1 : 0;
          for (let m = r; m < q0; m++) t += Lam0[m * q0 + r] * T[m * q0 + c];
          // Cholesky–Banachiewicz on the fly: row r of L0_j from rows 0..r.
          for (let k = 0; k < c; k++) t -= L0[lo + r * q0 + k] * L0[lo + c * q0 + k];
          if (r === c) {
            if (!(t > 0)) ok = false;
            L0[lo + r * q0 + r] = Math.sqrt(t);
          } else {
            L0[lo + r * q0 + c] = t / L0[lo + c * q0 + c];
          }
        }
      }
      // WXy_j = ([X y]'Z_j Λ0) L0_j^{-T}: row a solves L0_j w = Λ0' (Z_j'[X y])[:, a].
      const wo = j * P * q0;
      const zo = j * q0 * P;
      for (let a = 0; a < P; a++) {
        const w = wo + a * q0;
        for (let c = 0; c < q0; c++) {
          let t = 0;
          for (let r = c; r < q0; r++) t += Lam0[r * q0 + c] * ZtXy[zo + r * P + a];
          for (let k = 0; k < c; k++) t -= L0[lo + c * q0 + k] * WXy[w + k];
          WXy[w + c] = t / L0[lo + c * q0 + c];
        }
      }
    }
    this.formCrossBlocks(skip);
    return ok;
  }

  /**
   * The Wre_k blocks of term 0's levels (those not in `skip`; with `only`, just those in it):
   * Λ_k' (Z_k'Z_0 block) Λ0, then each row solved against L0_j.
   */
  private formCrossBlocks(skip?: Uint8Array, only?: Uint8Array): void {
    const { q: q0, nlevels: n0 } = this.shapes[0];
    const qq = q0 * q0;
    const Lam0 = this.lambdas[0];
    const L0 = this.L0;
    for (let k = 1; k < this.shapes.length; k++) {
      const qk = this.shapes[k].q;
      const { colPtr, values } = this.crossprod.cross[k][0];
      const W = this.Wre[k];
      const Lamk = this.lambdas[k];
      for (let j = 0; j < n0; j++) {
        if ((skip && skip[j]) || (only && !only[j])) continue;
        for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
          const o = s * qk * q0;
          sandwich(Lamk, qk, values, o, Lam0, q0, W, o);
          for (let r = 0; r < qk; r++) forwardSolve(L0, q0, W, j * qq, o + r * q0);
        }
      }
    }
  }

  /** The rest before the update from term 0: Λ'AΛ + I for terms ≥ 1, and the [X y] blocks. */
  private fillRest(): void {
    const { shapes, crossprod, S, M, P, xOffset, restOffset } = this;
    for (let k = 1; k < shapes.length; k++) {
      const { q, nlevels } = shapes[k];
      const Lam = this.lambdas[k];
      const { ZtZ, ZtXy } = crossprod.terms[k];
      for (let i = 0; i < nlevels; i++) {
        const base = restOffset[k] + i * q;
        congruence(Lam, ZtZ, i * q * q, q, this.work, 0, this.work2);
        for (let r = 0; r < q; r++) {
          for (let c = 0; c <= r; c++) S[(base + r) * M + base + c] = this.work[r * q + c] + (r === c ? 1 : 0);
        }
        // [X y] rows against this level: (Λ_k' Z_i'[X y])' .
        for (let a = 0; a < P; a++) {
          for (let c = 0; c < q; c++) {
            let s = 0;
            for (let r = c; r < q; r++) s += Lam[r * q + c] * ZtXy[i * q * P + r * P + a];
            S[(xOffset + a) * M + base + c] = s;
          }
        }
      }
      for (let t = 1; t < k; t++) {
        const qt = shapes[t].q;
        const { colPtr, rowLevel, values } = crossprod.cross[k][t];
        const Lamt = this.lambdas[t];
        for (let j = 0; j < shapes[t].nlevels; j++) {
          for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
            sandwich(Lam, q, values, s * q * qt, Lamt, qt, this.work, 0);
            const rowBase = restOffset[k] + rowLevel[s] * q;
            const colBase = restOffset[t] + j * qt;
            for (let r = 0; r < q; r++) for (let c = 0; c < qt; c++) S[(rowBase + r) * M + colBase + c] = this.work[r * qt + c];
          }
        }
      }
    }
    const X = crossprod.XytXy;
    const adjust = this.xyAdjustment;
    for (let a = 0; a < P; a++) for (let b = 0; b <= a; b++) S[(xOffset + a) * M + xOffset + b] = X[a * P + b] + (adjust ? adjust[a * P + b] : 0);
  }

  /**
   * S −= W W', summed over the levels j of term 0 (each column block touches few rows); with
   * `observation`, its levels by observations.
   */
  private subtractFirstTerm(C: Float64Array, observation?: ObservationUpdate): void {
    const { shapes, M, P, xOffset, WXy } = this;
    const { q: q0, nlevels: n0 } = shapes[0];
    if (shapes.length === 1) {
      // One term: only the [X y] rows, S_XX −= Σ_j WXy_j WXy_j' (the rest is just [X y]).
      subtractXyOuter(WXy, n0, q0, P, C, M, xOffset);
      return;
    }
    const { rowIndex, rowValues, identity } = this.gather;
    for (let j = 0; j < n0; j++) {
      if (observation && observation.byObservation[j]) {
        observation.subtract(j, this.lambdas, this.L0, j * q0 * q0, WXy, j * P * q0, P, C, M, xOffset);
        subtractLevelXy(C, M, q0, P, WXy, j * P * q0, xOffset);
        continue;
      }
      const count = this.gatherColumn(j);
      // Rows are increasing (terms in order, levels sorted, then [X y]): a ≥ b is the lower triangle.
      subtractLevel(C, M, q0, count, rowValues, rowIndex, identity, 0);
    }
  }

  /**
   * The supernodal route's S −= W W' on the packed structural entries, row by row of the
   * permuted copy: row a's entries go to the accumulator, each level j meeting the row (in
   * ascending j) subtracts w_a · w_b for its rows b at or before a, and the row goes back. Each
   * entry gets the subtractions of the levels in ascending order, as in `subtractFirstTerm`.
   */
  private subtractFirstTermPacked(sparse: SparseRest): void {
    const q0 = this.shapes[0].q;
    const n0 = this.shapes[0].nlevels;
    const { M } = this;
    const { packed, to, gathered, accumulator: acc, rowEntryStart, rowSlotStart, rowSlot, rowSlotLevel, levelStart, order, rowPos } = sparse;
    const { rowValues } = this.gather;
    for (let j = 0; j < n0; j++) {
      const count = this.gatherColumn(j);
      const base = levelStart[j];
      for (let i = 0; i < count; i++) {
        const from = order[base + i] * q0;
        const at = (base + i) * q0;
        for (let c = 0; c < q0; c++) gathered[at + c] = rowValues[from + c];
      }
    }
    for (let a = 0; a < M; a++) {
      const s0 = rowSlotStart[a], s1 = rowSlotStart[a + 1];
      if (s0 === s1) continue;
      const e0 = rowEntryStart[a], e1 = rowEntryStart[a + 1];
      const ra = a * M;
      for (let e = e0; e < e1; e++) acc[to[e] - ra] = packed[e];
      for (let s = s0; s < s1; s++) {
        const t = rowSlot[s];
        const base = levelStart[rowSlotLevel[s]];
        if (q0 === 1) {
          const wa = gathered[t];
          for (let b = base; b <= t; b++) acc[rowPos[b]] -= wa * gathered[b];
          continue;
        }
        const oa = t * q0;
        for (let b = base; b <= t; b++) {
          const ob = b * q0;
          let sum = 0;
          for (let c = 0; c < q0; c++) sum += gathered[oa + c] * gathered[ob + c];
          acc[rowPos[b]] -= sum;
        }
      }
      for (let e = e0; e < e1; e++) packed[e] = acc[to[e] - ra];
    }
  }

  /**
   * Gather column block j of W (term 0's level j): its rows' indices in the rest and their q0
   * values, contiguous in `this.gather`, in increasing row order. Returns the number of rows.
   */
  private gatherColumn(j: number): number {
    const { shapes, restOffset, xOffset, P, WXy } = this;
    const q0 = shapes[0].q;
    const { rowIndex, rowValues } = this.gather;
    let count = 0;
    for (let k = 1; k < shapes.length; k++) {
      const qk = shapes[k].q;
      const { colPtr, rowLevel } = this.crossprod.cross[k][0];
      const W = this.Wre[k];
      for (let s = colPtr[j]; s < colPtr[j + 1]; s++) {
        for (let r = 0; r < qk; r++, count++) {
          rowIndex[count] = restOffset[k] + rowLevel[s] * qk + r;
          const from = (s * qk + r) * q0;
          for (let c = 0; c < q0; c++) rowValues[count * q0 + c] = W[from + c];
        }
      }
    }
    const wo = j * P * q0;
    for (let a = 0; a < P; a++, count++) {
      rowIndex[count] = xOffset + a;
      for (let c = 0; c < q0; c++) rowValues[count * q0 + c] = WXy[wo + a * q0 + c];
    }
    return count;
  }
}

/**
 * C[rows[a]][rows[b]] −= w_a · w_b for the pairs b ≤ a of one level's `count` gathered rows,
 * where w_a is the q0-vector of `values` at gather index order[a] (rows and order read from
 * `base`; rows[a] ≥ rows[b] for b ≤ a, so the pairs land in the lower triangle).
 */
function subtractLevel(C: Float64Array, M: number, q0: number, count: number, values: Float64Array, rows: Int32Array, order: Int32Array, base: number): void {
  for (let a = 0; a < count; a++) {
    const ra = rows[base + a] * M;
    const oa = order[base + a] * q0;
    if (q0 === 1) {
      const wa = values[oa];
      for (let b = 0; b <= a; b++) C[ra + rows[base + b]] -= wa * values[order[base + b]];
      continue;
    }
    for (let b = 0; b <= a; b++) {
      const ob = order[base + b] * q0;
      let s = 0;
      for (let c = 0; c < q0; c++) s += values[oa + c] * values[ob + c];
      C[ra + rows[base + b]] -= s;
    }
  }
}

/** C[X y, X y] −= WXy_j WXy_j' (lower triangle) for one level's P×q0 block at `wo`. */
function subtractLevelXy(C: Float64Array, M: number, q0: number, P: number, WXy: Float64Array, wo: number, xOffset: number): void {
  for (let a = 0; a < P; a++) {
    const ra = (xOffset + a) * M + xOffset;
    const oa = wo + a * q0;
    for (let b = 0; b <= a; b++) {
      const ob = wo + b * q0;
      let s = 0;
      for (let c = 0; c < q0; c++) s += WXy[oa + c] * WXy[ob + c];
      C[ra + b] -= s;
    }
  }
}

/**
 * Zero the entries of an n×n row-major array that a supernodal factorisation with `plan`
 * reads or writes: each chunk's diagonal block (lower triangle) and its rows below, on the
 * chunk's columns (the structure of L, explicit zeros of relaxed supernodes included).
 */
function zeroStructure(a: Float64Array, plan: SupernodalPlan): void {
  const { n, start, end, rows } = plan;
  for (let c = 0; c < start.length; c++) {
    const kb = start[c], ke = end[c];
    for (let i = kb; i < ke; i++) a.fill(0, i * n + kb, i * n + i + 1);
    const r = rows[c];
    for (let t = 0; t < r.length; t++) a.fill(0, r[t] * n + kb, r[t] * n + ke);
  }
}

/**
 * Levels of a first term with q = 1 (random intercepts or one slope): L0_j = √(λ²·z_j'z_j + 1)
 * and WXy_j = λ·Z_j'[X y] / L0_j. Returns false if any L0_j is not positive.
 */
function updateLevelsQ1(lambda: number, ZtZ: Float64Array, ZtXy: Float64Array, L0: Float64Array, WXy: Float64Array, n0: number, P: number): boolean {
  let ok = true;
  for (let j = 0; j < n0; j++) {
    const d = lambda * lambda * ZtZ[j] + 1;
    if (!(d > 0)) ok = false;
    const l = Math.sqrt(d);
    L0[j] = l;
    const f = lambda / l;
    const o = j * P;
    for (let a = 0; a < P; a++) WXy[o + a] = f * ZtXy[o + a];
  }
  return ok;
}

/**
 * Levels of a first term with q = 2 (intercept and slope): the same computation as the general
 * loop of `updateFirstTerm`, written out for 2×2 blocks (the common case, and the hot path of
 * the Gibbs sampler).
 */
function updateLevelsQ2(Lam: Float64Array, ZtZ: Float64Array, ZtXy: Float64Array, L0: Float64Array, WXy: Float64Array, n0: number, P: number): boolean {
  const l00 = Lam[0];
  const l10 = Lam[2];
  const l11 = Lam[3];
  let ok = true;
  for (let j = 0; j < n0; j++) {
    const o = j * 4;
    const a00 = ZtZ[o];
    const a10 = ZtZ[o + 2];
    const a11 = ZtZ[o + 3];
    // Λ'AΛ + I for Λ = [l00 0; l10 l11].
    const m00 = l00 * (a00 * l00 + 2 * a10 * l10) + l10 * l10 * a11 + 1;
    const m10 = l11 * (a10 * l00 + a11 * l10);
    const m11 = l11 * l11 * a11 + 1;
    if (!(m00 > 0)) ok = false;
    const c00 = Math.sqrt(m00);
    const c10 = m10 / c00;
    const d = m11 - c10 * c10;
    if (!(d > 0)) ok = false;
    const c11 = Math.sqrt(d);
    L0[o] = c00;
    L0[o + 1] = 0;
    L0[o + 2] = c10;
    L0[o + 3] = c11;
    const w = j * P * 2;
    const z = j * 2 * P;
    for (let a = 0; a < P; a++) {
      const z0 = ZtXy[z + a];
      const z1 = ZtXy[z + P + a];
      // Λ' (Z_j'[X y])[:, a], then forward substitution with L0_j.
      const v0 = l00 * z0 + l10 * z1;
      const v1 = l11 * z1;
      const w0 = v0 / c00;
      WXy[w + a * 2] = w0;
      WXy[w + a * 2 + 1] = (v1 - c10 * w0) / c11;
    }
  }
  return ok;
}

/**
 * S[X y, X y] −= Σ_j W_j W_j' for the P×q0 blocks W_j of WXy (lower triangle): each entry is a
 * sum over the levels kept in a register (the Gibbs sampler's hot path for one-term models).
 */
function subtractXyOuter(WXy: Float64Array, n0: number, q0: number, P: number, S: Float64Array, M: number, xOffset: number): void {
  const block = P * q0;
  for (let a = 0; a < P; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      if (q0 === 1) {
        for (let o = 0; o < n0 * block; o += block) s += WXy[o + a] * WXy[o + b];
      } else if (q0 === 2) {
        for (let o = 0; o < n0 * block; o += block) s += WXy[o + 2 * a] * WXy[o + 2 * b] + WXy[o + 2 * a + 1] * WXy[o + 2 * b + 1];
      } else {
        for (let o = 0; o < n0 * block; o += block) {
          let t = 0;
          for (let c = 0; c < q0; c++) t += WXy[o + a * q0 + c] * WXy[o + b * q0 + c];
          s += t;
        }
      }
      S[(xOffset + a) * M + xOffset + b] -= s;
    }
  }
}

/**
 * out = Λ' A Λ for a q×q block A (row-major at `aOffset`) and lower-triangular Λ, written as a
 * full symmetric block at `outOffset`. `T` (≥ q² entries, not `out`) is scratch.
 */
function congruence(Lam: Float64Array, A: Float64Array, aOffset: number, q: number, out: Float64Array, outOffset: number, T: Float64Array): void {
  // T = A Λ, then out = Λ' T.
  for (let r = 0; r < q; r++) {
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let m = c; m < q; m++) s += A[aOffset + r * q + m] * Lam[m * q + c];
      T[r * q + c] = s;
    }
  }
  for (let r = 0; r < q; r++) {
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let m = r; m < q; m++) s += Lam[m * q + r] * T[m * q + c];
      out[outOffset + r * q + c] = s;
    }
  }
}

/** Scratch of {@link sandwich}: B Λ_b. */
let sandwichScratch = new Float64Array(64);

/**
 * out = Λ_a' B Λ_b for a qa×qb block B (row-major at `bOffset`), written at `outOffset`: first
 * T = B Λ_b, then Λ_a' T (qa·qb·(qa + qb)/2 multiply–adds, against about a quarter of qa²qb² for
 * the triple sum term by term).
 */
function sandwich(LamA: Float64Array, qa: number, B: Float64Array, bOffset: number, LamB: Float64Array, qb: number, out: Float64Array, outOffset: number): void {
  if (sandwichScratch.length < qa * qb) sandwichScratch = new Float64Array(qa * qb);
  const T = sandwichScratch;
  for (let m = 0; m < qa; m++) {
    const bm = bOffset + m * qb;
    for (let c = 0; c < qb; c++) {
      let s = 0;
      for (let l = c; l < qb; l++) s += B[bm + l] * LamB[l * qb + c];
      T[m * qb + c] = s;
    }
  }
  for (let r = 0; r < qa; r++) {
    for (let c = 0; c < qb; c++) {
      let s = 0;
      for (let m = r; m < qa; m++) s += LamA[m * qa + r] * T[m * qb + c];
      out[outOffset + r * qb + c] = s;
    }
  }
}
