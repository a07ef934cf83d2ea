/**
 * The comparison of the exact fit and the posterior (`lmm compare`): each column checked against
 * a direct computation, with the tolerance stated where it is not exact.
 */
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { Matrix, solve } from 'ml-matrix';
import { fitLmm } from '../../src/fit/lmm.js';
import { buildModel } from '../../src/model/model.js';
import { compare, compareResults, GROUP_COLUMNS, shrinkageFraction, shrinkageWeightRows } from '../../samplers/compare/index.js';
import { levelCrossProducts } from '../../samplers/compare/levels.js';
import { sampleModel } from '../../samplers/sample.js';
import { dataset } from '../helpers.js';

const sampler = { chains: 2, iter: 1000, seed: 11, parallel: false };

describe('random intercepts: sleepstudy Reaction ~ 1 + (1 | Subject)', async () => {
  const sleep = dataset('sleepstudy');
  const comparison = await compare(sleep, 'Reaction ~ 1 + (1 | Subject)', sampler);
  const { fit, groups } = comparison;
  const mu = fit.fixef['(Intercept)'];

  it('has one row per subject, in the order of coef()', () => {
    const coef = fit.coef()[0];
    expect(groups.map((g) => g.level)).toEqual(coef.levels);
    expect(groups.every((g) => g.group === 'Subject' && g.term === '(Intercept)' && g.n === 10)).toBe(true);
  });

  it('eblup is coef() (exactly) and the seed-004 formula θ̂ = (σ²/τ² μ + Σy)/(r + σ²/τ²) (1e-9 relative)', () => {
    const coef = fit.coef()[0].values;
    const ratio = fit.sigma ** 2 / fit.Psi[0][0];
    const sums = aq.from(sleep).groupby('Subject').rollup({ s: aq.op.sum('Reaction') }).objects() as { Subject: string; s: number }[];
    const sumOf = new Map(sums.map((r) => [String(r.Subject), r.s]));
    groups.forEach((g, j) => {
      expect(Math.abs(g.eblup - coef[j])).toBeLessThan(1e-12 * Math.abs(coef[j]));
      const theta = (ratio * mu + (sumOf.get(g.level) as number)) / (10 + ratio);
      expect(Math.abs(g.eblup - theta)).toBeLessThan(1e-9 * Math.abs(theta));
    });
  });

  it('ols is the subject mean (1e-10 relative)', () => {
    const means = aq.from(sleep).groupby('Subject').rollup({ m: aq.op.mean('Reaction') }).objects() as { Subject: string; m: number }[];
    const meanOf = new Map(means.map((r) => [String(r.Subject), r.m]));
    for (const g of groups) expect(Math.abs((g.ols as number) - (meanOf.get(g.level) as number))).toBeLessThan(1e-10 * 300);
  });

  it('shrinkage lies in [0, 1] and is 1 − τ²/(τ² + σ²/n_j) (1e-9)', () => {
    groups.forEach((g, j) => {
      expect(g.shrinkage).not.toBeNull();
      expect(g.shrinkage as number).toBeGreaterThanOrEqual(0);
      expect(g.shrinkage as number).toBeLessThanOrEqual(1);
      expect(Math.abs((g.shrinkage as number) - (1 - comparison.shrinkageWeights[j].weight))).toBeLessThan(1e-9);
    });
  });

  it('posterior means sit near the eBLUPs (within 0.3 posterior SD) and inside their 90% intervals', () => {
    for (const g of groups) {
      const sd = (g.q95 - g.q5) / 3.29;
      expect(Math.abs(g.posteriorMean - g.eblup)).toBeLessThan(0.3 * sd);
      expect(g.q5).toBeLessThan(g.eblup);
      expect(g.q95).toBeGreaterThan(g.eblup);
    }
  });

  it('ICC is τ²/(τ² + σ²) and EDF the sum of the shrinkage weights less the intercept\'s share (1e-10)', () => {
    const tau2 = fit.Psi[0][0];
    const sigma2 = fit.sigma ** 2;
    expect(comparison.icc).toHaveLength(1);
    expect(comparison.icc[0].estimate).toBeCloseTo(tau2 / (tau2 + sigma2), 12);
    expect(comparison.icc[0].q5).toBeLessThan(comparison.icc[0].estimate);
    expect(comparison.icc[0].q95).toBeGreaterThan(comparison.icc[0].estimate);
    // Balanced (r = 10 rows for each of the 18 subjects), all weights w: the intercept takes w of
    // Σ w_j, so EDF = (n − 1)·r/(r + σ²/τ²) (the seed's n·r/(r + σ²/τ²) is for no fixed effect).
    const sum = comparison.shrinkageWeights.reduce((s, w) => s + w.weight, 0);
    expect(comparison.edf[0].estimate).toBeCloseTo(sum - comparison.shrinkageWeights[0].weight, 10);
    expect(comparison.edf[0].estimate).toBeCloseTo((17 * 10) / (10 + sigma2 / tau2), 10);
    expect(comparison.edf[0].max).toBe(17);
    expect(comparison.edf[0].draws).toBe(1000);
  });

  it('JSON: {fit, sample, groups} plus the model-level fields, group rows with exactly the CONTRACT fields', () => {
    const json = JSON.parse(JSON.stringify(comparison.toJSON())) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['fit', 'sample', 'groups', 'icc', 'shrinkageWeights', 'edf']);
    expect(Object.keys(json.fit as object).sort()).toEqual(Object.keys(fitLmm(sleep, 'Reaction ~ 1 + (1 | Subject)').toJSON()).sort());
    for (const key of ['formula', 'chains', 'iter', 'warmup', 'thin', 'seed', 'priors', 'summary', 'sampleMillis']) expect(json.sample).toHaveProperty(key);
    for (const row of json.groups as object[]) expect(Object.keys(row)).toEqual([...GROUP_COLUMNS]);
    expect(comparison.groupsTable().columnNames()).toEqual([...GROUP_COLUMNS]);
    expect(comparison.groupsTable().numRows()).toBe(18);
  });
});

