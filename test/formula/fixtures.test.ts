import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseFormula } from '../../src/formula/parse.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'lme4');
const fits = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, fit: JSON.parse(readFileSync(join(dir, f), 'utf8')) as { formula: string; ngroups: Record<string, number> } }));

describe('lme4 reference formulas', () => {
  it('has fixtures', () => {
    expect(fits.length).toBeGreaterThan(0);
  });

  for (const { file, fit } of fits) {
    it(`${file}: ${fit.formula}`, () => {
      const parsed = parseFormula(fit.formula);
      const groups = [...new Set(parsed.random.map((r) => r.group))].sort();
      expect(groups).toEqual(Object.keys(fit.ngroups).sort());
    });
  }
});
