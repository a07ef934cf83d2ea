/**
 * The two-thread blocked Cholesky (compiled code in dist/, built by `npm install`) gives the
 * same factor, bit for bit, as the one-thread kernel: each entry is computed by one thread with
 * the same arithmetic in the same order.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers.js';

const dist = join(fixtures, '..', '..', 'dist');
const built = existsSync(join(dist, 'src', 'node', 'choleskyWorker.js'));
// The helper threads are Node's platform's (src/node/platform.ts): install it in the compiled module graph.
if (built) await import(join(dist, 'src', 'node', 'install.js'));

/** The bytes of a matrix (the one-thread supernodal factor is a view on the WebAssembly kernel's memory). */
const bytesOf = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('threaded Cholesky', () => {
  it.skipIf(!built)('equals the one-thread factor on a crossed model with a 450-level dense block', async () => {
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { BlockedCholesky } = await import(join(dist, 'src', 'fit', 'blocked.js'));
    // Crossed design: 1,000 subjects × 450 items, 8,000 rows (deterministic LCG).
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const n = 8000;
    const s = Array.from({ length: n }, () => `s${Math.floor(next() * 1000)}`);
    const d = Array.from({ length: n }, () => `d${Math.floor(next() * 450)}`);
    const y = Array.from({ length: n }, () => next() * 5);
    const model = buildModel(aq.table({ y, s, d }), 'y ~ 1 + (1 | s) + (1 | d)');
    const threaded = new BlockedCholesky(model.crossprod, model.terms, { threads: 2 });
    const single = new BlockedCholesky(model.crossprod, model.terms);
    expect(threaded.M).toBeGreaterThanOrEqual(400);
    // Give the helper thread time to start (until then the threaded factor runs on one thread).
    for (let i = 0; i < 50; i++) {
      if ((threaded as unknown as { shared?: { helper(): unknown } }).shared?.helper()) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((threaded as unknown as { shared?: { helper(): unknown } }).shared?.helper()).toBeDefined();
    for (const theta of [[1, 1], [0.3, 0.7]]) {
      threaded.update(theta);
      single.update(theta);
      expect(Buffer.from(threaded.S.buffer).equals(Buffer.from(single.S.buffer))).toBe(true);
      expect(threaded.objective(true)).toBe(single.objective(true));
    }
  });

  it.skipIf(!built)('gives the one-thread supernodal factor on a sparse crossed rest', async () => {
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { BlockedCholesky } = await import(join(dist, 'src', 'fit', 'blocked.js'));
    // 3,000 subjects each rating 4 or 5 of the 12 items of one of 50 courses (600 items), and
    // one subject in three one more item of any course: sparse, with a few chunks large enough
    // to be split between the threads.
    let state = 777;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
    const s: string[] = [], d: string[] = [], y: number[] = [];
    for (let subject = 0; subject < 3000; subject++) {
      const course = Math.floor(next() * 50);
      for (let r = 0; r < 5; r++) {
        s.push(`s${subject}`);
        d.push(r < 4 || subject % 3 !== 0 ? `d${course * 12 + Math.floor(next() * 12)}` : `d${Math.floor(next() * 600)}`);
        y.push(next() * 5);
      }
    }
    const model = buildModel(aq.table({ y, s, d }), 'y ~ 1 + (1 | s) + (1 | d)');
    const threaded = new BlockedCholesky(model.crossprod, model.terms, { threads: 2, sparse: true });
    const single = new BlockedCholesky(model.crossprod, model.terms, { sparse: true });
    expect(threaded.supernodal).toBe(true);
    type Sparse = { sparse: { S: Float64Array; shared?: { helper(): unknown } } };
    const sparseOf = (f: unknown) => (f as Sparse).sparse;
    for (let i = 0; i < 50 && !sparseOf(threaded).shared?.helper(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(sparseOf(threaded).shared?.helper()).toBeDefined();
    for (const theta of [[1, 1], [0.3, 0.7]]) {
      const a = threaded.evaluate(theta, true);
      const b = single.evaluate(theta, true);
      expect(a).toBe(b);
      expect(bytesOf(sparseOf(threaded).S).equals(bytesOf(sparseOf(single).S))).toBe(true);
    }
  });

  // Contention: more threads than cores and a busy loop beside, many factorisations, each compared
  // bit for bit with one thread (small matrices so that it runs in the normal suite).
  it.skipIf(!built)('is the one-thread factor bit for bit under contention (4 threads, a busy loop beside, 20 factorisations per route)', async () => {
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { BlockedCholesky } = await import(join(dist, 'src', 'fit', 'blocked.js'));
    const model = buildModel(sparseRatings(), 'y ~ 1 + (1 | s) + (1 | d)');
    const dense = buildModel(denseCrossed(), 'y ~ 1 + (1 | s) + (1 | d)');
    const single = new BlockedCholesky(model.crossprod, model.terms, { sparse: true });
    const singleDense = new BlockedCholesky(dense.crossprod, dense.terms);
    const threads = Math.max(4, availableParallelism() + 1);
    // A busy loop (a child of this test, killed at the end) beside the factor's threads.
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 100));
      const threaded = new BlockedCholesky(model.crossprod, model.terms, { threads, sparse: true });
      const threadedDense = new BlockedCholesky(dense.crossprod, dense.terms, { threads });
      expect(threaded.threads).toBe(threads);
      expect(threadedDense.threads).toBe(threads);
      for (let t = 0; t < 20; t++) {
        const theta = [0.2 + Math.abs(Math.sin(t)), 0.1 + Math.abs(Math.cos(3 * t))];
        const a = threaded.evaluate(theta, t % 2 === 0);
        const b = single.evaluate(theta, t % 2 === 0);
        expect(a).toBe(b);
        expect(bytesOf(sparseOf(threaded).S).equals(bytesOf(sparseOf(single).S))).toBe(true);
        threadedDense.update(theta);
        singleDense.update(theta);
        expect(Buffer.from(threadedDense.S.buffer).equals(Buffer.from(singleDense.S.buffer))).toBe(true);
      }
    } finally {
      busy.kill();
    }
  });

  // The race behind fits that differed under load: the owner's notify for a command could reach
  // a helper after it had already run that command and gone back to sleep (the owner descheduled
  // between publishing the command and notifying), and the helper ran the command again. Here the
  // late notify is sent on purpose after each factorisation; the factor must not change.
  it.skipIf(!built)('a late wake-up of the helpers does not run their last command again', async () => {
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { BlockedCholesky } = await import(join(dist, 'src', 'fit', 'blocked.js'));
    const { helperControls } = await import(join(dist, 'src', 'node', 'choleskyTeam.js'));
    const { Control } = await import(join(dist, 'src', 'linalg', 'helperProtocol.js'));
    const model = buildModel(sparseRatings(), 'y ~ 1 + (1 | s) + (1 | d)');
    const single = new BlockedCholesky(model.crossprod, model.terms, { sparse: true });
    const threaded = new BlockedCholesky(model.crossprod, model.terms, { threads: 3, sparse: true });
    expect(threaded.threads).toBe(3);
    const controls: Int32Array[] = helperControls();
    expect(controls.length).toBe(2);
    for (let t = 0; t < 4; t++) {
      const theta = [0.3 + 0.2 * t, 0.5];
      const a = threaded.evaluate(theta, true);
      expect(a).toBe(single.evaluate(theta, true));
      // Let the helpers finish spinning and sleep, wake them as a late notify would, and give a
      // helper that took the wake-up for a command the time to run it.
      await new Promise((r) => setTimeout(r, 20));
      for (const ctl of controls) Atomics.notify(ctl, Control.Sequence);
      await new Promise((r) => setTimeout(r, 50));
      expect(bytesOf(sparseOf(threaded).S).equals(bytesOf(sparseOf(single).S))).toBe(true);
    }
  });

  it.skipIf(!built)("reports in the fit's JSON how many threads factored the criterion", async () => {
    const { fitModel } = await import(join(dist, 'src', 'fit', 'lmm.js'));
    const { buildModel } = await import(join(dist, 'src', 'model', 'model.js'));
    const { defaultThreads } = await import(join(dist, 'src', 'linalg', 'parallel.js'));
    expect(defaultThreads()).toBe(process.env.LMM_THREADS ? Math.min(Number(process.env.LMM_THREADS), Math.max(4, availableParallelism())) : 1);
    const large = fitModel(buildModel(sparseRatings(), 'y ~ 1 + (1 | s) + (1 | d)'));
    expect(large.toJSON().optimization.threads).toBe(defaultThreads());
    const { BlockedCholesky } = await import(join(dist, 'src', 'fit', 'blocked.js'));
    const m = buildModel(sparseRatings(), 'y ~ 1 + (1 | s) + (1 | d)');
    expect(new BlockedCholesky(m.crossprod, m.terms, { threads: 2, sparse: true }).threads).toBe(2);
    // A small rest factors on the calling thread alone.
    const small = fitModel(buildModel(sparseRatings(300), 'y ~ 1 + (1 | s) + (1 | d)'));
    expect(small.toJSON().optimization.threads).toBe(1);
  });
});

type Sparse = { sparse: { S: Float64Array } };
const sparseOf = (f: unknown) => (f as Sparse).sparse;

/** The sparse crossed design of the second test: subjects rating items mostly of one course. */
function sparseRatings(subjects = 3000): aq.ColumnTable {
  let state = 777;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const s: string[] = [], d: string[] = [], y: number[] = [];
  for (let subject = 0; subject < subjects; subject++) {
    const course = Math.floor(next() * 50);
    for (let r = 0; r < 5; r++) {
      s.push(`s${subject}`);
      d.push(r < 4 || subject % 3 !== 0 ? `d${course * 12 + Math.floor(next() * 12)}` : `d${Math.floor(next() * 600)}`);
      y.push(next() * 5);
    }
  }
  return aq.table({ y, s, d });
}

/** 1,000 subjects × 450 items at random, 8,000 rows: a dense rest. */
function denseCrossed(): aq.ColumnTable {
  let state = 12345;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const n = 8000;
  const s = Array.from({ length: n }, () => `s${Math.floor(next() * 1000)}`);
  const d = Array.from({ length: n }, () => `d${Math.floor(next() * 450)}`);
  const y = Array.from({ length: n }, () => next() * 5);
  return aq.table({ y, s, d });
}
