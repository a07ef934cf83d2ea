/**
 * No pooling, partial pooling and complete pooling of one random-effects term, all from the
 * blocked penalised solve the fitter uses (`BlockedCholesky` + `solve`) on the cross-product
 * blocks.
 *
 * Scale term k's relative covariance factor by t, Λ_k → t·Λ̂_k (Ψ_k → t²·Ψ̂_k), the other terms
 * held at their estimates. Each level's coefficient on column r of the term is
 *
 *     c_jr(t) = Σ_c β_c(t)·w_jc  +  b_jr(t),
 *
 * the sum running over the fixed columns c that "modify" coefficient r (x_c = w_jc·z_r on the
 * rows of every level j: the bare fixed effect of the same name with w = 1, group-level
 * predictors such as `meanses` on the intercept, cross-level interactions such as `meanses:cses`
 * on the slope). t = 1 gives the eBLUPs of the fit (partial pooling), t = 0 the fixed part alone
 * (complete pooling: the GLS fit without term k), and t → ∞ the dummy-variable regression in
 * which every level's coefficients are free (no pooling). In that limit the modifying columns
 * are collinear with the levels' columns, so they are dropped and their effects absorbed into
 * the levels' coefficients; Λ_k is then set so large (Λ_k'Z_j'Z_jΛ_k = 10^14 on the diagonal
 * for the largest level) that the penalty I is a perturbation of relative size ~10^-14, and one
 * Richardson step removes its first-order effect: the limit to working precision, with no
 * second pass over the rows.
 */
import { LmmError } from '../errors.js';
import { symmetricEigen } from '../optim/eigen.js';
import { modelRows, type MixedModel } from '../model/model.js';
import type { CrossProducts } from '../model/crossprod.js';
import { BlockedCholesky } from './blocked.js';
import { toOriginalBeta } from '../model/reparam.js';
import { solve } from './solution.js';
import { thetaLayout } from './theta.js';

/** A fixed-effects column that is, within every level of a term, a multiple of one of its columns. */
export interface Modifier {
  /** Index of the fixed-effects column (model.fixefNames). */
  column: number;
  name: string;
  /** Index of the term's column it multiplies (term.names). */
  coefficient: number;
  /** Per level j: the multiplier w_jc (x_c = w_jc·z_r on the level's rows). */
  w: Float64Array;
}

/** Relative residual below which a column counts as a multiple of z_r within a level. */
export const MODIFIER_TOLERANCE = 1e-9;

/**
 * The fixed columns that modify term k's coefficients, detected from the data (one pass over
 * the rows): column c modifies coefficient r when, on the rows of every level, x_c = w_j·z_r,
 * i.e. Σ x_c² − (Σ z_r x_c)²/Σ z_r² ≤ tolerance·Σ x_c² in every level. Each column is matched to
 * the first such r. In a level where z_r is zero on every row (and x_c too) w_j is not in the
 * data; it is then taken from the formula where that is possible (`a:z` with `a` a modifier of
 * the intercept gives that modifier's w_j) and 0 otherwise.
 */
export function termModifiers(model: MixedModel, k: number): Modifier[] {
  const term = model.terms[k];
  const { q, nlevels, names } = term;
  const { p } = model;
  const { zx, xx, zz } = model.y === null && term.levelSums ? levelSumsFromBlocks(model, k) : levelSumsFromRows(model, k);
  const found: Modifier[] = [];
  for (let c = 0; c < p; c++) {
    for (let r = 0; r < q; r++) {
      const w = new Float64Array(nlevels);
      let ok = true;
      const undetermined: number[] = [];
      for (let j = 0; j < nlevels && ok; j++) {
        const a = zz[j * q + r];
        const b = zx[(j * q + r) * p + c];
        const s = xx[j * p + c];
        if (a === 0) {
          if (s !== 0) ok = false;
          else undetermined.push(j);
          continue;
        }
        if (s - (b * b) / a > MODIFIER_TOLERANCE * s) ok = false;
        else w[j] = b / a;
      }
      if (!ok) continue;
      const name = model.fixefNames[c];
      if (undetermined.length > 0) fillFromFormula(w, undetermined, name, names[r], found, names);
      found.push({ column: c, name, coefficient: r, w });
      break;
    }
  }
  return found;
}

