import { LmmError } from '../src/errors.js';
import type { MixedModel } from '../src/model/model.js';
import { backSolve, forwardSolve } from '../src/linalg/dense.js';
import { cholesky } from './distributions.js';
import { toPrimeCovariance, toPrimeMean } from '../src/model/reparam.js';
import { priorsSchema } from './priorsSchema.js';
import { schemaViolations } from './schemaCheck.js';
import type { RhoPrior } from './residualSteps.js';

/** Huang & Wand (2013) prior on a grouping factor's Ψ: each SD half-t(df, scale_r); for df = 2 each correlation uniform. */
export interface HalfTPsi {
  halfT: { df: number; scale: number[] };
}
/** Ψ ~ InverseWishart(df, scale), density ∝ |Ψ|^{−(df+q+1)/2} exp(−tr(scale·Ψ⁻¹)/2). */
export interface InverseWishartPsi {
  df: number;
  scale: number[][];
}
/** σ ~ half-t(df, scale), by σ² | λ ~ IG(df/2, df/λ), λ ~ IG(1/2, 1/scale²). */
export interface HalfTSigma2 {
  halfT: { df: number; scale: number };
}
/** σ² ~ InverseGamma(shape, rate), density ∝ (σ²)^{−(shape+1)} exp(−rate/σ²). */
export interface InverseGammaSigma2 {
  shape: number;
  rate: number;
}

/** Priors in the priors-file form of CONTRACT.md, fully specified (what `priors` echoes). */
export interface PriorsSpec {
  /** β ~ Normal(mean, var), or the improper flat prior. */
  beta: 'flat' | { mean: number[]; var: number[][] };
  /** Per grouping factor, over all the factor's random-effects columns (in formula order). */
  Psi: Record<string, HalfTPsi | InverseWishartPsi>;
  sigma2: HalfTSigma2 | InverseGammaSigma2;
  /**
   * The AR(1) correlation of `--residuals ar1(...)` (present only then): uniform on (a, b) ⊆ (−1, 1),
   * or (ρ + 1)/2 ~ Beta(a, b). Default uniform on (−1, 1). (Each stratum of `var(...)` takes the
   * `sigma2` prior on its own variance.)
   */
  rho?: { uniform: [number, number] } | { beta: [number, number] };
}

/** What of the residual structure the priors depend on. */
export interface ResidualPriorsContext {
  ar1: boolean;
}

/**
 * One term's prior on Ψ_k, as the kernel uses it. `halfT`: the Huang–Wand hierarchy
 * Ψ_k | λ ~ IW(ν + q − 1, 2ν·diag(1/λ_1, …, 1/λ_q)), λ_r ~ IG(1/2, 1/A_r²), with `scale` = (A_r).
 */
export type TermPsiPrior = { kind: 'invWishart'; df: number; scale: Float64Array } | { kind: 'halfT'; nu: number; scale: Float64Array };
/** The prior on σ² as the kernel uses it (`halfT`: σ² | λ ~ IG(ν/2, ν/λ), λ ~ IG(1/2, 1/A²)). */
export type Sigma2Prior = { kind: 'invGamma'; shape: number; rate: number } | { kind: 'halfT'; nu: number; scale: number };

/** Priors per model term, ready for the sampler's conditionals (plain data: sent to workers). */
export interface TermPriors {
  /** Prior precision of β (p×p) and precision × mean, or null for the flat prior. */
  betaPrecision: Float64Array | null;
  betaPrecisionMean: Float64Array | null;
  betaMean: Float64Array | null;
  /** Per term (lme4 order). */
  Psi: TermPsiPrior[];
  sigma2: Sigma2Prior;
  /** The prior of ρ under `ar1` residuals (absent otherwise). */
  rho?: RhoPrior;
}

/** Multiplier of the data's scale in the default normal prior on β (weakly informative). */
const betaScale = 10;

/** Degrees of freedom of the default half-t priors: ν = 2 makes each correlation uniform on (−1, 1) (Huang & Wand 2013, §3). */
const halfTDf = 2;

