/**
 * Same seed, same draws, bit for bit: chains run in worker threads (the compiled code in dist/,
 * built by `npm install`) give exactly the draws of the same chains run one after the other.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const dist = join(fixtures, '..', '..', 'dist');
const built = existsSync(join(dist, 'src', 'node', 'samplerWorker.js'));

describe('parallel chains', () => {
  it.skipIf(!built)('worker threads and sequential runs give identical draws', async () => {
    // The Node entry installs Node's platform (worker threads) in the compiled module graph.
    const { loadTable } = await import(join(dist, 'src', 'index.js'));
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { sampleModel } = await import(join(dist, 'samplers', 'sample.js'));
    const { workersAvailable } = await import(join(dist, 'samplers', 'run.js'));
    expect(workersAvailable()).toBe(true);
    const model = buildModel(loadTable(join(fixtures, 'data', 'sleepstudy.csv')), 'Reaction ~ Days + (Days | Subject)');
    const options = { seed: 77, chains: 3, iter: 300 };
    const parallel = await sampleModel(model, { ...options, parallel: true });
    const sequential = await sampleModel(model, { ...options, parallel: false });
    expect(parallel.draws.length).toBe(3);
    parallel.draws.forEach((d: Float64Array, c: number) => expect(Buffer.from(d.buffer).equals(Buffer.from(sequential.draws[c].buffer))).toBe(true));
  });
});

describe('parallel chains with a residual structure', () => {
  it.skipIf(!built)('the residual sets reach the workers: identical draws in threads and in turn', async () => {
    const { loadTable } = await import(join(dist, 'src', 'index.js'));
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { sampleModel } = await import(join(dist, 'samplers', 'sample.js'));
    const table = loadTable(join(fixtures, 'data', 'orthodont.csv'));
    const model = buildModel(table, 'distance ~ age + Sex + (1 | Subject)');
    const options = { seed: 78, chains: 2, iter: 300, residuals: 'ar1(visit | Subject) + var(Sex)' };
    const parallel = await sampleModel(model, { ...options, parallel: true }, table);
    const sequential = await sampleModel(model, { ...options, parallel: false }, table);
    parallel.draws.forEach((d: Float64Array, c: number) => expect(Buffer.from(d.buffer).equals(Buffer.from(sequential.draws[c].buffer))).toBe(true));
  });
});

describe('thread choice', () => {
  it('small models stay in one thread, large ones go to threads (deterministic work measure)', async () => {
    const { chainWork } = await import('../../samplers/run.js');
    const shapes = (nlevels: number) => [{ q: 2, nlevels }];
    const model = (nlevels: number) => ({ n: 0, p: 2, crossprod: {} as never, shapes: shapes(nlevels), yShift: 0, yShiftDirection: new Float64Array(2), xCenter: new Float64Array(2) });
    // hsb: 160 schools with random slopes, 2000 iterations.
    expect(chainWork(model(160), 2000)).toBeLessThan(2e7);
    // 5000 groups with random slopes, 2000 iterations.
    expect(chainWork(model(5000), 2000)).toBeGreaterThan(2e7);
  });
});
