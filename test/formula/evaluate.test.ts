import { describe, it, expect } from 'vitest';
import { parseExpression } from '../../src/formula/parse.js';
import { evaluateNumeric } from '../../src/formula/evaluate.js';
import { LmmError } from '../../src/errors.js';

const data: Record<string, Float64Array | null> = {
  ses: Float64Array.from([-1.5, 0, 0.5, 2]),
  meanses: Float64Array.from([0.1, -0.2, 0.3, 0]),
  sector: null,
};

const column = (name: string): Float64Array | null => {
  if (!(name in data)) throw new Error(`unknown column '${name}'`);
  return data[name];
};

const evalText = (text: string): number[] => Array.from(evaluateNumeric(parseExpression(text), column, 4));

describe('evaluateNumeric', () => {
  it('arithmetic as R computes it', () => {
    expect(evalText('I(ses^2)')).toEqual([2.25, 0, 0.25, 4]);
    expect(evalText('I(ses * meanses)')).toEqual([-1.5 * 0.1, 0 * -0.2, 0.5 * 0.3, 0]);
    expect(evalText('I((ses - 1) / 2)')).toEqual([-1.25, -0.5, -0.25, 0.5]);
    expect(evalText('I(-ses + 1)')).toEqual([2.5, 1, 0.5, -1]);
    expect(evalText('I(2^ses)')).toEqual([2 ** -1.5, 1, 2 ** 0.5, 4]);
    expect(evalText('I(ses^meanses)')).toEqual([NaN, Infinity, 0.5 ** 0.3, 1]);
    expect(evalText('I(2 * 3 + 1)')).toEqual([7, 7, 7, 7]);
  });

  it('functions', () => {
    expect(evalText('abs(ses)')).toEqual([1.5, 0, 0.5, 2]);
    expect(evalText('exp(ses)')).toEqual([Math.exp(-1.5), 1, Math.exp(0.5), Math.exp(2)]);
    expect(evalText('sqrt(abs(ses))')).toEqual([Math.sqrt(1.5), 0, Math.sqrt(0.5), Math.sqrt(2)]);
    expect(evalText('log(exp(ses))')).toEqual([-1.5, 0, 0.5, 2]);
    const log2 = evalText('log(abs(ses), 2)');
    expect(log2[3]).toBeCloseTo(1, 15);
    expect(log2[1]).toBe(-Infinity);
    expect(Number.isNaN(evalText('log(ses)')[0])).toBe(true);
  });

  it('returns a fresh array, never the column itself', () => {
    const out = evaluateNumeric(parseExpression('ses'), column, 4);
    expect(Array.from(out)).toEqual([-1.5, 0, 0.5, 2]);
    expect(out).not.toBe(data.ses);
    const viaI = evaluateNumeric(parseExpression('I(ses)'), column, 4);
    expect(viaI).not.toBe(data.ses);
  });

  it('rejects factors, naming the column', () => {
    let error: unknown;
    try {
      evaluateNumeric(parseExpression('I(sector^2)'), column, 4);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LmmError);
    expect((error as LmmError).kind).toBe('data');
    expect((error as LmmError).message).toBe("I(sector^2) needs numeric columns: 'sector' is a factor");
  });

  it('unknown columns are reported by the callback', () => {
    expect(() => evalText('I(nope + 1)')).toThrow("unknown column 'nope'");
  });

  it('is fast on a million rows', () => {
    const n = 1_000_000;
    const x = new Float64Array(n).map((_, i) => i / n);
    const y = new Float64Array(n).map((_, i) => 1 - i / n);
    const expr = parseExpression('I((x - 1)/2 + x * y^2)');
    const lookup = (name: string) => (name === 'x' ? x : y);
    evaluateNumeric(expr, lookup, n); // warm up
    const start = performance.now();
    const out = evaluateNumeric(expr, lookup, n);
    const ms = performance.now() - start;
    expect(out[n - 1]).toBeCloseTo(((n - 1) / n - 1) / 2 + ((n - 1) / n) * (1 / n) ** 2, 12);
    expect(ms).toBeLessThan(200);
  });
});