/** Per level of term k: Σ z_r x_c, Σ x_c² and Σ z_r² from the rows. */
function levelSumsFromRows(model: MixedModel, k: number): { zx: Float64Array; xx: Float64Array; zz: Float64Array } {
  const { q, nlevels } = model.terms[k];
  const { p, n } = model;
  const rows = modelRows(model, 'the modifiers of the pooling comparison');
  const { X } = rows;
  const { refs, Z } = rows.terms[k];
  const zx = new Float64Array(nlevels * q * p);
  const xx = new Float64Array(nlevels * p);
  const zz = new Float64Array(nlevels * q);
  for (let i = 0; i < n; i++) {
    const j = refs[i];
    for (let r = 0; r < q; r++) {
      const z = Z[i * q + r];
      zz[j * q + r] += z * z;
    }
    for (let c = 0; c < p; c++) {
      const x = X[i * p + c];
      if (x === 0) continue;
      xx[j * p + c] += x * x;
      for (let r = 0; r < q; r++) zx[(j * q + r) * p + c] += Z[i * q + r] * x;
    }
  }
  return { zx, xx, zz };
}

/**
 * The same sums without rows (an unweighted model built by SQL): Σ z_r² is the diagonal of
 * Z_j'Z_j, Σ z_r x_c = Z_j'(x_c − m_c) + m_c Σ z_r with the centre m_c of the blocks, and Σ x_c²
 * per level comes with the model (`levelSums`).
 */
function levelSumsFromBlocks(model: MixedModel, k: number): { zx: Float64Array; xx: Float64Array; zz: Float64Array } {
  if (model.weighted) throw new LmmError('option', 'the pooling comparison is not available for models with prior weights');
  const { q, nlevels } = model.terms[k];
  const sums = model.terms[k].levelSums as { z: Float64Array; xx: Float64Array };
  const { p } = model;
  const P = p + 1;
  const { ZtZ, ZtXy } = model.crossprod.terms[k];
  const zx = new Float64Array(nlevels * q * p);
  const zz = new Float64Array(nlevels * q);
  for (let j = 0; j < nlevels; j++) {
    for (let r = 0; r < q; r++) {
      zz[j * q + r] = ZtZ[j * q * q + r * q + r];
      for (let c = 0; c < p; c++) zx[(j * q + r) * p + c] = ZtXy[j * q * P + r * P + c] + model.xCenter[c] * sums.z[j * q + r];
    }
  }
  return { zx, xx: sums.xx, zz };
}

/** w_j where the data do not give it: 1 for the bare column, the cofactor's w_j for `a:z`. */
function fillFromFormula(w: Float64Array, levels: number[], name: string, column: string, found: Modifier[], names: string[]): void {
  let source: Float64Array | number = 0;
  if (name === column) source = 1;
  else {
    const parts = name.split(':');
    const at = parts.indexOf(column);
    if (at >= 0) {
      const cofactor = parts.filter((_, i) => i !== at).join(':');
      const m = found.find((f) => f.name === cofactor && names[f.coefficient] === '(Intercept)');
      if (m) source = m.w;
    }
  }
  for (const j of levels) w[j] = typeof source === 'number' ? source : source[j];
}

/**
 * The fixed part of each level's coefficients, Σ_c β_c·w_jc per coefficient r: the population
 * (complete-pooling) value at β, level-major nlevels×q.
 */
export function populationValues(beta: ArrayLike<number>, modifiers: readonly Modifier[], q: number, nlevels: number): Float64Array {
  const out = new Float64Array(nlevels * q);
  for (const m of modifiers) {
    const b = beta[m.column];
    for (let j = 0; j < nlevels; j++) out[j * q + m.coefficient] += b * m.w[j];
  }
  return out;
}

/**
 * Evaluates the level coefficients of term k along the pooling path Ψ_k = t²·Ψ̂_k (other terms
 * at their estimates), reusing one blocked factor for finite t and another (modifiers dropped)
 * for t = ∞.
 */
export class PoolingPath {
  readonly q: number;
  readonly nlevels: number;
  /** The factors for finite t and for the limit, made when first needed (each holds a dense rest). */
  private factorCache: BlockedCholesky | undefined;
  private limitFactor: BlockedCholesky | undefined;

  constructor(readonly model: MixedModel, readonly theta: ArrayLike<number>, readonly k: number, readonly modifiers: readonly Modifier[]) {
    this.q = model.terms[k].q;
    this.nlevels = model.terms[k].nlevels;
  }

