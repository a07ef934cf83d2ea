/**
 * Bootstrap refits in worker threads (the compiled code in dist/, built by `npm install`): the
 * same replicate table bit for bit as in the calling thread, for any number of workers.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../../helpers.js';

const dist = join(fixtures, '..', '..', 'dist', 'src');
const built = existsSync(join(dist, 'node', 'bootstrapWorker.js'));

describe.skipIf(!built)('bootstrap in worker threads', () => {
  it('equals the single-thread run bit for bit, and used workers', async () => {
    await import(join(dist, 'node', 'install.js'));
    const { platform } = await import(join(dist, 'platform', 'platform.js'));
    const { loadTable } = await import(join(dist, 'node', 'files.js'));
    const { fitLmm } = await import(join(dist, 'fit', 'lmm.js'));
    const { parametricBootstrap, parametricBootstrapAsync } = await import(join(dist, 'fit', 'bootstrap', 'bootstrap.js'));
    expect(platform().canSpawn('bootstrap')).toBe(true);
    const fit = fitLmm(loadTable(join(fixtures, 'data', 'sleepstudy.csv')), 'Reaction ~ Days + (Days | Subject)');
    const one = parametricBootstrap(fit, { n: 120, seed: 9 });
    const host = platform();
    let spawned = 0;
    const spawn = host.spawn;
    host.spawn = (kind: string, data: unknown) => {
      spawned++;
      return spawn.call(host, kind, data);
    };
    try {
      const many = await parametricBootstrapAsync(fit, { n: 120, seed: 9 });
      expect(spawned).toBeGreaterThan(1);
      expect(many.replicates.map((r: { values: Float64Array }) => Array.from(r.values))).toEqual(one.replicates.map((r: { values: Float64Array }) => Array.from(r.values)));
      expect(many.replicates.map((r: { objective: number }) => r.objective)).toEqual(one.replicates.map((r: { objective: number }) => r.objective));
    } finally {
      host.spawn = spawn;
    }
  });
});
