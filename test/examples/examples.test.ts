/**
 * Smoke tests of the worked examples: each main() runs with a small sampler, prints the seeds'
 * published numbers beside ours, and those agree to the precision the seeds print.
 */
import { describe, expect, it } from 'vitest';
import { main as hsb } from '../../examples/hsb.js';
import { main as politeness } from '../../examples/politeness.js';
import { main as shrinkage } from '../../examples/shrinkage.js';

const small = { chains: 2, iter: 300, seed: 1 };

/** The table line of `label`: [published, ours]. */
function beside(lines: string[], label: string): [number, number] {
  const line = lines.find((l) => l.trimStart().startsWith(label + ' ') && /^\s+-?\d/.test(l.trimStart().slice(label.length)));
  if (!line) throw new Error(`no line '${label}'`);
  const cells = line.trim().slice(label.length).trim().split(/\s+/).map(Number);
  return [cells[0], cells[1]];
}

describe('examples', () => {
  it('hsb reproduces seed 001 (estimates to the printed 3 decimals ± 1e-3, log L to ± 0.01)', async () => {
    const lines: string[] = [];
    const comparison = await hsb({ ...small, log: (l) => lines.push(...l.split('\n')) });
    for (const label of ['beta1 (ML)', 'psi1 (REML)', 'sigma (REML)', 'beta7 Catholic:cses = -sectorPublic:cses', 'psi1']) {
      const [published, ours] = beside(lines, label);
      expect(Math.abs(ours - published)).toBeLessThan(1.5e-3);
    }
    for (const label of ['log L1 (cses | school)', 'log L0 (1 | school)', 'log L model 3 omitting psi2^2, psi12', 'G^2']) {
      const [published, ours] = beside(lines, label);
      expect(Math.abs(ours - published)).toBeLessThan(0.01);
    }
    expect(comparison.groups).toHaveLength(320);
    // The comparison is the coefficients-as-outcomes model: schools pulled toward gamma'w_i.
    expect(comparison.fit.formula).toBe('mathach ~ meanses + sector + cses + meanses:cses + sector:cses + (cses | school)');
    const intercepts = lines.find((l) => l.trimStart().startsWith("(Intercept): median shrinkage toward gamma'w_i")) as string;
    expect(Number(/in \[0, 1\] for (\d+) of 160/.exec(intercepts)?.[1])).toBeGreaterThanOrEqual(150);
  }, 20_000);

  it('politeness reproduces seed 003 (anova to the printed digits, the singular fit flagged)', async () => {
    const lines: string[] = [];
    await politeness({ ...small, log: (l) => lines.push(...l.split('\n')) });
    expect(Math.abs(beside(lines, 'Chisq')[1] - 11.618)).toBeLessThan(5e-4);
    expect(Math.abs(beside(lines, 'Pr(>Chisq)')[1] - 0.0006532)).toBeLessThan(5e-8);
    expect(Math.abs(beside(lines, 'AIC null')[1] - 816.72)).toBeLessThan(5e-3);
    expect(Math.abs(beside(lines, 'AIC full')[1] - 807.1)).toBeLessThan(5e-3);
    expect(lines).toContain('  singular fit (a covariance on the boundary): true');
    expect(lines.some((l) => l.trimStart().startsWith('subject correlation '))).toBe(true);
  }, 20_000);

  it('shrinkage: the seed-004 formula is the eBLUP, and fewer rows mean more shrinkage', async () => {
    const lines: string[] = [];
    const comparison = await shrinkage({ ...small, log: (l) => lines.push(...l.split('\n')) });
    const largest = lines.find((l) => l.includes('largest |formula - eBLUP|')) as string;
    expect(Number(largest.split(':')[1])).toBeLessThan(1e-8);
    const byLevel = new Map(comparison.groups.map((g) => [g.level, g]));
    const r1 = byLevel.get('308')!;
    const r5 = byLevel.get('310')!;
    const r10 = byLevel.get('330')!;
    expect([r1.n, r5.n, r10.n]).toEqual([1, 5, 10]);
    expect(r1.shrinkage as number).toBeGreaterThan(r5.shrinkage as number);
    expect(r5.shrinkage as number).toBeGreaterThan(r10.shrinkage as number);
    const gap = lines.find((l) => l.includes('is 1 - weight for every subject')) as string;
    expect(Number(/largest gap ([^)]+)\)/.exec(gap)?.[1])).toBeLessThan(1e-10);
  }, 20_000);
});
