/**
 * The residual-structure steps' pieces (samplers/residualSteps.ts), exactly: the quadratic forms
 * of the cross-product sets combine into e'V⁻¹e computed row by row from the whitening (relative
 * 1e-10), the sampler's whitened blocks equal the exact fit's combination (relative 1e-12), and
 * `sample({ residuals })`'s output: column names, the reference stratum's σ, the priors echoed,
 * seeds reproducible, one-line errors.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/model.js';
import { combineSets, emptyLike, parseResidualSpec, residualStructure } from '../../src/model/residuals.js';
import { createRng } from '../../samplers/rng.js';
import { quadraticForm, samplerResiduals, setCoefficients, ResidualSteps, sliceStep, powInt } from '../../samplers/residualSteps.js';
import { resolvePriors } from '../../samplers/priors.js';
import { sample } from '../../samplers/sample.js';
import { dataset } from '../helpers.js';

const orth = dataset('orthodont');
const formula = 'distance ~ age + Sex + (1 | Subject)';

describe('residual-structure steps', () => {
  const model = buildModel(orth, formula);
  const structure = residualStructure(orth, model, parseResidualSpec('ar1(visit | Subject) + var(Sex)'));
  const residuals = samplerResiduals(structure);
  const shapes = model.terms.map((t) => ({ q: t.q, nlevels: t.nlevels }));
  const rng = createRng(5);
  const beta = Float64Array.from({ length: model.p }, () => rng.normal());
  const b = model.terms.map((t) => Float64Array.from({ length: t.q * t.nlevels }, () => 2 * rng.normal()));

  it('Σ_k c_k(ρ, σ)·e\'B_k e is e\'V⁻¹e of the rows (AR(1) whitening, strata SDs)', () => {
    const rho = -0.37;
    const sd = Float64Array.of(0.8, 1.9);
    const work = shapes.map((s) => new Float64Array(s.q * s.nlevels));
    const c = setCoefficients(residuals, rho, sd, new Float64Array(residuals.sets.length));
    let combined = 0;
    residuals.sets.forEach((set, k) => (combined += c[k] * quadraticForm(set.blocks, shapes, model.p, beta, b, work)));
    // Row by row: e in the blocks' parametrisation (shifted response, centred columns), whitened
    // in time order within each subject (visit is 0..3, no gaps).
    const t = model.terms[0];
    const e = Float64Array.from({ length: model.n }, (_, i) => {
      let v = model.y[i] - model.yShift;
      for (let a = 0; a < model.p; a++) v -= (model.X[i * model.p + a] - model.xCenter[a]) * beta[a];
      return v - t.Z[i] * b[0][t.refs[i]];
    });
    const visit = orth.array('visit') as number[];
    const sex = orth.array('Sex') as string[];
    const subject = orth.array('Subject') as string[];
    const order = Array.from({ length: model.n }, (_, i) => i).sort((i, j) => (subject[i] < subject[j] ? -1 : subject[i] > subject[j] ? 1 : visit[i] - visit[j]));
    let direct = 0;
    order.forEach((i, r) => {
      const s = sd[sex[i] === 'Female' ? 0 : 1];
      const prev = r > 0 && subject[order[r - 1]] === subject[i] ? order[r - 1] : -1;
      const w = prev < 0 ? e[i] / s : (e[i] / s - rho * (e[prev] / sd[sex[prev] === 'Female' ? 0 : 1])) / Math.sqrt(1 - rho * rho);
      direct += w * w;
    });
    expect(Math.abs(combined / direct - 1)).toBeLessThan(1e-10);
  });

  it('the whitened blocks are the exact fit\'s combination at (ρ, δ)', () => {
    const priors = { kind: 'halfT' as const, nu: 2, scale: 3 };
    const steps = new ResidualSteps(residuals, model.crossprod, shapes, model.p, { kind: 'uniform', lower: -1, upper: 1 }, priors);
    steps.whiten({ rho: 0.6, sigma2: Float64Array.of(0.5, 2), lambda: new Float64Array(2) });
    const exact = emptyLike(model.crossprod);
    combineSets(structure, 0.6, Float64Array.of(1, 2), exact);
    const close = (a: Float64Array, x: Float64Array) => a.forEach((v, i) => expect(Math.abs(v - x[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(x[i]))));
    close(steps.whitened.XytXy, exact.XytXy);
    close(steps.whitened.terms[0].ZtZ, exact.terms[0].ZtZ);
    close(steps.whitened.terms[0].ZtXy, exact.terms[0].ZtXy);
  });

  it('powInt and the slice step stay within their bounds', () => {
    expect(powInt(-0.5, 3)).toBe(-0.125);
    const r = createRng(3);
    for (let i = 0; i < 200; i++) {
      const x = sliceStep(r, 0.2, (v) => -50 * (v - 0.9) ** 2, 0.5, -0.3, 0.95);
      expect(x).toBeGreaterThan(-0.3);
      expect(x).toBeLessThan(0.95);
    }
  });

  it('sample({ residuals }): rho, sigma2[level] and sigma[level] after sigma; σ is the reference stratum\'s; seeds reproducible', async () => {
    const options = { residuals: 'ar1(visit | Subject) + var(Sex)', seed: 9, chains: 2, iter: 300 };
    const result = await sample(orth, formula, options);
    expect(result.params.slice(0, 10)).toEqual(['beta[(Intercept)]', 'beta[age]', 'beta[SexMale]', 'sigma2', 'sigma', 'sigma2[Female]', 'sigma[Female]', 'sigma2[Male]', 'sigma[Male]', 'rho']);
    expect(result.chainsOf('sigma')).toEqual(result.chainsOf('sigma[Female]'));
    const rho = result.chainsOf('rho').flatMap((c) => Array.from(c));
    expect(Math.min(...rho)).toBeGreaterThan(-1);
    expect(Math.max(...rho)).toBeLessThan(1);
    expect(new Set(rho).size).toBeGreaterThan(100);
    const json = result.toJSON() as { residuals: string; priors: { rho: unknown } };
    expect(json.residuals).toBe('ar1(visit | Subject) + var(Sex)');
    expect(json.priors.rho).toEqual({ uniform: [-1, 1] });
    const again = await sample(orth, formula, options);
    expect(again.draws).toEqual(result.draws);
  });

  it('AR groups of one row each carry no information on ρ: its posterior is the prior, uniform(-0.5, 0.9)', async () => {
    const sleep = dataset('sleepstudy');
    const table = sleep.assign({ row: Array.from({ length: sleep.numRows() }, (_, i) => `r${i}`) });
    const result = await sample(table, 'Reaction ~ Days + (1 | Subject)', { residuals: 'ar1(Days | row)', priors: { rho: { uniform: [-0.5, 0.9] } }, seed: 4, chains: 2, iter: 2000 });
    const row = result.summary().find((r) => r.param === 'rho')!;
    // Uniform(-0.5, 0.9): mean 0.2, SD 1.4/√12 = 0.4041; the mean within 4 MCSE, the SD within 5%.
    expect(Math.abs(row.mean! - 0.2)).toBeLessThan(4 * row.mcse_mean!);
    expect(Math.abs(row.sd! / (1.4 / Math.sqrt(12)) - 1)).toBeLessThan(0.05);
  });

  it('rho prior: configurable, and one-line errors', () => {
    expect(resolvePriors(model, { rho: { beta: [2, 3] } }, { ar1: true }).rho).toEqual({ beta: [2, 3] });
    expect(resolvePriors(model, { rho: { uniform: [0, 0.9] } }, { ar1: true }).rho).toEqual({ uniform: [0, 0.9] });
    expect(() => resolvePriors(model, { rho: { uniform: [0.5, 0.2] } }, { ar1: true })).toThrow(/^--priors: rho\.uniform must be \[a, b\] with -1 <= a < b <= 1, got \[0\.5, 0\.2\]$/);
    expect(() => resolvePriors(model, { rho: { uniform: [-2, 0.2] } }, { ar1: true })).toThrow(/^--priors: rho\.uniform\[0\] must be at least -1, got -2$/);
    expect(() => resolvePriors(model, { rho: { beta: [2, -1] } }, { ar1: true })).toThrow(/^--priors: rho\.beta\[1\] must be greater than 0, got -1$/);
    expect(() => resolvePriors(model, { rho: { uniform: [0, 1] } })).toThrow(/^--priors: rho is given but the model has no ar1 residuals/);
    expect(resolvePriors(model, undefined).rho).toBeUndefined();
  });
});
