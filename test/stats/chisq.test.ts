/** χ² upper tail against R 4.2.2's pchisq(x, df, lower.tail = FALSE), 1e-12 relative. */
import { describe, expect, it } from 'vitest';
import { chisqUpper } from '../../src/stats/chisq.js';

describe('chisqUpper', () => {
  const cases: [number, number, number][] = [
    [11.618, 1, 0.000653165987364426],
    [9.76, 2, 0.00759701402757757],
    [400, 3, 2.21388659310112e-86],
    [0.5, 4, 0.973500978839256],
  ];
  for (const [x, df, p] of cases) {
    it(`P(χ²_${df} > ${x})`, () => expect(Math.abs(chisqUpper(x, df) / p - 1)).toBeLessThan(1e-12));
  }
  it('χ²_0 is a point mass at 0', () => {
    expect(chisqUpper(0, 0)).toBe(1);
    expect(chisqUpper(0.1, 0)).toBe(0);
  });
});