/**
 * Default priors, adapted to the scale of the rows used (documented in README; sample SDs with
 * n − 1):
 * - β_j ~ N(0, (10·sd(y)/sd(x_j))²); for a constant column (the intercept) sd(x_j) is taken as 1
 *   and sd(y) as max(sd(y), |mean(y)|), so the prior covers the response's level;
 * - Ψ[g]: Huang–Wand with ν = 2, A_r = sd(y) for a constant random-effects column and
 *   sd(y)/sd(z_r) otherwise (each SD half-t(2, A_r), correlations uniform);
 * - σ: half-t(2, sd(y)).
 */
export function defaultPriors(model: MixedModel): PriorsSpec {
  const { p } = model;
  const { mean: yMean, variance: yVar } = model.ySummary;
  const ySd = Math.sqrt(yVar);
  const mean = new Array<number>(p).fill(0);
  const variance = Array.from({ length: p }, (_, j) => {
    const xv = model.xSummary[j].constant ? 0 : model.xSummary[j].variance;
    const v = xv > 0 ? square(betaScale * ySd) / xv : square(betaScale * Math.max(ySd, Math.abs(yMean)));
    return Array.from({ length: p }, (__, c) => (c === j ? v : 0));
  });
  const Psi: PriorsSpec['Psi'] = {};
  for (const group of groupsOf(model)) {
    const scale = model.terms
      .filter((t) => t.group === group)
      .sort((a, b) => a.formulaIndex - b.formulaIndex)
      .flatMap((t) => t.zSummary.map((z) => (z.constant ? ySd : ySd / Math.sqrt(z.variance))));
    Psi[group] = { halfT: { df: halfTDf, scale } };
  }
  return { beta: { mean, var: variance }, Psi, sigma2: { halfT: { df: halfTDf, scale: ySd } } };
}

/** The random-effects column names of a grouping factor, terms in formula order (the order of its `scale`). */
export function groupColumns(model: MixedModel, group: string): string[] {
  return model.terms
    .filter((t) => t.group === group)
    .sort((a, b) => a.formulaIndex - b.formulaIndex)
    .flatMap((t) => t.names);
}

/**
 * The priors a run uses: the user's priors file (CONTRACT.md form, `schema/priors.schema.json`)
 * over the defaults, checked. A block left out takes its default; in a `halfT` block `df` and
 * `scale` may each be left out; the inverse-Wishart and inverse-gamma forms need both their
 * numbers. Every problem is an LmmError naming `--priors` and the key at fault (all problems of
 * the file on one line).
 */
