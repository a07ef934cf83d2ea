/**
 * Default priors (Huang & Wand half-t, scales from the rows used) and the priors file: the
 * shipped JSON Schema equals the one the code validates with, valid files resolve, and each
 * violation gives one message naming its key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/model.js';
import { defaultPriors, resolvePriors, termPriors } from '../../samplers/priors.js';
import { priorsSchema } from '../../samplers/priorsSchema.js';
import { schemaViolations } from '../../samplers/schemaCheck.js';
import { dataset, fixtures } from '../helpers.js';

const sd = (v: number[]) => {
  const m = v.reduce((s, x) => s + x, 0) / v.length;
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
};

describe('default priors', () => {
  it('half-t(2) scales from the rows used: sd(y) for σ and the intercept, sd(y)/sd(z) for a slope', () => {
    // politeness has one missing response: the scales come from the 83 rows used.
    const table = dataset('politeness');
    const model = buildModel(table, 'frequency ~ attitude + (1 + attitude | subject)');
    const rows = table.objects().filter((r) => r.frequency !== null && !Number.isNaN(r.frequency)) as { frequency: number; attitude: string }[];
    expect(rows.length).toBe(83);
    const y = rows.map((r) => r.frequency);
    const z = rows.map((r) => (r.attitude === 'pol' ? 1 : 0));
    const priors = defaultPriors(model);
    expect(priors.sigma2).toEqual({ halfT: { df: 2, scale: expect.closeTo(sd(y), 10) } });
    const psi = priors.Psi.subject as { halfT: { df: number; scale: number[] } };
    expect(psi.halfT.df).toBe(2);
    expect(psi.halfT.scale[0]).toBeCloseTo(sd(y), 10);
    expect(psi.halfT.scale[1]).toBeCloseTo(sd(y) / sd(z), 10);
  });

  it('scale with the units of y and z (rescaled and shifted columns)', () => {
    const a = defaultPriors(buildModel(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)'));
    const table = dataset('sleepstudy').derive({ Reaction: (d: { Reaction: number }) => d.Reaction * 1000 - 7, Days: (d: { Days: number }) => d.Days / 24 + 3 });
    const b = defaultPriors(buildModel(table, 'Reaction ~ Days + (Days | Subject)'));
    const A = (p: typeof a) => (p.Psi.Subject as { halfT: { scale: number[] } }).halfT.scale;
    expect(A(b)[0] / A(a)[0]).toBeCloseTo(1000, 8);
    expect(A(b)[1] / A(a)[1]).toBeCloseTo(24000, 6);
    expect((b.sigma2 as { halfT: { scale: number } }).halfT.scale / (a.sigma2 as { halfT: { scale: number } }).halfT.scale).toBeCloseTo(1000, 8);
  });

  it('(x || g): one half-t per column, each term its own', () => {
    const model = buildModel(dataset('sleepstudy'), 'Reaction ~ Days + (Days || Subject)');
    const priors = defaultPriors(model);
    const term = termPriors(model, priors);
    expect(term.Psi.map((p) => p.kind)).toEqual(['halfT', 'halfT']);
    const scales = term.Psi.map((p) => Array.from(p.scale));
    const A = (priors.Psi.Subject as { halfT: { scale: number[] } }).halfT.scale;
    expect(scales.flat().sort()).toEqual([...A].sort());
  });
});

describe('priors file', () => {
  const model = buildModel(dataset('hsb'), 'mathach ~ cses + (cses | school)');

  it('the shipped schema/priors.schema.json is the schema the code validates with', () => {
    const shipped = JSON.parse(readFileSync(join(fixtures, '..', '..', 'schema', 'priors.schema.json'), 'utf8'));
    expect(shipped).toEqual(JSON.parse(JSON.stringify(priorsSchema)));
  });

  it('accepts the contract example and the inverse-Wishart / inverse-gamma forms', () => {
    const example = { beta: { mean: 0, var: 1e6 }, Psi: { school: { halfT: { df: 2, scale: [6.9, 10.4] } } }, sigma2: { halfT: { df: 2, scale: 6.9 } } };
    expect(schemaViolations(priorsSchema, example)).toEqual([]);
    const spec = resolvePriors(model, example);
    expect(spec.Psi.school).toEqual({ halfT: { df: 2, scale: [6.9, 10.4] } });
    const iw = resolvePriors(model, { Psi: { school: { df: 4, scale: [1, 2] } }, sigma2: { shape: 1, rate: 2 }, beta: 'flat' });
    expect(iw.Psi.school).toEqual({ df: 4, scale: [[1, 0], [0, 2]] });
    expect(iw.sigma2).toEqual({ shape: 1, rate: 2 });
    expect(iw.beta).toBe('flat');
    // halfT with only df keeps the default scales.
    const partial = resolvePriors(model, { Psi: { school: { halfT: { df: 3 } } } });
    expect((partial.Psi.school as { halfT: { df: number; scale: number[] } }).halfT.df).toBe(3);
    expect((partial.Psi.school as { halfT: { scale: number[] } }).halfT.scale).toEqual((defaultPriors(model).Psi.school as { halfT: { scale: number[] } }).halfT.scale);
  });

  const bad: [string, unknown, RegExp][] = [
    ['unknown top-level key', { Sigma: 1 }, /^--priors: the priors file: unknown key 'Sigma' \(expected beta, Psi, sigma2, rho\)$/],
    ['negative half-t scale', { Psi: { school: { halfT: { scale: [1, -3] } } } }, /^--priors: Psi\.school\.halfT\.scale\[1\] must be greater than 0, got -3$/],
    ['half-t df not a number', { sigma2: { halfT: { df: 'two' } } }, /^--priors: sigma2\.halfT\.df must be a number, got "two"$/],
    ['unknown key inside halfT', { sigma2: { halfT: { nu: 2 } } }, /^--priors: sigma2\.halfT: unknown key 'nu' \(expected df, scale\)$/],
    ['inverse-gamma missing rate', { sigma2: { shape: 1 } }, /^--priors: sigma2 needs the key 'rate'$/],
    ['neither form', { Psi: { school: {} } }, /^--priors: Psi\.school must be \{"halfT".*or \{"df".*, got \{\}$/],
    ['wrong scale length', { Psi: { school: { halfT: { scale: [1, 2, 3] } } } }, /^--priors: Psi\.school\.halfT\.scale must be a number or a vector of length 2 \(one per column: \(Intercept\), cses\), got length 3$/],
    ['unknown group', { Psi: { schol: { halfT: {} } } }, /^--priors: Psi: unknown grouping factor 'schol' \(the model has 'school'\)$/],
    ['inverse-Wishart scale not positive definite', { Psi: { school: { df: 3, scale: [[1, 2], [2, 1]] } } }, /^--priors: Psi\.school\.scale must be positive definite$/],
    ['beta flat misspelt', { beta: 'flta' }, /^--priors: beta must be "flat" or \{"mean": \.\.\., "var": \.\.\.\}, got "flta"$/],
    ['beta.var entry', { beta: { var: [1, 'x'] } }, /^--priors: beta\.var\[1\] must be a number, got "x"$/],
  ];
  for (const [name, file, message] of bad) {
    it(`one clear error naming the key: ${name}`, () => {
      expect(() => resolvePriors(model, file)).toThrow(message);
    });
  }

  it('several violations: all of them, on one line', () => {
    let message = '';
    try {
      resolvePriors(model, { Psi: { school: { halfT: { df: -1, scale: 0 } } }, sigma2: { shape: 0, rate: 1 } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('--priors: 3 problems: Psi.school.halfT.df must be greater than 0, got -1; Psi.school.halfT.scale must be greater than 0, got 0; sigma2.shape must be greater than 0, got 0');
  });

  it('a table with no random-effects columns to spare still validates', () => {
    const m = buildModel(aq.table({ y: [1, 2, 3, 5, 4, 6], g: ['a', 'a', 'b', 'b', 'c', 'c'] }), 'y ~ 1 + (1 | g)');
    expect(() => resolvePriors(m, { Psi: { g: { halfT: { scale: [1, 2] } } } })).toThrow(/Psi\.g\.halfT\.scale must be a number or a vector of length 1/);
  });
});
