import type { MixedModel } from '../src/model/model.js';
import type { GibbsState, SamplerModel } from './gibbs.js';
import type { ResidualState, SamplerResiduals } from './residualSteps.js';

/**
 * The parameter vector of a draw, named as CONTRACT.md says: `beta[name]`, `sigma2`, `sigma`,
 * `Psi[g][r,c]` (lower triangle, row then column, terms in formula order), each variance followed
 * by its SD `sd[g][r]` = √Ψ_rr and each covariance by its correlation `corr[g][r,c]` =
 * Ψ_rc/√(Ψ_rr Ψ_cc) (the Std.Dev. and Corr columns of lme4's `VarCorr`), and
 * `a[g][level,term]` (terms in formula order, levels in R's order). With a residual structure,
 * after `sigma`: per stratum of `var(s)` its variance `sigma2[level]` and SD `sigma[level]`
 * (`sigma2`/`sigma` are then the reference stratum's, nlme's σ), and `rho` for `ar1(...)`.
 */
export interface ParameterLayout {
  names: string[];
  /** Term indices (lme4 order) in formula order. */
  formulaOrder: number[];
}

/** Names of the sampled parameters of a model. */
export function parameterLayout(model: MixedModel, residuals?: Pick<SamplerResiduals, 'strata' | 'ar1'>): ParameterLayout {
  const names = model.fixefNames.map((name) => `beta[${name}]`);
  names.push('sigma2', 'sigma');
  for (const level of residuals?.strata ?? []) names.push(`sigma2[${level}]`, `sigma[${level}]`);
  if (residuals?.ar1) names.push('rho');
  const formulaOrder = model.terms.map((_, k) => k).sort((a, b) => model.terms[a].formulaIndex - model.terms[b].formulaIndex);
  for (const k of formulaOrder) {
    const t = model.terms[k];
    for (let r = 0; r < t.q; r++) {
      for (let c = 0; c <= r; c++) {
        names.push(`Psi[${t.group}][${t.names[r]},${t.names[c]}]`);
        names.push(r === c ? `sd[${t.group}][${t.names[r]}]` : `corr[${t.group}][${t.names[r]},${t.names[c]}]`);
      }
    }
  }
  for (const k of formulaOrder) {
    const t = model.terms[k];
    for (const level of t.levels) for (const name of t.names) names.push(`a[${t.group}][${level},${name}]`);
  }
  return { names, formulaOrder };
}

/** Write a state into `out` at `offset` in the layout's order (β in the model's own parametrisation). */
export function recordState(model: SamplerModel, formulaOrder: readonly number[], state: GibbsState, out: Float64Array, offset: number): void {
  let o = offset;
  // β = β' + cγ − γ(m'(β' + cγ)) (toOriginalBeta, written out here: this runs every kept draw).
  const { p, yShift, yShiftDirection: g, xCenter: m } = model;
  let mb = 0;
  for (let j = 0; j < p; j++) mb += m[j] * (state.beta[j] + yShift * g[j]);
  for (let j = 0; j < p; j++) out[o++] = state.beta[j] + yShift * g[j] - g[j] * mb;
  out[o++] = state.sigma2;
  out[o++] = Math.sqrt(state.sigma2);
  if (model.residuals) {
    const r = state.residual as ResidualState;
    if (model.residuals.strata) {
      for (let s = 0; s < r.sigma2.length; s++) {
        out[o++] = r.sigma2[s];
        out[o++] = Math.sqrt(r.sigma2[s]);
      }
    }
    if (model.residuals.ar1) out[o++] = r.rho;
  }
  for (const k of formulaOrder) {
    const q = model.shapes[k].q;
    const Psi = state.Psi[k];
    for (let r = 0; r < q; r++) {
      for (let c = 0; c <= r; c++) {
        const v = Psi[r * q + c];
        out[o++] = v;
        out[o++] = r === c ? Math.sqrt(v) : v / Math.sqrt(Psi[r * q + r] * Psi[c * q + c]);
      }
    }
  }
  for (const k of formulaOrder) {
    // A block copy (the same values; an element loop here took a fifth of a fresh run's sampling).
    const b = state.b[k];
    out.set(b, o);
    o += b.length;
  }
}