export function resolvePriors(model: MixedModel, user: unknown, residuals?: ResidualPriorsContext): PriorsSpec {
  const spec = defaultPriors(model);
  if (residuals?.ar1) spec.rho = { uniform: [-1, 1] };
  if (user === undefined || user === null) return spec;
  // Unknown grouping factors first (their entries' own problems would only be noise), then the schema.
  const unknownGroups: string[] = [];
  let checked = user;
  const psiGiven = (user as { Psi?: unknown }).Psi;
  if (typeof user === 'object' && !Array.isArray(user) && psiGiven !== null && typeof psiGiven === 'object' && !Array.isArray(psiGiven)) {
    const known = Object.fromEntries(Object.entries(psiGiven).filter(([group]) => group in spec.Psi));
    for (const group of Object.keys(psiGiven)) {
      if (!(group in spec.Psi)) unknownGroups.push(`Psi: unknown grouping factor '${group}' (the model has ${Object.keys(spec.Psi).map((g) => `'${g}'`).join(', ')})`);
    }
    checked = { ...(user as object), Psi: known };
  }
  const structural = [...unknownGroups, ...schemaViolations(priorsSchema, checked)];
  if (structural.length > 0) fail(structural);
  const problems: string[] = [];
  const given = checked as { beta?: unknown; Psi?: Record<string, unknown>; sigma2?: unknown; rho?: { uniform?: [number, number]; beta?: [number, number] } };
  const p = model.p;

  if (given.beta !== undefined) {
    if (given.beta === 'flat') spec.beta = 'flat';
    else {
      const b = given.beta as { mean?: unknown; var?: unknown };
      const mean = b.mean === undefined ? new Array<number>(p).fill(0) : vector(b.mean, p, 'beta.mean', problems);
      const variance = b.var === undefined ? (spec.beta as { var: number[][] }).var : matrix(b.var, p, 'beta.var', problems);
      if (mean && variance) {
        if (checkSpd(variance, 'beta.var', problems)) spec.beta = { mean, var: variance };
      }
    }
  }
  for (const [group, value] of Object.entries(given.Psi ?? {})) {
    const columns = groupColumns(model, group);
    const q = columns.length;
    const defaults = (spec.Psi[group] as HalfTPsi).halfT;
    if (isHalfT(value)) {
      const h = value.halfT as { df?: number; scale?: unknown };
      const scale = h.scale === undefined ? defaults.scale : vector(h.scale, q, `Psi.${group}.halfT.scale`, problems, `(one per column: ${columns.join(', ')})`);
      if (scale) spec.Psi[group] = { halfT: { df: h.df ?? defaults.df, scale } };
    } else {
      const w = value as { df: number; scale: unknown };
      if (!(w.df > q - 1)) problems.push(`Psi.${group}.df must be greater than ${q - 1} (the dimension minus one) for a proper inverse-Wishart, got ${w.df}`);
      const scale = matrix(w.scale, q, `Psi.${group}.scale`, problems, `(columns ${columns.join(', ')})`);
      if (scale && checkSpd(scale, `Psi.${group}.scale`, problems)) spec.Psi[group] = { df: w.df, scale };
    }
  }
  if (given.sigma2 !== undefined) {
    if (isHalfT(given.sigma2)) {
      const h = given.sigma2.halfT as { df?: number; scale?: number };
      const defaults = (spec.sigma2 as HalfTSigma2).halfT;
      spec.sigma2 = { halfT: { df: h.df ?? defaults.df, scale: h.scale ?? defaults.scale } };
    } else {
      const s = given.sigma2 as InverseGammaSigma2;
      spec.sigma2 = { shape: s.shape, rate: s.rate };
    }
  }
  if (given.rho !== undefined) {
    if (!residuals?.ar1) problems.push("rho is given but the model has no ar1 residuals (--residuals 'ar1(time | group)')");
    else if (given.rho.uniform) {
      const [a, b] = given.rho.uniform;
      if (!(a >= -1 && b <= 1 && a < b)) problems.push(`rho.uniform must be [a, b] with -1 <= a < b <= 1, got [${a}, ${b}]`);
      else spec.rho = { uniform: [a, b] };
    } else if (given.rho.beta) spec.rho = { beta: [given.rho.beta[0], given.rho.beta[1]] };
  }
  if (problems.length > 0) fail(problems);
  return spec;
}

/** Whether a priors-file block is in the half-t form. */
function isHalfT(value: unknown): value is { halfT: Record<string, unknown> } {
  return typeof value === 'object' && value !== null && 'halfT' in value;
}

/**
 * Per-term priors from a spec: β's precision (flat: none), and for each term its block of its
 * group's prior over the term's columns (an uncorrelated term `(x || g)` takes its diagonal
 * entries: a 1×1 inverse-Wishart, or a half-t on its own SD). The β prior is expressed in the
 * cross-products' parametrisation (shifted response, centred columns; see reparam.ts).
 */
