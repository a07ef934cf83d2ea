import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { chunkWidth, type CholeskyHelper } from './supernodal.js';
import { Control, Op, spinChecks } from './helperProtocol.js';

const workerUrl = new URL('./choleskyWorker.js', import.meta.url);

/** A helper thread bound to one shared n×n matrix, and that matrix. */
export interface SharedCholesky {
  /** The matrix, backed by shared memory: factor it with `choleskyBlocked(matrix, n, helper)`. */
  matrix: Float64Array;
  /** The helper, or undefined until its thread has started (then factor on one thread). */
  helper(): CholeskyHelper | undefined;
}

let current: { n: number; matrix: Float64Array; worker: Worker; ctl: Int32Array; helper: CholeskyHelper } | undefined;

/**
 * Shared storage for an n×n matrix with a helper thread that takes half of each blocked Cholesky,
 * dense or supernodal (each chunk's panel solve and update, split by rows). One helper at a time: a new size
 * replaces the previous one. Returns undefined where threads cannot help (one core, not the main
 * thread, or the compiled worker missing as under the TypeScript test runner); the caller then
 * factors on its own thread. The helper thread does not keep the process alive.
 */
export function sharedCholesky(n: number): SharedCholesky | undefined {
  if (!isMainThread || availableParallelism() < 2 || !existsSync(fileURLToPath(workerUrl))) return undefined;
  if (!current || current.n !== n) {
    if (current) stop(current);
    const matrix = new SharedArrayBuffer(n * n * 8);
    const panel = new SharedArrayBuffer(n * chunkWidth * 8);
    const rows = new SharedArrayBuffer(n * 4);
    const control = new SharedArrayBuffer(Control.Length * 4);
    const worker = new Worker(workerUrl, { workerData: { matrix, panel, rows, control } });
    worker.unref();
    const ctl = new Int32Array(control);
    const post = (op: Op, a: number, b: number, rows: number, from: number, to: number) => {
      ctl[Control.Op] = op;
      ctl[Control.N] = n;
      ctl[Control.A] = a;
      ctl[Control.B] = b;
      ctl[Control.Rows] = rows;
      ctl[Control.From] = from;
      ctl[Control.To] = to;
      Atomics.add(ctl, Control.Sequence, 1);
      Atomics.notify(ctl, Control.Sequence);
    };
    const helper: CholeskyHelper = {
      panelBuffer: new Float64Array(panel),
      rowsBuffer: new Int32Array(rows),
      rowsPanel: (kb, ke, count) => {
        const split = count >> 1;
        post(Op.RowsPanel, kb, ke, count, split, count);
        return split;
      },
      // Row i of the update costs about i: rows [0, count/√2) are half the work.
      // (Measured: adapting the split to the threads' timings did worse than this fixed one.)
      scatter: (w, count) => {
        const split = Math.min(count, Math.ceil((count * Math.SQRT1_2) / 4) * 4);
        post(Op.Scatter, 0, w, count, split, count);
        return split;
      },
      wait: () => {
        const target = Atomics.load(ctl, Control.Sequence);
        for (let i = 0; i < spinChecks && Atomics.load(ctl, Control.Done) !== target; i++);
        for (let done = Atomics.load(ctl, Control.Done); done !== target; done = Atomics.load(ctl, Control.Done)) {
          Atomics.wait(ctl, Control.Done, done);
        }
      },
    };
    current = { n, matrix: new Float64Array(matrix), worker, ctl, helper };
  }
  const c = current;
  return { matrix: c.matrix, helper: () => (Atomics.load(c.ctl, Control.Ready) === 1 ? c.helper : undefined) };
}

function stop(c: NonNullable<typeof current>): void {
  c.ctl[Control.Op] = Op.Stop;
  Atomics.add(c.ctl, Control.Sequence, 1);
  Atomics.notify(c.ctl, Control.Sequence);
  void c.worker.terminate();
}
