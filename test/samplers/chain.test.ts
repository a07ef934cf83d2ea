/**
 * Chains run in turn (chain.ts `runChainsInterleaved`, what `sample` does in one thread) give
 * exactly the draws of the same chains run one at a time with `runChain`, bit for bit, for a
 * one-term model (collapsed Ψ step) and a two-term model (interweaving), with a chain length
 * that is not a multiple of the block, thinning, and chains of different lengths; progress is
 * reported at the same iterations.
 */
import { loadTable } from '../../src/node/files.js';
import { buildModel } from '../../src/model/model.js';
import { describe, expect, it } from 'vitest';
import { runChain, runChainsInterleaved, type ChainOptions } from '../../samplers/chain.js';
import { samplerModel } from '../../samplers/gibbs.js';
import { parameterLayout } from '../../samplers/params.js';
import { resolvePriors, termPriors } from '../../samplers/priors.js';
import { fixtures } from '../helpers.js';
import { join } from 'node:path';

describe('chains in turn', () => {
  const cases: [string, string][] = [
    ['sleepstudy.csv', 'Reaction ~ Days + (Days | Subject)'],
    ['penicillin.csv', 'diameter ~ 1 + (1 | plate) + (1 | sample)'],
  ];
  for (const [file, formula] of cases) {
    it(`equal the chains run one at a time: ${formula}`, () => {
      const model = buildModel(loadTable(join(fixtures, 'data', file)), formula);
      const sm = samplerModel(model);
      const priors = termPriors(model, resolvePriors(model, undefined));
      const { formulaOrder, names } = parameterLayout(model);
      const options: ChainOptions[] = [
        { iter: 137, warmup: 60, thin: 2, seed: 11, progressEvery: 7 },
        { iter: 211, warmup: 100, thin: 1, seed: 12, progressEvery: 7 },
        { iter: 90, warmup: 45, thin: 3, seed: 13, progressEvery: 7 },
      ];
      const seen: number[][] = options.map(() => []);
      const inTurn = runChainsInterleaved(sm, priors, formulaOrder, names.length, options.map((o, c) => ({ ...o, onProgress: (d: number) => seen[c].push(d) })));
      options.forEach((o, c) => {
        const alone: number[] = [];
        const draws = runChain(sm, priors, formulaOrder, names.length, { ...o, onProgress: (d) => alone.push(d) });
        expect(Buffer.from(inTurn[c].buffer).equals(Buffer.from(draws.buffer))).toBe(true);
        expect(seen[c]).toEqual(alone);
        expect(alone.at(-1)).toBe(o.iter);
      });
    });
  }
});
