/**
 * The platform interface seen from the core: chains handed to a platform's workers (here
 * in-process fakes that speak the sampler worker's protocol through structured clones, with
 * asynchronous delivery) give the draws of the same chains run in this thread, bit for bit; a
 * platform whose workers cannot load falls back to this thread; a worker failing mid-run is an
 * error; without a platform nothing is spawned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/model/model.js';
import { nodePlatform } from '../../src/node/platform.js';
import { mainThreadPlatform, platform, setPlatform, type Platform, type PlatformWorker } from '../../src/platform/platform.js';
import { sampleModel } from '../../samplers/sample.js';
import { serveSamplerJob, type SamplerJob } from '../../samplers/workerJob.js';
import { dataset } from '../helpers.js';

const model = buildModel(dataset('sleepstudy'), 'Reaction ~ Days + (Days | Subject)');
const run = { seed: 41, chains: 3, iter: 120 } as const;
const same = (a: Float64Array[], b: Float64Array[]) => a.length === b.length && a.every((d, c) => Buffer.from(d.buffer).equals(Buffer.from(b[c].buffer)));

/** A platform of fake workers: each serves its job in this thread, messages delivered later as clones. */
function fakePlatform(behaviour: 'work' | 'fail-to-load' | 'fail-mid-run', concurrency = 2): Platform & { spawned: number } {
  const fake = {
    name: 'fake',
    spawned: 0,
    concurrency: () => concurrency,
    env: () => undefined,
    canSpawn: (kind: string) => kind === 'sampler',
    spawn: (_kind: string, data: unknown): PlatformWorker => {
      fake.spawned++;
      const toMain: ((m: unknown) => void)[] = [];
      const errors: ((e: Error) => void)[] = [];
      let start: (() => void) | undefined;
      let stopped = false;
      const later = (f: () => void) => setTimeout(() => !stopped && f(), 0);
      later(() => {
        if (behaviour === 'fail-to-load') return errors.forEach((l) => l(new Error('cannot load')));
        const job = structuredClone(data) as SamplerJob;
        serveSamplerJob(job, {
          post: (message) => {
            if (behaviour === 'fail-mid-run' && message.type === 'done') return later(() => errors.forEach((l) => l(new Error('crashed'))));
            const copy = structuredClone(message);
            later(() => toMain.forEach((l) => l(copy)));
          },
          onceStart: (listener) => {
            start = listener;
          },
        });
      });
      return {
        post: () => later(() => start?.()),
        onMessage: (listener) => toMain.push(listener),
        onError: (listener) => errors.push(listener),
        onExit: () => {},
        terminate: () => {
          stopped = true;
        },
      };
    },
  };
  return fake;
}

afterEach(() => setPlatform(nodePlatform)); // what test/setup.ts installs

describe('the platform interface', () => {
  it("chains in a platform's workers give the draws of this thread, bit for bit", async () => {
    const sequential = await sampleModel(model, { ...run, parallel: false });
    const fake = fakePlatform('work');
    setPlatform(fake);
    const progress: number[] = [];
    const parallel = await sampleModel(model, { ...run, parallel: true, onProgress: (done) => progress.push(done) });
    expect(fake.spawned).toBe(2); // one per core, chains 0 and 2 to the first
    expect(same(parallel.draws, sequential.draws)).toBe(true);
    expect(progress.at(-1)).toBe(run.chains * run.iter);
  });

  it('falls back to this thread when the workers cannot load, with the same draws', async () => {
    const sequential = await sampleModel(model, { ...run, parallel: false });
    const fake = fakePlatform('fail-to-load');
    setPlatform(fake);
    const result = await sampleModel(model, { ...run, parallel: true });
    expect(fake.spawned).toBeGreaterThan(0);
    expect(same(result.draws, sequential.draws)).toBe(true);
  });

  it('reports a worker failing after it started', async () => {
    setPlatform(fakePlatform('fail-mid-run'));
    await expect(sampleModel(model, { ...run, parallel: true })).rejects.toThrow('crashed');
  });

  it('spawns nothing on the main-thread platform, and no Cholesky helpers', async () => {
    setPlatform(mainThreadPlatform);
    expect(platform().canSpawn('sampler')).toBe(false);
    expect(platform().sharedCholesky).toBeUndefined();
    const result = await sampleModel(model, { ...run, parallel: true });
    expect(result.draws).toHaveLength(run.chains);
  });
});