describe('random slopes: hsb mathach ~ cses + (cses | school)', async () => {
  const hsb = dataset('hsb');
  const model = buildModel(hsb, 'mathach ~ cses + (cses | school)');
  const fit = (await import('../../src/fit/lmm.js')).fitModel(model);
  const sample = await sampleModel(model, { chains: 2, iter: 600, seed: 5, parallel: false });
  const comparison = compareResults(fit, sample);

  it('ols matches a direct least-squares fit of each level alone (1e-9) for a few schools', () => {
    for (const school of ['1224', '1288', '5650', '9586']) {
      const rows = aq.from(hsb).filter(aq.escape((d: { school: unknown }) => String(d.school) === school));
      expect(rows.numRows()).toBeGreaterThan(10);
      const y = rows.array('mathach') as Float64Array;
      const x = rows.array('cses') as Float64Array;
      const Z = new Matrix(Array.from(x, (v) => [1, v]));
      const direct = solve(Z, Matrix.columnVector(Array.from(y))).getColumn(0);
      const found = comparison.groups.filter((g) => g.level === school);
      expect(found.map((g) => g.term)).toEqual(['(Intercept)', 'cses']);
      found.forEach((g, r) => expect(Math.abs((g.ols as number) - direct[r])).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct[r]))));
    }
  });

  it('eblup is coef() for both columns (1e-12), population the fixed effect, shrinkage its definition', () => {
    const coef = fit.coef();
    for (const g of comparison.groups) {
      const c = coef.find((e) => e.term === g.term)!;
      expect(Math.abs(g.eblup - c.values[c.levels.indexOf(g.level)])).toBeLessThan(1e-12 * Math.max(1, Math.abs(g.eblup)));
      expect(g.population).toBe(fit.fixef[g.term]);
      expect(g.shrinkage).toBeCloseTo(((g.ols as number) - g.eblup) / ((g.ols as number) - g.population), 12);
    }
  });

  it('for the large schools (n ≥ 50) the posterior mean intercept is within 0.3 posterior SD of the eBLUP', () => {
    const large = comparison.groups.filter((g) => g.term === '(Intercept)' && g.n >= 50);
    expect(large.length).toBeGreaterThan(20);
    for (const g of large) expect(Math.abs(g.posteriorMean - g.eblup)).toBeLessThan(0.3 * ((g.q95 - g.q5) / 3.29));
  });

  it('has no ICC or intercept shrinkage weights (not a random-intercept model) and EDF between 160 and 2·160 − 2', () => {
    expect(comparison.icc).toEqual([]);
    expect(comparison.shrinkageWeights).toEqual([]);
    const [edf] = comparison.edf;
    // The intercept and cses are absorbed by the schools' own intercepts and slopes.
    expect(edf.max).toBe(318);
    expect(edf.estimate).toBeGreaterThan(160);
    expect(edf.estimate).toBeLessThan(320);
    expect(edf.q5).toBeLessThanOrEqual(edf.posteriorMean);
    expect(edf.posteriorMean).toBeLessThanOrEqual(edf.q95);
  });
});

describe('pieces', () => {
  it('shrinkage is null without an OLS estimate or when the OLS equals the fixed effect', () => {
    expect(shrinkageFraction(null, 1, 0)).toBeNull();
    expect(shrinkageFraction(2, 1.5, 2)).toBeNull();
    expect(shrinkageFraction(2, 1.5, 0)).toBeCloseTo(0.25, 15);
  });
});

