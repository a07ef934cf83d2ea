import { LmmError } from '../src/errors.js';
import type { MixedModel } from '../src/model/model.js';
import { backSolve, forwardSolve } from '../src/linalg/dense.js';
import { cholesky } from './distributions.js';
import { toPrimeCovariance, toPrimeMean } from '../src/model/reparam.js';

/** Priors in the priors-file form of CONTRACT.md, fully specified (what `priors` echoes). */
export interface PriorsSpec {
  /** β ~ Normal(mean, var), or the improper flat prior. */
  beta: 'flat' | { mean: number[]; var: number[][] };
  /** Ψ[g] ~ InverseWishart(df, scale) per grouping factor, scale over all the factor's columns. */
  Psi: Record<string, { df: number; scale: number[][] }>;
  /** σ² ~ InverseGamma(shape, rate). */
  sigma2: { shape: number; rate: number };
}

/** Priors per model term, ready for the sampler's conditionals. */
export interface TermPriors {
  /** Prior precision of β (p×p) and precision × mean, or null for the flat prior. */
  betaPrecision: Float64Array | null;
  betaPrecisionMean: Float64Array | null;
  betaMean: Float64Array | null;
  /** Per term (lme4 order): inverse-Wishart df and q×q scale. */
  Psi: { df: number; scale: Float64Array }[];
  sigma2: { shape: number; rate: number };
}

/** Multiplier of the data's scale in the default normal prior on β (weakly informative). */
const betaScale = 10;

/**
 * Default prior mean of a random-effect variance, as a fraction of the response variance (per
 * unit of the predictor's variance for a slope): small enough that the data dominate even with
 * few groups, where a prior mean at the full response variance inflated the slope variances
 * several-fold (hsb: 2.6 against REML 0.69).
 */
const psiScale = 0.1;

/**
 * Default priors, adapted to the scale of the data (documented in README):
 * - β_j ~ N(0, (10·sd(y)/sd(x_j))²); for a constant column (the intercept) sd(x_j) is taken as 1
 *   and sd(y) as max(sd(y), |mean(y)|), so the prior covers the response's level;
 * - Ψ[g] ~ IW(q + 2, diag(s_r²)) so that E[Ψ] = diag(s_r²), with s_r² = var(y)/10 for a constant
 *   column and var(y)/(10·var(z_r)) otherwise;
 * - σ² ~ IG(0.001, 0.001·var(y)), nearly the scale-invariant 1/σ².
 */
export function defaultPriors(model: MixedModel): PriorsSpec {
  const { n, p, X, y } = model;
  const [yMean, yVar] = meanVar(y, 1, 0, n);
  const ySd = Math.sqrt(yVar);
  const mean = new Array<number>(p).fill(0);
  const variance = Array.from({ length: p }, (_, j) => {
    const [xm, xv] = meanVar(X, p, j, n);
    void xm;
    const v = xv > 0 ? (betaScale * ySd) ** 2 / xv : (betaScale * Math.max(ySd, Math.abs(yMean))) ** 2;
    return Array.from({ length: p }, (__, c) => (c === j ? v : 0));
  });
  const Psi: PriorsSpec['Psi'] = {};
  for (const group of groupsOf(model)) {
    const columns = model.terms.filter((t) => t.group === group).flatMap((t) => t.names.map((_, r) => meanVar(t.Z, t.q, r, n)[1]));
    const q = columns.length;
    Psi[group] = { df: q + 2, scale: Array.from({ length: q }, (_, r) => Array.from({ length: q }, (__, c) => (r === c ? (psiScale * yVar) / (columns[r] > 0 ? columns[r] : 1) : 0))) };
  }
  return { beta: { mean, var: variance }, Psi, sigma2: { shape: 0.001, rate: 0.001 * yVar } };
}

/**
 * The priors a run uses: the user's priors file (CONTRACT.md form) over the defaults, checked.
 * Every problem is an LmmError naming `--priors` and the entry at fault.
 */
