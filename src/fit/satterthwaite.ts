/**
 * Satterthwaite's denominator degrees of freedom for contrasts of β, as lmerTest computes them
 * (Kuznetsova, Brockhoff & Christensen 2017, J. Stat. Softw. 82(13), sec. 3.2–3.3).
 *
 * With φ = (θ, σ) the variance parameters, A = Cov(φ̂) ≈ 2H⁻¹ where H is the Hessian of the
 * criterion d(φ) at φ̂ (varpar.ts; its Moore–Penrose inverse over the eigenvalues above 1e-8, as
 * lmerTest), and J_i = ∂Cov(β)/∂φ_i, a contrast l has
 *   Var(l'β̂) = l'Cov(β)l,  g_i = l'J_i l,  ν = 2 (l'Cov(β)l)² / g'Ag.
 * For an F test of the rows of L (q × p) with Cov(Lβ̂) = PDP' (eigen-decomposition, eigenvalues
 * above √ε·d_max kept), the q independent t statistics of P'Lβ̂ have ν_m as above, and
 * F = Σ_m (p_m'Lβ̂)²/d_m / q with ν = 2E/(E − q), E = Σ ν_m/(ν_m − 2) (2 when some ν_m ≤ 2).
 * The derivatives are finite differences refined by Richardson extrapolation (richardson.ts),
 * numDeriv's method as lmerTest uses it: the Hessian from a first step of 0.1|φ_i|, the
 * Jacobian from 1e-4|φ_i|.
 */
import { symmetricEigen } from '../optim/eigen.js';
import { typeIIIContrasts } from './contrasts.js';
import { fisherUpper, studentTwoSided } from '../stats/distributions.js';
import { richardsonHessian, richardsonJacobian } from '../stats/richardson.js';
import type { LmmFit } from './lmm.js';
import { VarparFunctions } from './varpar.js';
import { firstTermLevelRows } from '../model/crossprod.js';

/** Eigenvalues of H at or below this count as zero (lmerTest's tol). */
const hessianTolerance = 1e-8;

/** What the Satterthwaite approximation needs from a fit. */
export interface SatterthwaiteBasis {
  /** φ̂ = (θ̂, σ̂). */
  varpar: Float64Array;
  /** Hessian of the criterion at φ̂, m×m row-major. */
  hessian: Float64Array;
  /** A = 2H⁺, m×m row-major. */
  vcovVarpar: Float64Array;
  /** J_i = ∂Cov(β)/∂φ_i, each p×p row-major. */
  jacobian: Float64Array[];
  /** Cov(β̂), p×p row-major. */
  vcovBeta: Float64Array;
  /** Eigenvalues of H that are negative or near zero (lmerTest warns about them). */
  nonPositive: number[];
}

/** One row of lmerTest's coefficient table. */
export interface CoefficientRow {
  term: string;
  estimate: number;
  stdError: number;
  df: number;
  t: number;
  p: number;
}

/** One F test (a row of lmerTest's `anova`). */
export interface FTest {
  term: string;
  sumSq: number;
  meanSq: number;
  numDF: number;
  denDF: number;
  F: number;
  p: number;
}

/** H, A = 2H⁺ and the Jacobian of Cov(β) at the fit's φ̂. */
export function satterthwaiteBasis(fit: LmmFit): SatterthwaiteBasis {
  const functions = new VarparFunctions(fit.model, fit.method === 'REML');
  const varpar = Float64Array.from([...fit.theta, fit.sigma]);
  const m = varpar.length;
  const p = fit.model.p;
  const hessian = richardsonHessian((x) => functions.deviance(x), varpar);
  const { values, vectors } = symmetricEigen(hessian, m);
  const vcovVarpar = new Float64Array(m * m);
  const nonPositive: number[] = [];
  for (let e = 0; e < m; e++) {
    if (!(values[e] > hessianTolerance)) {
      nonPositive.push(values[e]);
      continue;
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) vcovVarpar[a * m + b] += (2 * vectors[a * m + e] * vectors[b * m + e]) / values[e];
  }
  const J = richardsonJacobian((x) => functions.covBeta(x), varpar);
  const jacobian = Array.from({ length: m }, (_, i) => Float64Array.from({ length: p * p }, (_, k) => J[k * m + i]));
  return { varpar, hessian, vcovVarpar, jacobian, vcovBeta: Float64Array.from(fit.vcov), nonPositive };
}

/** l'Ml for a p-vector l and p×p row-major M. */
function quadraticForm(l: ArrayLike<number>, M: ArrayLike<number>, p: number): number {
  let s = 0;
  for (let a = 0; a < p; a++) {
    if (l[a] === 0) continue;
    let t = 0;
    for (let b = 0; b < p; b++) t += M[a * p + b] * l[b];
    s += l[a] * t;
  }
  return s;
}

/** Satterthwaite's ν for the contrast l'β: 2 (l'Vl)² / g'Ag. */
export function contrastDf(basis: SatterthwaiteBasis, l: ArrayLike<number>): number {
  const p = l.length;
  const variance = quadraticForm(l, basis.vcovBeta, p);
  const g = basis.jacobian.map((Ji) => quadraticForm(l, Ji, p));
  return (2 * variance * variance) / quadraticForm(g, basis.vcovVarpar, g.length);
}

