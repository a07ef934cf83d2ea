/**
 * The WebAssembly level kernel (samplers/levelKernel.ts) gives the draws of the JavaScript loops
 * it replaces, bit for bit: whole chains of the Gibbs kernel with and without it (hsb and
 * sleepstudy, random intercepts and slopes; the default half-t priors and inverse-Wishart /
 * inverse-gamma ones with a normal prior on β, which adds the [X y] adjustment), and the collapsed
 * step's likelihood against `CollapsedPsi.logLikelihood` at random points, and elementary.ts
 * `log`, `exp`, `log1p`, `cos`, `sin`, `atan2` and `hypot` (elementary.wat's ports) against stdlib's
 * JavaScript functions on 3·10⁶ arguments each (cos and sin 4·10⁶). Exact equality, no
 * tolerance: the kernel does the same IEEE-754 operations in the same order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/model.js';
import { loadTable } from '../../src/node/files.js';
import { CollapsedPsi } from '../../samplers/collapsed.js';
import { GibbsKernel, samplerModel } from '../../samplers/gibbs.js';
import { LevelKernel } from '../../samplers/levelKernel.js';
import { recordState, parameterLayout } from '../../samplers/params.js';
import { resolvePriors, termPriors } from '../../samplers/priors.js';
import { partialResiduals } from '../../samplers/residuals.js';
import { createRng } from '../../samplers/rng.js';
import { samplerResiduals } from '../../samplers/residualSteps.js';
import { parseResidualSpec, residualStructure } from '../../src/model/residuals.js';
import stdAtan2 from '@stdlib/math-base-special-atan2';
import stdCos from '@stdlib/math-base-special-cos';
import stdHypot from '@stdlib/math-base-special-hypot';
import stdExp from '@stdlib/math-base-special-exp';
import stdSin from '@stdlib/math-base-special-sin';
import stdLn from '@stdlib/math-base-special-ln';
import stdLog1p from '@stdlib/math-base-special-log1p';
import { atan2, cos, exp, hypot, log, log1p, sin } from '../../samplers/elementary.js';
import { fixtures } from '../helpers.js';
import { drawPrior, drawY, gewekeSetup, setResponse } from './geweke.helpers.js';

/** The recorded draws of `iter` iterations of one chain (tuning after `iter / 2`), with or without the kernel. */
function chainDraws(file: string, formula: string, priorsSpec: unknown, iter: number, seed: number, wasm: boolean, residualSpec?: string): Float64Array {
  const table = loadTable(join(fixtures, 'data', file));
  const model = buildModel(table, formula);
  const sm = samplerModel(model);
  const residuals = residualSpec === undefined ? undefined : samplerResiduals(residualStructure(table, model, parseResidualSpec(residualSpec)));
  if (residuals) sm.residuals = residuals;
  const priors = termPriors(model, resolvePriors(model, priorsSpec, { ar1: residuals?.ar1 ?? false }));
  const { formulaOrder, names } = parameterLayout(model, residuals);
  const kernel = new GibbsKernel(sm, priors, { wasm });
  const rng = createRng(seed);
  const state = kernel.init(rng);
  const warmup = iter / 2;
  const out = new Float64Array(iter * names.length);
  for (let i = 1; i <= iter; i++) {
    kernel.advance(rng, state);
    if (i <= warmup) kernel.tune(state, i, warmup);
    recordState(sm, formulaOrder, state, out, (i - 1) * names.length);
  }
  return out;
}

const informative = {
  beta: { mean: [250, 10], var: [100, 25] },
  sigma2: { shape: 1, rate: 1 },
  Psi: { Subject: { df: 4, scale: [[100, 0], [0, 10]] } },
};

