/**
 * No, partial and complete pooling (`lmm compare`'s ols, eblup, population, eblupSd) against R:
 * test/fixtures/pooling/*.json, made by test/fixtures/scripts/pooling.R with lme4 1.1-31 (R 4.2.2):
 * lm() dummy-variable fits for one-term models, term by term with the other terms at the fit's θ
 * (lme4's deviance function) for the crossed and nested models, the population values written
 * out by hand, lme4's ranef/condsd. Evaluated at R's θ, so the comparison does not depend on
 * either optimiser: 1e-8 relative (to max(1, |value|)).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { BlockedCholesky } from '../../src/fit/blocked.js';
import { LmmFit } from '../../src/fit/lmm.js';
import { PoolingPath, identifiedCoefficients, termModifiers, termPooling } from '../../src/fit/pooling.js';
import { buildModel, type MixedModel } from '../../src/model/model.js';
import { dataset } from '../helpers.js';

interface RefRow { group: string; level: string; term: string; n: number; ols: number | null; population: number; eblup: number; eblupSd: number }
interface Ref { dataset: string; formula: string; theta: number | number[]; sigma: number; fixef: Record<string, number>; rows: RefRow[] }

const load = (id: string): Ref => JSON.parse(readFileSync(`test/fixtures/pooling/${id}.json`, 'utf8')) as Ref;

/** The fit at a given θ (R's): the exact fit's construction without the optimiser. */
export function fitAtTheta(model: MixedModel, theta: number[]): LmmFit {
  return new LmmFit(model, new BlockedCholesky(model.crossprod, model.terms), true, {
    optimizer: 'given', evaluations: 0, initialTheta: theta, initialObjective: NaN, finalTheta: theta, finalObjective: NaN, converged: true, message: 'theta given',
  });
}

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe.each([
  ['sleepstudy_intercept', 18, ['Subject (Intercept) <- (Intercept)']],
  ['sleepstudy_slopes', 36, ['Subject (Intercept) <- (Intercept)', 'Subject Days <- Days']],
  // D = Days + 1000: within each subject the intercept and slope columns are nearly collinear.
  ['sleepstudy_slopes_shifted', 36, ['Subject (Intercept) <- (Intercept)', 'Subject D <- D']],
  ['hsb_outcomes', 320, ['school (Intercept) <- (Intercept), meanses, sectorPublic', 'school cses <- cses, meanses:cses, sectorPublic:cses']],
  ['hsb_meanses_sector_intercept', 160, ['school (Intercept) <- (Intercept), meanses, sectorPublic']],
  ['politeness_gender', 13, ['scenario (Intercept) <- (Intercept)', 'subject (Intercept) <- (Intercept), genderM']],
  ['pastes_nested', 40, ['cask:batch (Intercept) <- (Intercept)', 'batch (Intercept) <- (Intercept)']],
] as const)('%s', (id, count, modifiers) => {
  const ref = load(id);
  const table = id === 'sleepstudy_slopes_shifted' ? aq.from(dataset('sleepstudy')).derive({ D: (d: { Days: number }) => d.Days + 1000 }) : dataset(ref.dataset);
  const model = buildModel(table, ref.formula);
  const fit = fitAtTheta(model, [ref.theta].flat());
  const pooling = model.terms.map((_, k) => termPooling(fit, k));

  it('detects the columns that make up each population value from the data', () => {
    const found = model.terms.flatMap((term, k) => term.names.map((name, r) => `${term.group} ${name} <- ${pooling[k].modifiers.filter((m) => m.coefficient === r).map((m) => m.name).join(', ')}`));
    expect(found).toEqual(modifiers);
  });

  it(`ols, population, eblup and eblupSd agree with R for all ${count} rows (1e-8)`, () => {
    let rows = 0;
    model.terms.forEach((term, k) => {
      const p = pooling[k];
      term.levels.forEach((level, j) => term.names.forEach((name, r) => {
        const row = ref.rows.find((x) => x.group === term.group && x.level === level && x.term === name);
        expect(row, `${term.group} ${level} ${name}`).toBeDefined();
        const i = j * term.q + r;
        const label = `${id} ${term.group} ${level} ${name}`;
        if (row!.ols === null) expect(Number.isNaN(p.ols![i]), label).toBe(true);
        else expect(close(p.ols![i], row!.ols, 1e-8), `${label} ols ${p.ols![i]} vs ${row!.ols}`).toBe(true);
        expect(close(p.population[i], row!.population, 1e-8), `${label} population`).toBe(true);
        expect(close(p.eblup[i], row!.eblup, 1e-8), `${label} eblup ${p.eblup[i]} vs ${row!.eblup}`).toBe(true);
        expect(close(p.eblupSd[i], row!.eblupSd, 1e-8), `${label} eblupSd`).toBe(true);
        rows++;
      }));
    });
    expect(rows).toBe(count);
  });

  it('the pooling path runs from the population value (t = 0) through the eBLUP (t = 1) to no pooling (t → ∞)', () => {
    model.terms.forEach((_, k) => {
      const path = new PoolingPath(model, fit.theta, k, pooling[k].modifiers);
      const one = path.at(1)!.coef;
      one.forEach((v, i) => expect(close(v, pooling[k].eblup[i], 1e-9)).toBe(true));
      const far = path.at(1e4)!.coef;
      const ols = pooling[k].ols!;
      // Ψ = 10^8 Ψ̂ is within 1e-5 of the limit (the gap shrinks as 1/t²), unless Ψ̂ is singular
      // (the shifted sleepstudy fit is on the boundary): c·Ψ̂ then never frees its null direction.
      if (!fit.singular) far.forEach((v, i) => expect(Number.isNaN(ols[i]) || close(v, ols[i], 1e-5)).toBe(true));
      if (model.terms.length === 1) {
        // One term: at t = 0 the GLS is OLS of the pooled data, and every level sits at its population value.
        const zero = path.at(0)!;
        zero.coef.forEach((v, i) => expect(Number.isFinite(v)).toBe(true));
      }
    });
  });
});