export function termPriors(model: MixedModel, spec: PriorsSpec): TermPriors {
  const p = model.p;
  let betaPrecision: Float64Array | null = null;
  let betaPrecisionMean: Float64Array | null = null;
  let betaMean: Float64Array | null = null;
  if (spec.beta !== 'flat') {
    // The prior is on β; the sampler draws β' = Tβ − cγ (reparam.ts), whose prior is N(μ', TVT').
    const V = toPrimeCovariance(model, Float64Array.from(spec.beta.var.flat()));
    betaPrecision = inverseSpd(V, p);
    betaMean = toPrimeMean(model, spec.beta.mean);
    betaPrecisionMean = new Float64Array(p);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) betaPrecisionMean[a] += betaPrecision[a * p + b] * betaMean[b];
  }
  // A term's first column within its group's columns (terms of a group in formula order).
  const start = model.terms.map((term) => {
    let s = 0;
    for (const t of model.terms) if (t.group === term.group && t.formulaIndex < term.formulaIndex) s += t.q;
    return s;
  });
  const Psi = model.terms.map((term, k): TermPsiPrior => {
    const g = spec.Psi[term.group];
    const s0 = start[k];
    const q = term.q;
    if ('halfT' in g) return { kind: 'halfT', nu: g.halfT.df, scale: Float64Array.from(g.halfT.scale.slice(s0, s0 + q)) };
    const scale = new Float64Array(q * q);
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) scale[r * q + c] = g.scale[s0 + r][s0 + c];
    return { kind: 'invWishart', df: g.df, scale };
  });
  const sigma2: Sigma2Prior = 'halfT' in spec.sigma2 ? { kind: 'halfT', nu: spec.sigma2.halfT.df, scale: spec.sigma2.halfT.scale } : { kind: 'invGamma', shape: spec.sigma2.shape, rate: spec.sigma2.rate };
  const out: TermPriors = { betaPrecision, betaPrecisionMean, betaMean, Psi, sigma2 };
  if (spec.rho) out.rho = 'uniform' in spec.rho ? { kind: 'uniform', lower: spec.rho.uniform[0], upper: spec.rho.uniform[1] } : { kind: 'beta', a: spec.rho.beta[0], b: spec.rho.beta[1] };
  return out;
}

/** Grouping factors in lme4 term order, each once. */
function groupsOf(model: MixedModel): string[] {
  return [...new Set(model.terms.map((t) => t.group))];
}

/** Whether column `offset` of a row-major array is one value on every row. */
/** x², by one multiplication (exact rounding on every engine, as `x ** 2` need not be). */
const square = (x: number): number => x * x;

/** Inverse of a small SPD matrix by Cholesky: solve LL'x = e_c for each column. */
function inverseSpd(A: Float64Array, p: number): Float64Array {
  const L = cholesky(A, p);
  const inv = new Float64Array(p * p);
  const e = new Float64Array(p);
  for (let c = 0; c < p; c++) {
    e.fill(0);
    e[c] = 1;
    forwardSolve(L, p, e);
    backSolve(L, p, e);
    for (let r = 0; r < p; r++) inv[r * p + c] = e[r];
  }
  return inv;
}

function fail(problems: string[]): never {
  throw new LmmError('option', problems.length === 1 ? `--priors: ${problems[0]}` : `--priors: ${problems.length} problems: ${problems.join('; ')}`);
}

/** A number (repeated) or a vector of length p (the schema has checked the numbers themselves). */
function vector(value: unknown, p: number, name: string, problems: string[], note = ''): number[] | null {
  if (typeof value === 'number') return new Array<number>(p).fill(value);
  const v = value as number[];
  if (v.length !== p) {
    problems.push(`${name} must be a number or a vector of length ${p}${note ? ' ' + note : ''}, got length ${v.length}`);
    return null;
  }
  return v.slice();
}

/** A number (times the identity), a vector (the diagonal) or a q×q symmetric matrix. */
function matrix(value: unknown, q: number, name: string, problems: string[], note = ''): number[][] | null {
  const diagonal = (d: (r: number) => number) => Array.from({ length: q }, (_, r) => Array.from({ length: q }, (__, c) => (r === c ? d(r) : 0)));
  if (typeof value === 'number') return diagonal(() => value);
  const v = value as (number | number[])[];
  if (v.length === q && v.every((x) => typeof x === 'number')) return diagonal((r) => v[r] as number);
  if (v.length !== q || !v.every((row) => Array.isArray(row) && row.length === q)) {
    problems.push(`${name} must be a number, a vector of length ${q} or a ${q}×${q} matrix${note ? ' ' + note : ''}`);
    return null;
  }
  const m = v as number[][];
  for (let r = 0; r < q; r++) {
    for (let c = 0; c < r; c++) {
      if (m[r][c] !== m[c][r]) {
        problems.push(`${name} must be symmetric ([${r}][${c}] = ${m[r][c]}, [${c}][${r}] = ${m[c][r]})`);
        return null;
      }
    }
  }
  return m.map((row) => row.slice());
}

function checkSpd(m: number[][], name: string, problems: string[]): boolean {
  try {
    cholesky(Float64Array.from(m.flat()), m.length);
    return true;
  } catch {
    problems.push(`${name} must be positive definite`);
    return false;
  }
}