export function resolvePriors(model: MixedModel, user: unknown): PriorsSpec {
  const spec = defaultPriors(model);
  if (user === undefined || user === null) return spec;
  if (typeof user !== 'object' || Array.isArray(user)) fail('must be a JSON object with keys beta, Psi, sigma2');
  const given = user as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!['beta', 'Psi', 'sigma2'].includes(key)) fail(`unknown key '${key}' (expected beta, Psi, sigma2)`);
  const p = model.p;

  if (given.beta !== undefined) {
    if (given.beta === 'flat') spec.beta = 'flat';
    else {
      const b = object(given.beta, 'beta');
      const mean = b.mean === undefined ? new Array<number>(p).fill(0) : vector(b.mean, p, 'beta.mean');
      const variance = b.var === undefined ? (spec.beta as { var: number[][] }).var : matrix(b.var, p, 'beta.var');
      checkSpd(variance, 'beta.var');
      spec.beta = { mean, var: variance };
    }
  }
  if (given.Psi !== undefined) {
    const groups = object(given.Psi, 'Psi');
    for (const [group, value] of Object.entries(groups)) {
      if (!(group in spec.Psi)) fail(`Psi: unknown grouping factor '${group}' (the model has ${Object.keys(spec.Psi).map((g) => `'${g}'`).join(', ')})`);
      const entry = object(value, `Psi.${group}`);
      const q = spec.Psi[group].scale.length;
      const df = entry.df === undefined ? spec.Psi[group].df : positive(entry.df, `Psi.${group}.df`);
      if (!(df > q - 1)) fail(`Psi.${group}.df must be greater than ${q - 1} (the dimension minus one) for a proper inverse-Wishart`);
      const scale = entry.scale === undefined ? spec.Psi[group].scale : matrix(entry.scale, q, `Psi.${group}.scale`);
      checkSpd(scale, `Psi.${group}.scale`);
      for (const key of Object.keys(entry)) if (key !== 'df' && key !== 'scale') fail(`Psi.${group}: unknown key '${key}' (expected df, scale)`);
      spec.Psi[group] = { df, scale };
    }
  }
  if (given.sigma2 !== undefined) {
    const s = object(given.sigma2, 'sigma2');
    for (const key of Object.keys(s)) if (key !== 'shape' && key !== 'rate') fail(`sigma2: unknown key '${key}' (expected shape, rate)`);
    spec.sigma2 = {
      shape: s.shape === undefined ? spec.sigma2.shape : positive(s.shape, 'sigma2.shape'),
      rate: s.rate === undefined ? spec.sigma2.rate : positive(s.rate, 'sigma2.rate'),
    };
  }
  return spec;
}

/**
 * Per-term priors from a spec: β's precision (flat: none), and for each term the df and the
 * block of its group's scale over the term's columns (an uncorrelated term takes its diagonal
 * entry, a 1×1 inverse-Wishart). The β prior is expressed in the cross-products'
 * parametrisation (shifted response, centred columns; see reparam.ts).
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
  const offsets = new Map<string, number>();
  const Psi = model.terms.map((term) => {
    const g = spec.Psi[term.group];
    const start = offsets.get(term.group) ?? 0;
    offsets.set(term.group, start + term.q);
    const scale = new Float64Array(term.q * term.q);
    for (let r = 0; r < term.q; r++) for (let c = 0; c < term.q; c++) scale[r * term.q + c] = g.scale[start + r][start + c];
    return { df: g.df, scale };
  });
  return { betaPrecision, betaPrecisionMean, betaMean, Psi, sigma2: spec.sigma2 };
}

/** Grouping factors in lme4 term order, each once. */
function groupsOf(model: MixedModel): string[] {
  return [...new Set(model.terms.map((t) => t.group))];
}

function meanVar(values: Float64Array, stride: number, offset: number, n: number): [number, number] {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i * stride + offset];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i * stride + offset] - mean) ** 2;
  return [mean, n > 1 ? ss / (n - 1) : 0];
}

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

function fail(message: string): never {
  throw new LmmError('option', `--priors: ${message}`);
}

function object(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${name} must be an object`);
  return value as Record<string, unknown>;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${name} must be a finite number`);
  return value;
}

function positive(value: unknown, name: string): number {
  const v = finite(value, name);
  if (!(v > 0)) fail(`${name} must be positive, got ${v}`);
  return v;
}

/** A number (repeated) or a vector of length p. */
function vector(value: unknown, p: number, name: string): number[] {
  if (typeof value === 'number') return new Array<number>(p).fill(finite(value, name));
  if (!Array.isArray(value) || value.length !== p) fail(`${name} must be a number or a vector of length ${p}`);
  return value.map((v, i) => finite(v, `${name}[${i}]`));
}

/** A number (times the identity), a vector (the diagonal) or a q×q matrix. */
function matrix(value: unknown, q: number, name: string): number[][] {
  if (typeof value === 'number') {
    const v = finite(value, name);
    return Array.from({ length: q }, (_, r) => Array.from({ length: q }, (__, c) => (r === c ? v : 0)));
  }
  if (Array.isArray(value) && value.length === q && value.every((v) => typeof v === 'number')) {
    return Array.from({ length: q }, (_, r) => Array.from({ length: q }, (__, c) => (r === c ? finite(value[r], `${name}[${r}]`) : 0)));
  }
  if (!Array.isArray(value) || value.length !== q || !value.every((row) => Array.isArray(row) && row.length === q)) {
    fail(`${name} must be a number, a vector of length ${q} or a ${q}×${q} matrix`);
  }
  const m = (value as unknown[][]).map((row, r) => row.map((v, c) => finite(v, `${name}[${r}][${c}]`)));
  for (let r = 0; r < q; r++) for (let c = 0; c < r; c++) if (m[r][c] !== m[c][r]) fail(`${name} must be symmetric`);
  return m;
}

function checkSpd(m: number[][], name: string): void {
  try {
    cholesky(Float64Array.from(m.flat()), m.length);
  } catch {
    fail(`${name} must be positive definite`);
  }
}