describe('exact identity for a random intercept whose only within-level column is the intercept', () => {
  it('hsb mathach ~ meanses + sector + (1 | school): shrinkage = 1 − τ²/(τ² + σ²/n_j) for all 160 schools (1e-10)', () => {
    const ref = load('hsb_meanses_sector_intercept');
    const model = buildModel(dataset('hsb'), ref.formula);
    const fit = fitAtTheta(model, [ref.theta].flat());
    const p = termPooling(fit, 0);
    const tau2 = fit.Psi[0][0];
    const sigma2 = fit.sigma ** 2;
    const n = new Int32Array(160);
    for (const j of model.terms[0].refs) n[j]++;
    for (let j = 0; j < 160; j++) {
      const s = (p.ols![j] - p.eblup[j]) / (p.ols![j] - p.population[j]);
      expect(Math.abs(s - (1 - tau2 / (tau2 + sigma2 / n[j])))).toBeLessThan(1e-10);
    }
  });
});

describe('off the tested path', () => {
  const hsb = dataset('hsb');
  const formula = 'mathach ~ meanses + sector + cses + meanses:cses + sector:cses + (cses | school)';
  const base = (() => {
    const model = buildModel(hsb, formula);
    const ref = load('hsb_outcomes');
    return termPooling(fitAtTheta(model, [ref.theta].flat()), 0);
  })();

  it('rescaled and shifted group-level covariate and response: the same levels, in the new units (1e-8)', () => {
    // meanses → 100·meanses + 7 and mathach → 10·mathach − 3: population and ols scale with y.
    const t = aq.from(hsb).derive({ meanses: (d: { meanses: number }) => 100 * d.meanses + 7, mathach: (d: { mathach: number }) => 10 * d.mathach - 3 });
    const model = buildModel(t, formula);
    const ref = load('hsb_outcomes');
    // θ is relative to σ, so it is unchanged by rescaling y; the fit at the same θ is the rescaled fit.
    const p = termPooling(fitAtTheta(model, [ref.theta].flat()), 0);
    expect(p.modifiers.map((m) => m.name)).toEqual(base.modifiers.map((m) => m.name));
    for (let i = 0; i < 320; i++) {
      const shift = i % 2 === 0 ? -3 : 0;
      expect(close(p.ols![i], 10 * base.ols![i] + shift, 1e-8)).toBe(true);
      expect(close(p.population[i], 10 * base.population[i] + shift, 1e-8)).toBe(true);
      expect(close(p.eblup[i], 10 * base.eblup[i] + shift, 1e-8)).toBe(true);
    }
  });

  it('tiny and unbalanced groups: a level with one row has a null slope, one whose slope column is constant has neither', () => {
    const table = aq.table({
      y: [1.2, 2.1, 2.9, 4.3, 5.1, 6.2, 6.8, 8.1, 9.3, 10.2, 11.1, 3.3, 4.4],
      x: [0, 1, 2, 3, 1, 1, 1, 5, 2, 7, 4, 0.5, 2.5],
      w: [1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 4, 5, 5],
      g: ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'c', 'd', 'd', 'd', 'e', 'e'],
    });
    const model = buildModel(table, 'y ~ x + w + (x | g)');
    const fit = fitAtTheta(model, [1, 0.1, 0.5]);
    const p = termPooling(fit, 0);
    expect(p.modifiers.map((m) => `${m.name}->${m.coefficient}`)).toEqual(['(Intercept)->0', 'x->1', 'w->0']);
    const ols = Array.from(p.ols!);
    // b: x ≡ 1 (intercept and slope not separable); c: one row; others identified.
    expect(ols.map(Number.isNaN)).toEqual([false, false, true, true, true, true, false, false, false, false]);
    // a alone by least squares: y on (1, x).
    const ya = [1.2, 2.1, 2.9, 4.3], xa = [0, 1, 2, 3];
    const mx = 1.5, my = ya.reduce((s, v) => s + v) / 4;
    const slope = ya.reduce((s, v, i) => s + (xa[i] - mx) * (v - my), 0) / xa.reduce((s, v) => s + (v - mx) ** 2, 0);
    expect(close(ols[1], slope, 1e-9)).toBe(true);
    expect(close(ols[0], my - slope * mx, 1e-9)).toBe(true);
    expect(Array.from(identifiedCoefficients(model.crossprod.terms[0].ZtZ, 2, 5))).toEqual([1, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
  });

  it('a random slope without a random intercept: the intercept is shared, Days absorbed (lm(Reaction ~ Days + Subject:Days))', () => {
    const model = buildModel(dataset('sleepstudy'), 'Reaction ~ Days + (0 + Days | Subject)');
    expect(termModifiers(model, 0).map((m) => m.name)).toEqual(['Days']);
    const fit = fitAtTheta(model, [0.3]);
    const p = termPooling(fit, 0);
    // Direct: common intercept, a slope per subject: minimise Σ (y − α − β_j d)².
    const d = aq.from(dataset('sleepstudy')).objects() as { Reaction: number; Days: number; Subject: unknown }[];
    const levels = model.terms[0].levels;
    // Normal equations by elimination: β_j = (Σ d y − α Σ d)/Σ d²; α from Σ(y − α − β_j d) = 0.
    const by = new Map<string, { sd: number; sdd: number; sdy: number }>();
    for (const r of d) {
      const s = by.get(String(r.Subject)) ?? { sd: 0, sdd: 0, sdy: 0 };
      s.sd += r.Days; s.sdd += r.Days ** 2; s.sdy += r.Days * r.Reaction;
      by.set(String(r.Subject), s);
    }
    let num = d.reduce((s, r) => s + r.Reaction, 0), den = d.length;
    for (const s of by.values()) { num -= (s.sd * s.sdy) / s.sdd; den -= (s.sd * s.sd) / s.sdd; }
    const alpha = num / den;
    levels.forEach((lv, j) => {
      const s = by.get(lv)!;
      expect(close(p.ols![j], (s.sdy - alpha * s.sd) / s.sdd, 1e-9)).toBe(true);
    });
  });
});