/** lmerTest's `summary` table: estimate, SE, Satterthwaite df, t and two-sided p per β. */
export function coefficientTable(fit: LmmFit, basis: SatterthwaiteBasis = satterthwaiteBasis(fit)): CoefficientRow[] {
  const p = fit.model.p;
  const se = fit.stderr;
  return fit.model.fixefNames.map((term, j) => {
    const l = new Float64Array(p);
    l[j] = 1;
    const df = contrastDf(basis, l);
    const t = fit.beta[j] / se[j];
    return { term, estimate: fit.beta[j], stdError: se[j], df, t, p: studentTwoSided(t, df) };
  });
}

/** lmerTest's combination of the q t statistics' ν_m into the F statistic's ν. */
function fDenominatorDf(nu: number[]): number {
  if (nu.length === 1) return nu[0];
  if (nu.every((v, i) => i === 0 || Math.abs(v - nu[i - 1]) < 1e-8)) return nu.reduce((a, b) => a + b, 0) / nu.length;
  if (nu.some((v) => v <= 2)) return 2;
  const E = nu.reduce((s, v) => s + v / (v - 2), 0);
  return (2 * E) / (E - nu.length);
}

/**
 * The F test of Lβ = 0 for the rows of L (each a p-vector) with Satterthwaite's ν (lmerTest's
 * `contestMD`), named `term`. Sum Sq = q·F·σ², Mean Sq = F·σ² (as lmerTest prints them).
 */
export function fTest(fit: LmmFit, basis: SatterthwaiteBasis, L: readonly ArrayLike<number>[], term: string): FTest {
  const p = fit.model.p;
  const rows = L.length;
  const VL = new Float64Array(rows * rows);
  for (let a = 0; a < rows; a++) {
    for (let b = 0; b < rows; b++) {
      let s = 0;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) s += L[a][i] * basis.vcovBeta[i * p + j] * L[b][j];
      VL[a * rows + b] = s;
    }
  }
  const { values, vectors } = symmetricEigen(VL, rows);
  const dmax = values[rows - 1];
  const tol = Math.max(Math.sqrt(2.220446049250313e-16) * dmax, 0);
  let F = 0;
  const nu: number[] = [];
  for (let e = rows - 1; e >= 0; e--) {
    if (!(values[e] > tol)) continue;
    const l = new Float64Array(p);
    for (let a = 0; a < rows; a++) for (let i = 0; i < p; i++) l[i] += vectors[a * rows + e] * L[a][i];
    let est = 0;
    for (let i = 0; i < p; i++) est += l[i] * fit.beta[i];
    F += (est * est) / values[e];
    nu.push(contrastDf(basis, l));
  }
  const q = nu.length;
  if (q === 0) return { term, sumSq: NaN, meanSq: NaN, numDF: 0, denDF: NaN, F: NaN, p: NaN };
  F /= q;
  const denDF = fDenominatorDf(nu);
  const meanSq = F * fit.sigma * fit.sigma;
  return { term, sumSq: meanSq * q, meanSq, numDF: q, denDF, F, p: fisherUpper(F, q, denDF) };
}

/** lmerTest's `anova(fit, type = 3)` with Satterthwaite's ν: one F test per fixed term. */
export function anovaTable(fit: LmmFit, basis: SatterthwaiteBasis = satterthwaiteBasis(fit)): FTest[] {
  return typeIIIContrasts(fit.model)
    .filter((c) => c.rows.length > 0)
    .map((c) => fTest(fit, basis, c.rows, c.term));
}

/**
 * A rough estimate of the seconds {@link satterthwaiteBasis} takes: its criterion evaluations
 * (4 step sizes: 2m + 2m(m − 1) for the Hessian, 2m for the Jacobian, m = length(θ) + 1), each a
 * refactorisation of the blocked factor on its dense route: Σ_j r_j²·q0/2 multiply–adds for
 * term 0's update (r_j the rows level j meets) and M³/6 for the rest (M = Σ_{k≥1} q_k·levels_k +
 * p + 1), at 5·10⁸ a second (what that route reached on kb07's slopes model here). From the
 * sizes alone, so that whether the default computes the df does not depend on the machine's load.
 */
export function satterthwaiteSeconds(fit: LmmFit): number {
  const { terms, p, crossprod } = fit.model;
  const m = fit.theta.length + 1;
  const evaluations = 4 * (2 * m + 2 * m * (m - 1)) + 4 * 2 * m;
  const M = terms.slice(1).reduce((s, t) => s + t.q * t.nlevels, 0) + p + 1;
  let pairs = 0;
  for (let j = 0; j < terms[0].nlevels; j++) {
    const rows = p + 1 + firstTermLevelRows(crossprod, terms, j);
    pairs += rows * rows;
  }
  const perEvaluation = ((pairs * terms[0].q) / 2 + M ** 3 / 6) / 5e8;
  return evaluations * perEvaluation;
}
