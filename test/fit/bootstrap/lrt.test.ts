/**
 * Likelihood-ratio tests with linear-model nulls and parametric-bootstrap p-values
 * (src/fit/linear.ts, src/fit/bootstrap/lrt.ts). References: test/fixtures/bootstrap/lrt.json
 * (test/fixtures/scripts/bootstrap_lrt.R): R's logLik(lm) (1e-10 relative), RLRsim 3.1.8's
 * exactLRT p-value (10^5 simulations of the exact null distribution) and pbkrtest 0.5.2's
 * PBmodcomp (2,000 replicates: p-value and reference quantiles). Monte Carlo comparisons within
 * 4 binomial SE of the two runs combined.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anova } from '../../../src/fit/anova.js';
import { bootstrapLrt } from '../../../src/fit/bootstrap/lrt.js';
import { LinearFit } from '../../../src/fit/linear.js';
import { LmmFit } from '../../../src/fit/lmm.js';
import { LmmError } from '../../../src/errors.js';
import { dataset } from '../../helpers.js';
import { ecdf } from './helpers.js';

interface Ref { id: string; dataset: string; small: string; large: string; nsim: number; observed: number; p: number; lmLogLik?: number; lmerLogLik?: number; refQuantiles?: Record<string, number> }
const refs = JSON.parse(readFileSync('test/fixtures/bootstrap/lrt.json', 'utf8')) as Ref[];
const ref = (id: string) => refs.find((r) => r.id === id)!;
const table = (name: string) => dataset(name);
const within = (p: number, pRef: number, n1: number, n2: number) => Math.abs(p - pRef) <= 4 * Math.sqrt(Math.max(pRef * (1 - pRef), 1 / n1) * (1 / n1 + 1 / n2));

describe('a random intercept against the linear model without it', () => {
  for (const id of ['dyestuff_intercept_vs_lm', 'sleepstudy_intercept_vs_lm']) {
    const r = ref(id);
    const result = anova(table(r.dataset), [r.small, r.large]);
    it(`${id}: logLik(lm) and the LRT as R's (1e-10, 1e-8)`, () => {
      expect(result.fits[0]).toBeInstanceOf(LinearFit);
      expect(Math.abs(result.models[0].logLik - r.lmLogLik!)).toBeLessThan(1e-10 * Math.abs(r.lmLogLik!));
      expect(Math.abs(result.models[1].logLik - r.lmerLogLik!)).toBeLessThan(1e-8 * Math.abs(r.lmerLogLik!));
      expect(Math.abs(result.models[1].Chisq! - r.observed)).toBeLessThan(1e-6 * r.observed);
      expect(result.models[0].npar).toBe(result.fits[0].df);
      // ½χ²_0 + ½χ²_1 applies to one new variance.
      expect(result.models[1].pBoundary).toBeCloseTo(result.models[1].p! / 2, 14);
    });
  }
  it('dyestuff: the bootstrap p-value (2,000 replicates) is RLRsim\'s exactLRT p-value within MC error', () => {
    const r = ref('dyestuff_intercept_vs_lm');
    const result = anova(table(r.dataset), [r.small, r.large], { bootstrap: { n: 2000, seed: 61 } });
    expect(within(result.models[1].pBootstrap!, r.p, 2000, r.nsim)).toBe(true);
  });
});

describe.each([
  ['sleepstudy_correlation', 300],
  ['politeness_attitude', 300],
] as const)('against pbkrtest PBmodcomp: %s (%i replicates)', (id, n) => {
  const r = ref(id);
  const data = table(r.dataset);
  const result = anova(data, [r.small, r.large]);
  const [small, large] = result.fits as [LmmFit, LmmFit];
  const boot = bootstrapLrt(small, large, result.models[1].Chisq!, { n, seed: 71 });
  it('observed statistic as R\'s (1e-6 relative)', () => {
    expect(Math.abs(result.models[1].Chisq! - r.observed)).toBeLessThan(1e-6 * Math.max(1, r.observed));
  });
  it('p-value and the reference distribution\'s quantiles within MC error', () => {
    expect(within(boot.p, r.p, n, r.nsim)).toBe(true);
    for (const [q, x] of Object.entries(r.refQuantiles!)) {
      const pq = Number(q);
      expect(Math.abs(ecdf(boot.statistics, x) - pq), `q = ${q}`).toBeLessThanOrEqual(4 * Math.sqrt(pq * (1 - pq) * (1 / n + 1 / r.nsim)));
    }
  });
});

describe('errors', () => {
  it('models that are not nested: one line naming the term', () => {
    const sleep = table('sleepstudy');
    expect(() => anova(sleep, ['Reaction ~ Days + (1 | Subject)', 'Reaction ~ 1 + (Days | Subject)'], { bootstrap: { n: 10, seed: 1 } })).toThrow(LmmError);
    expect(() => anova(sleep, ['Reaction ~ Days + (1 | Subject)', 'Reaction ~ 1 + (Days | Subject)'], { bootstrap: { n: 10, seed: 1 } })).toThrow(/fixed effect 'Days'/);
  });
  it('two linear models, or a linear model under --no-refit, are refused', () => {
    const sleep = table('sleepstudy');
    expect(() => anova(sleep, ['Reaction ~ 1', 'Reaction ~ Days'])).toThrow(/at least one model with random-effects terms/);
    expect(() => anova(sleep, ['Reaction ~ Days', 'Reaction ~ Days + (1 | Subject)'], { refit: false })).toThrow(/--no-refit/);
  });
});