describe('coefficients as outcomes: hsb (seed 001), exact fit beside a short posterior', async () => {
  const formula = 'mathach ~ meanses + sector + cses + meanses:cses + sector:cses + (cses | school)';
  const comparison = await compare(dataset('hsb'), formula, { chains: 2, iter: 600, seed: 3, parallel: false });
  const { fit, groups } = comparison;

  it('schools are pulled toward γ00 + γ01·meanses_j + γ02·sector_j: intercept shrinkage in [0, 1] wherever ols is 0.25 or more from it', () => {
    // Where ols all but equals the population value the ratio is 0/0-like, and the slope's mode
    // (correlated with the intercept's) can move the eBLUP past it: 3 schools with gaps < 0.15.
    const intercepts = groups.filter((g) => g.term === '(Intercept)');
    expect(intercepts).toHaveLength(160);
    const clear = intercepts.filter((g) => Math.abs((g.ols as number) - g.population) >= 0.25);
    expect(clear.length).toBeGreaterThan(130);
    for (const g of clear) {
      expect(g.shrinkage as number).toBeGreaterThanOrEqual(0);
      expect(g.shrinkage as number).toBeLessThanOrEqual(1);
    }
    for (const g of intercepts) expect(g.population).not.toBe(fit.fixef['(Intercept)']);
  });

  it('the posterior of a coefficient includes its population part: large schools within 0.3 posterior SD of the eBLUP', () => {
    const large = groups.filter((g) => g.term === '(Intercept)' && g.n >= 50);
    expect(large.length).toBeGreaterThan(20);
    for (const g of large) expect(Math.abs(g.posteriorMean - g.eblup)).toBeLessThan(0.3 * ((g.q95 - g.q5) / 3.29));
  });

  it('eblupSd of the intercepts is close to their posterior SD (within a factor 1.25; the slopes\' posterior adds τ_cses\'s uncertainty)', () => {
    for (const g of groups.filter((r) => r.term === '(Intercept)')) {
      const sd = (g.q95 - g.q5) / 3.29;
      expect(g.eblupSd / sd).toBeGreaterThan(0.8);
      expect(g.eblupSd / sd).toBeLessThan(1.25);
    }
  });

  it('names the columns of each population value', () => {
    expect(comparison.notes).toEqual([
      "population value of school (Intercept) = (Intercept) + meanses + sectorPublic; meanses, sectorPublic constant times the intercept within every school, absorbed in no pooling",
      "population value of school cses = cses + meanses:cses + sectorPublic:cses; meanses:cses, sectorPublic:cses constant times 'cses' within every school, absorbed in no pooling",
    ]);
  });
});

/**
 * Intercept-only models where the residuals are not iid: under prior weights (Var e_i = σ²/w_i)
 * and under AR(1) + per-stratum variances, the BLUP of a level's intercept is w_j times the
 * distance of the level's GLS mean from μ, so the shrinkage column is exactly 1 − w_j with
 * w_j = τ²s_j/(σ² + τ²s_j), s_j = 1'R_j⁻¹1 (icc.ts). Checked to 1e-9.
 */
describe('shrinkage weights when the residuals are not iid', () => {
  it('prior weights: s_j = Σ w_i, and eblup − μ = w_j·(weighted mean − μ)', async () => {
    const data = dataset('sleep_weights');
    const model = buildModel(data, 'Reaction ~ 1 + (1 | Subject)', { weights: 'w' });
    const fit = (await import('../../src/fit/lmm.js')).fitModel(model);
    const rows = shrinkageWeightRows(fit, model.terms.map((_, k) => levelCrossProducts(model, k)));
    const w = data.array('w') as number[];
    const y = data.array('Reaction') as number[];
    // The row with a missing weight is dropped by the model, as here.
    const subjects = (data.array('Subject') as unknown[]).map((g, i) => (Number.isFinite(w[i]) && Number.isFinite(y[i]) && w[i] !== null && y[i] !== null ? String(g) : ''));
    const mu = fit.fixef['(Intercept)'];
    const coef = fit.coef()[0];
    rows.forEach((row, j) => {
      let s = 0;
      let sy = 0;
      subjects.forEach((g, i) => { if (g === row.level) { s += w[i]; sy += w[i] * y[i]; } });
      expect(row.level).toBe(coef.levels[j]);
      expect(row.n).toBe(subjects.filter((g) => g === row.level).length);
      expect(Math.abs(coef.values[j] - mu - row.weight * (sy / s - mu))).toBeLessThan(1e-9 * Math.abs(mu));
    });
  });

  it('AR(1) and variances by stratum: the weight differs by stratum and is 1 − shrinkage', async () => {
    const data = dataset('orthodont');
    const comparison = await compare(data, 'distance ~ 1 + (1 | Subject)', { ...sampler, iter: 400, residuals: 'ar1(visit | Subject) + var(Sex)' });
    const weights = comparison.shrinkageWeights;
    const male = weights.filter((r) => r.level.startsWith('M')).map((r) => r.weight);
    const female = weights.filter((r) => r.level.startsWith('F')).map((r) => r.weight);
    expect(Math.min(...female)).toBeGreaterThan(Math.max(...male));
    weights.forEach((row, j) => expect(Math.abs((comparison.groups[j].shrinkage as number) - (1 - row.weight))).toBeLessThan(1e-9));
  });
});