  private get factor(): BlockedCholesky {
    this.factorCache ??= new BlockedCholesky(this.model.crossprod, this.model.terms);
    return this.factorCache;
  }

  /** θ with term k's entries multiplied by t. */
  private scaledTheta(t: number): Float64Array {
    const theta = Float64Array.from(this.theta);
    const { offset, q } = thetaLayout(this.model.terms.map((t) => t.q));
    const len = (q[this.k] * (q[this.k] + 1)) / 2;
    for (let i = 0; i < len; i++) theta[offset[this.k] + i] *= t;
    return theta;
  }

  /**
   * Level coefficients (level-major nlevels×q) at Ψ_k = t²Ψ̂_k for finite t ≥ 0, with the β used
   * for their fixed part; null if the factor is not positive definite.
   */
  at(t: number): { coef: Float64Array; beta: Float64Array } | null {
    if (!this.factor.update(this.scaledTheta(t))) return null;
    const sol = solve(this.factor);
    const beta = toOriginalBeta(this.model, sol.beta);
    const coef = populationValues(beta, this.modifiers, this.q, this.nlevels);
    const b = sol.b[this.k];
    for (let i = 0; i < coef.length; i++) coef[i] += b[i];
    return { coef, beta };
  }

  /**
   * The no-pooling limit t → ∞: every level's coefficients free, the modifying columns absorbed.
   * Level-major nlevels×q; NaN where the level does not identify the coefficient (see
   * {@link identifiedCoefficients}); null if the shared columns are collinear with the levels'.
   */
  noPooling(): Float64Array | null {
    const { model, k, q, nlevels } = this;
    // The solve at penalty ε (Λ_k'A_jΛ_k ~ 1/ε) is c(ε) = c(0) + ε·c' + O(ε²): one Richardson step
    // from ε and ε/2, c(0) ≈ 2·c(ε/2) − c(ε), removes the first-order term (which for a level
    // whose columns are nearly collinear, such as an intercept and a slope far from zero, is
    // otherwise ~1e-9 relative).
    const coarse = this.limitSolve(1);
    const fine = coarse && this.limitSolve(Math.SQRT2);
    if (!coarse || !fine) return null;
    const coef = Float64Array.from(fine, (v, i) => 2 * v - coarse[i]);
    const identified = identifiedCoefficients(model.crossprod.terms[k].ZtZ, q, nlevels);
    for (let i = 0; i < coef.length; i++) if (!identified[i]) coef[i] = NaN;
    return coef;
  }

  /** The solve with Λ_k diagonal, `factor` × 10^7/√(max_j (Z_j'Z_j)_rr): penalty ε ≈ 10^-14/factor². */
  private limitSolve(factor: number): Float64Array | null {
    const { model, k, q, nlevels, modifiers } = this;
    const drop = modifiers.map((m) => m.column);
    this.limitFactor ??= new BlockedCholesky(dropFixedColumns(model.crossprod, drop), model.terms);
    const f = this.limitFactor;
    const { ZtZ } = model.crossprod.terms[k];
    const theta = Float64Array.from(this.theta);
    let t = f.layout.offset[k];
    for (let c = 0; c < q; c++) {
      for (let r = c; r < q; r++, t++) {
        if (r !== c) {
          theta[t] = 0;
          continue;
        }
        let largest = 0;
        for (let j = 0; j < nlevels; j++) largest = Math.max(largest, ZtZ[j * q * q + r * q + r]);
        theta[t] = largest > 0 ? (factor * 1e7) / Math.sqrt(largest) : 1;
      }
    }
    if (!f.update(theta)) return null;
    const sol = solve(f);
    const coef = Float64Array.from(sol.b[k]);
    // Back from the centred cross-products (reparam.ts): ỹ = X̃_s β' + Z c̃ means y = X_s(β' + δγ_s) + Z(c̃ + δ g_j)
    // with δ = yShift − Σ_s m_s β'_s and g_j = Σ_{c absorbed} γ_c w_jc (the constant within level j).
    const keep = model.fixefNames.map((_, c) => c).filter((c) => !drop.includes(c));
    let delta = model.yShift;
    keep.forEach((c, s) => (delta -= model.xCenter[c] * sol.beta[s]));
    if (delta !== 0) {
      for (const m of modifiers) {
        const g = model.yShiftDirection[m.column];
        if (g === 0) continue;
        for (let j = 0; j < nlevels; j++) coef[j * q + m.coefficient] += delta * g * m.w[j];
      }
    }
    return coef;
  }
}