describe('WebAssembly level kernel', () => {
  const cases: [string, string, unknown, number][] = [
    ['hsb.csv', 'mathach ~ cses + (cses | school)', undefined, 400],
    ['sleepstudy.csv', 'Reaction ~ Days + (Days | Subject)', undefined, 400],
    ['sleepstudy.csv', 'Reaction ~ Days + (Days | Subject)', informative, 300],
  ];
  for (const [file, formula, priors, iter] of cases) {
    it(`gives the JavaScript loops' draws bit for bit: ${formula}${priors ? ' (inverse-Wishart, β prior)' : ''}`, () => {
      const wasm = chainDraws(file, formula, priors, iter, 20261203, true);
      const js = chainDraws(file, formula, priors, iter, 20261203, false);
      expect(wasm.every(Number.isFinite)).toBe(true);
      expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer))).toBe(true);
    });
  }

  it('stays out of the way of a residual structure (its whitened Z\'Z changes with ρ at every sweep): the same draws as the JavaScript loops', () => {
    // Without the guard in GibbsKernel the kernel would sweep with the Z'Z it copied at the start.
    const run = (wasm: boolean) => chainDraws('sleepstudy.csv', 'Reaction ~ Days + (Days | Subject)', undefined, 300, 20261203, wasm, 'ar1(Days | Subject)');
    const wasm = run(true);
    const js = run(false);
    expect(wasm.every(Number.isFinite)).toBe(true);
    expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer))).toBe(true);
  });

  it('follows a response that changes between sweeps (the Geweke successive-conditional simulator) bit for bit', () => {
    const setup = gewekeSetup('halfT');
    const run = (wasm: boolean) => {
      const rng = createRng(77);
      const kernel = new GibbsKernel(setup.sm, setup.priors, { wasm });
      let state = drawPrior(rng, setup);
      const out: number[] = [];
      for (let m = 0; m < 300; m++) {
        setResponse(setup, drawY(rng, setup.model, state));
        [state] = kernel.step(rng, state);
        out.push(state.sigma2, ...state.beta, ...state.Psi[0], ...state.b[0]);
      }
      return Float64Array.from(out);
    };
    const wasm = run(true);
    const js = run(false);
    expect(Buffer.from(wasm.buffer).equals(Buffer.from(js.buffer))).toBe(true);
  });

  it('gives the collapsed likelihood of CollapsedPsi bit for bit at random points', () => {
    const model = buildModel(loadTable(join(fixtures, 'data', 'hsb.csv')), 'mathach ~ cses + (cses | school)');
    const sm = samplerModel(model);
    const { q, nlevels } = sm.shapes[0];
    const kernel = new LevelKernel(sm.crossprod, nlevels);
    const collapsed = new CollapsedPsi(sm.crossprod, sm.shapes, sm.p, [new Float64Array(3).fill(0.1)], 1, 0);
    const rng = createRng(5);
    const rk = new Float64Array(q * nlevels);
    const b = [new Float64Array(q * nlevels)];
    for (let t = 0; t < 2000; t++) {
      const beta = Float64Array.from({ length: sm.p }, () => 20 * rng.normal());
      partialResiduals(sm.crossprod, sm.shapes, sm.p, 0, beta, b, rk);
      kernel.residuals(beta);
      const C = Float64Array.from([Math.abs(3 * rng.normal()) + 1e-3, 0, 2 * rng.normal(), Math.abs(rng.normal()) + 1e-3]);
      const sigma2 = 40 * rng.uniform() + 1e-2;
      const expected = collapsed.logLikelihood(0, C, sigma2, rk);
      expect(Object.is(kernel.logLikelihood(C[0], C[2], C[3], sigma2), expected)).toBe(true);
    }
  });

  it("gives CollapsedPsi's log target bit for bit (tuned and log coordinates, half-t and inverse-Wishart priors)", () => {
    const model = buildModel(loadTable(join(fixtures, 'data', 'hsb.csv')), 'mathach ~ cses + (cses | school)');
    const sm = samplerModel(model);
    const { q, nlevels } = sm.shapes[0];
    const untuned = [new Float64Array(3).fill(0.1)];
    const js = new CollapsedPsi(sm.crossprod, sm.shapes, sm.p, untuned, 1, 0);
    const wasm = new CollapsedPsi(sm.crossprod, sm.shapes, sm.p, untuned, 1, 0, new LevelKernel(sm.crossprod, nlevels));
    type Target = (k: number, point: Float64Array, tuned: boolean, sigma2: number, prior: unknown) => number;
    type Work = { rk: Float64Array; LS: Float64Array }[];
    const targetOf = (c: CollapsedPsi) => ((c as unknown as { logTarget: Target }).logTarget).bind(c);
    const workOf = (c: CollapsedPsi) => (c as unknown as { work: Work }).work[0];
    const rng = createRng(6);
    const b = [new Float64Array(q * nlevels)];
    let finite = 0;
    for (let t = 0; t < 4000; t++) {
      const beta = Float64Array.from({ length: sm.p }, () => 12 + 3 * rng.normal());
      partialResiduals(sm.crossprod, sm.shapes, sm.p, 0, beta, b, workOf(js).rk);
      (wasm as unknown as { levels: LevelKernel }).levels.residuals(beta);
      const halfT = t % 2 === 0;
      const prior = halfT ? { kind: 'halfT', nu: 2, scale: Float64Array.from([3 * rng.uniform() + 0.1, rng.uniform() + 0.1]) } : { kind: 'invWishart', df: 3 + 4 * rng.uniform(), scale: Float64Array.from([2, 0, 0, 1]) };
      for (const c of [js, wasm]) {
        const LS = workOf(c).LS;
        LS.set([Math.SQRT2, 0, 0, 1]);
      }
      const tuned = rng.uniform() < 0.5;
      // Points inside and (a few) outside the support: x = (C00, s, ω) or φ = (log C00, C10, log C11).
      const point = tuned
        ? Float64Array.from([3 * rng.uniform() - 0.1, 2 * rng.uniform() - 0.1, 3.3 * rng.uniform() - 0.05])
        : Float64Array.from([2 * rng.normal(), 2 * rng.normal(), 3 * rng.normal() - 1]);
      const sigma2 = 30 + 20 * rng.uniform();
      const expected = targetOf(js)(0, point, tuned, sigma2, prior);
      const actual = targetOf(wasm)(0, point, tuned, sigma2, prior);
      if (Number.isFinite(expected)) finite++;
      expect(Object.is(actual, expected)).toBe(true);
    }
    expect(finite).toBeGreaterThan(2000);
  });

  it("computes msun's log bit for bit as stdlib's ln does (3·10⁶ arguments)", () => {
    const rng = createRng(9);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const special = [0, -0, 1, -1, 2, 0.5, Infinity, -Infinity, NaN, Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, Number.MAX_VALUE, 1 + 2 ** -52, 1 - 2 ** -53, Math.E, 0.7071067811865476, 1.4142135623730951];
    let mismatches = 0;
    const check = (x: number) => {
      if (!Object.is(log(x), stdLn(x))) mismatches++;
    };
    special.forEach(check);
    for (let t = 0; t < 1_000_000; t++) {
      // Any positive double (uniform bit patterns: every exponent, subnormals included) ...
      words[0] = rng.uniform() * 2 ** 32;
      words[1] = rng.uniform() * 0x7ff00000;
      check(bits[0]);
      // ... near 1, where the argument reduction's branches (|f| < 2^−20 and the rest) meet ...
      check(1 + (rng.uniform() - 0.5) * 2 ** (-60 * rng.uniform()));
      // ... and the range of the sampler's arguments (products of determinant ratios, variances).
      check(exp(40 * (rng.uniform() - 0.5)));
    }
    expect(mismatches).toBe(0);
  });

  it("computes msun's exp bit for bit as stdlib's exp does (3·10⁶ arguments)", () => {
    const rng = createRng(10);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const special = [0, -0, 1, -1, 708, -708, 709, -709, 709.78, -745.1, -746, 710, Infinity, -Infinity, NaN, 2 ** -28, -(2 ** -28), 2 ** -29, 1e-300, Math.LN2, -Math.LN2, 0.5 * Math.LN2, -0.5 * Math.LN2];
    let mismatches = 0;
    const check = (x: number) => {
      if (!Object.is(exp(x), stdExp(x))) mismatches++;
    };
    special.forEach(check);
    for (let t = 0; t < 1_000_000; t++) {
      // Across the whole range and beyond it (the fallback to stdlib), ...
      check(1500 * (rng.uniform() - 0.5));
      // ... where the sampler's arguments fall (log densities, the ziggurat's wedges), ...
      check(-20 * rng.uniform() ** 2 + 5 * (rng.uniform() - 0.5));
      // ... and any magnitude: uniform bit patterns of either sign (tiny arguments take 1 + x).
      words[0] = rng.uniform() * 2 ** 32;
      words[1] = rng.uniform() * 0x40900000 + (rng.uniform() < 0.5 ? 0x80000000 : 0);
      check(bits[0]);
    }
    expect(mismatches).toBe(0);
  });

  it("computes msun's log1p bit for bit as stdlib's log1p does (3·10⁶ arguments)", () => {
    const rng = createRng(11);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const special = [0, -0, -1, -1.5, 1, Infinity, -Infinity, NaN, 2 ** 53, 2 ** 54, 2 ** -29, -(2 ** -29), 2 ** -55, 0.41421356237309503, -0.2928932188134524, 1e300, -0.9999999999999999];
    let mismatches = 0;
    const check = (x: number) => {
      if (!Object.is(log1p(x), stdLog1p(x))) mismatches++;
    };
    special.forEach(check);
    for (let t = 0; t < 1_000_000; t++) {
      // (−1, 1) and the branches' edges, ...
      check(2 * rng.uniform() - 1);
      // ... the proposal's arguments d²/ν (0 to ~10³), ...
      check(exp(16 * rng.uniform() - 8));
      // ... and any magnitude above −1 (uniform bit patterns).
      words[0] = rng.uniform() * 2 ** 32;
      words[1] = rng.uniform() < 0.5 ? rng.uniform() * 0x7ff00000 : 0x80000000 + rng.uniform() * 0x3ff00000;
      check(bits[0]);
    }
    expect(mismatches).toBe(0);
  });

  it("computes msun's cos and sin bit for bit as stdlib's do (4·10⁶ arguments)", () => {
    const rng = createRng(12);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const special = [0, -0, Infinity, -Infinity, NaN, Math.PI, -Math.PI, Math.PI / 2, -Math.PI / 2, Math.PI / 4, (3 * Math.PI) / 4, (5 * Math.PI) / 4, -(5 * Math.PI) / 4, 2 ** -27, 2 ** -28, 2 ** -26, 1e300, 3.9269908169872414, 3.926990816987242];
    let mismatches = 0;
    const check = (x: number) => {
      if (!Object.is(cos(x), stdCos(x)) || !Object.is(sin(x), stdSin(x))) mismatches++;
    };
    special.forEach(check);
    for (let t = 0; t < 1_000_000; t++) {
      // The collapsed step's angles ω ∈ (0, π), ...
      check(Math.PI * rng.uniform());
      // ... either sign up to 3π (the ports' range, its edges and the fallback), near π/2 too, ...
      check(6 * Math.PI * (rng.uniform() - 0.5));
      check((rng.uniform() < 0.5 ? 1 : -1) * (Math.PI / 2 + 1e-3 * (rng.uniform() - 0.5)));
      // ... and small magnitudes down to the tiny-argument cases (uniform bit patterns below 8).
      words[0] = rng.uniform() * 2 ** 32;
      words[1] = rng.uniform() * 0x40200000 + (rng.uniform() < 0.5 ? 0x80000000 : 0);
      check(bits[0]);
    }
    expect(mismatches).toBe(0);
  });

  it("computes atan2 and hypot bit for bit as stdlib's do (3·10⁶ argument pairs)", () => {
    const rng = createRng(13);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const special = [0, -0, 1, -1, Infinity, -Infinity, NaN, 1e-310, -1e-310, 1e300, 2.414213562373095, 0.66, 0.6600000000000001];
    let mismatches = 0;
    const check = (y: number, x: number) => {
      if (!Object.is(atan2(y, x), stdAtan2(y, x)) || !Object.is(hypot(x, y), stdHypot(x, y))) mismatches++;
    };
    for (const y of special) for (const x of special) check(y, x);
    const anyDouble = () => {
      words[0] = rng.uniform() * 2 ** 32;
      words[1] = rng.uniform() * 0x7ff00000 + (rng.uniform() < 0.5 ? 0x80000000 : 0);
      return bits[0];
    };
    for (let t = 0; t < 1_000_000; t++) {
      // The collapsed step's (C10, C11), C11 > 0, ...
      check(3 * rng.uniform(), 6 * (rng.uniform() - 0.5));
      // ... any signs and ratios near the branch points of atan (|y/x| near 0.66 and tan(3π/8)), ...
      const x = 4 * (rng.uniform() - 0.5);
      check(x * (rng.uniform() < 0.5 ? 0.66 : 2.414213562373095) * (1 + 1e-6 * (rng.uniform() - 0.5)) * (rng.uniform() < 0.5 ? 1 : -1), x);
      // ... and any magnitudes (uniform bit patterns).
      check(anyDouble(), anyDouble());
    }
    expect(mismatches).toBe(0);
  });
});