/** Relative eigenvalue of Z_j'Z_j (scaled to unit diagonal) below which a direction is not identified. */
export const IDENTIFIED_TOLERANCE = 1e-10;

/**
 * Whether level j identifies its coefficient r from its own rows: e_r lies in the range of
 * Z_j'Z_j (no direction of its null space has a component on r). Level-major nlevels×q.
 */
export function identifiedCoefficients(ZtZ: Float64Array, q: number, nlevels: number): Uint8Array {
  const out = new Uint8Array(nlevels * q);
  const A = new Float64Array(q * q);
  for (let j = 0; j < nlevels; j++) {
    const d = Array.from({ length: q }, (_, r) => Math.sqrt(ZtZ[j * q * q + r * q + r]));
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) A[r * q + c] = d[r] > 0 && d[c] > 0 ? ZtZ[j * q * q + r * q + c] / (d[r] * d[c]) : 0;
    const { values, vectors: V } = symmetricEigen(A, q);
    const largest = Math.max(...values);
    for (let r = 0; r < q; r++) {
      let ok = d[r] > 0;
      for (let e = 0; e < q && ok; e++) if (values[e] <= IDENTIFIED_TOLERANCE * largest && Math.abs(V[r * q + e]) > 1e-6) ok = false;
      out[j * q + r] = ok ? 1 : 0;
    }
  }
  return out;
}

/** The cross-products without fixed-effects columns `drop` (the [X y] blocks only). */
function dropFixedColumns(cp: CrossProducts, drop: readonly number[]): CrossProducts {
  const P = cp.p + 1;
  const keep = Array.from({ length: P }, (_, j) => j).filter((j) => !drop.includes(j));
  const K = keep.length;
  const XytXy = new Float64Array(K * K);
  keep.forEach((a, r) => keep.forEach((b, c) => (XytXy[r * K + c] = cp.XytXy[a * P + b])));
  const terms = cp.terms.map((block) => {
    const rows = block.ZtXy.length / P;
    const ZtXy = new Float64Array(rows * K);
    for (let r = 0; r < rows; r++) keep.forEach((b, c) => (ZtXy[r * K + c] = block.ZtXy[r * P + b]));
    return { ZtZ: block.ZtZ, ZtXy };
  });
  return { ...cp, p: K - 1, terms, XytXy };
}

/** The three estimates of one term's level coefficients from a fit (level-major nlevels×q). */
export interface TermPooling {
  k: number;
  /** The fixed columns absorbed into the levels' coefficients, per coefficient. */
  modifiers: Modifier[];
  /** No pooling; NaN where the level does not identify it; null if not computable at all. */
  ols: Float64Array | null;
  /** Complete pooling: the fixed part at the level's covariates, at the fit's β. */
  population: Float64Array;
  /** Partial pooling: population + conditional mode. */
  eblup: Float64Array;
  /** Conditional SD of the conditional mode (lme4's condsd). */
  eblupSd: Float64Array;
}

/** What {@link termPooling} needs of a fit (an `LmmFit`). */
export interface PoolingFit {
  model: MixedModel;
  theta: ArrayLike<number>;
  beta: ArrayLike<number>;
  b: Float64Array[];
  condVar: Float64Array[];
}

/** No, partial and complete pooling of every level of term k of a fit. */
export function termPooling(fit: PoolingFit, k: number, modifiers: Modifier[] = termModifiers(fit.model, k)): TermPooling {
  const { q, nlevels } = fit.model.terms[k];
  const population = populationValues(fit.beta, modifiers, q, nlevels);
  const eblup = Float64Array.from(population, (v, i) => v + fit.b[k][i]);
  const V = fit.condVar[k];
  const eblupSd = Float64Array.from({ length: nlevels * q }, (_, i) => Math.sqrt(V[Math.floor(i / q) * q * q + (i % q) * (q + 1)]));
  const ols = new PoolingPath(fit.model, fit.theta, k, modifiers).noPooling();
  return { k, modifiers, ols, population, eblup, eblupSd };
}
