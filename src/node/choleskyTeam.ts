/**
 * Node's helper threads for a large Cholesky factor (the platform's `sharedCholesky`, see
 * src/linalg/parallel.ts): worker threads running choleskyWorker.ts, driven through shared
 * control words with `Atomics.wait`, which only a worker thread or Node's main thread may call.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { SharedCholesky } from '../linalg/parallel.js';
import { chunkWidth, type CholeskyHelper } from '../linalg/supernodal.js';
import { Control, Op, spinChecks } from '../linalg/helperProtocol.js';

const workerUrl = new URL('./choleskyWorker.js', import.meta.url);

/** Helper threads of a process: each with its control words and a port for binding buffers. */
interface Team {
  /** Threads asked for, and the threads that started (the calling one included). */
  requested: number;
  threads: number;
  workers: Worker[];
  ctl: Int32Array[];
  ports: MessagePort[];
  /** The storage the helpers are bound to. */
  bound: object | undefined;
  alive: boolean;
}

let team: Team | undefined;

/** Longest wait for helper threads to start (on a busy machine a thread can take seconds). */
const startTimeoutMs = 20_000;

/**
 * Shared storage for an n×n matrix and `threads − 1` helper threads bound to it (see
 * {@link sharedCholesky} in src/linalg/parallel.ts). The helpers are shared by all factors of
 * the process (each factor binds them to its own storage when it factors) and started once,
 * synchronously: this call waits until they run, so a factor's thread count is known from the
 * start and does not change under it. Undefined in a worker thread or when the compiled worker
 * is missing (as under the TypeScript test runner). Helper threads do not keep the process alive.
 */
export function nodeSharedCholesky(n: number, threads: number): SharedCholesky | undefined {
  if (!isMainThread || !existsSync(fileURLToPath(workerUrl))) return undefined;
  threads = Math.max(1, Math.floor(threads));
  if (threads > 1 && (!team || !team.alive || team.requested !== threads)) {
    if (team) stop(team);
    team = start(threads);
  }
  const matrix = new SharedArrayBuffer(n * n * 8);
  const panel = new SharedArrayBuffer(n * chunkWidth * 8);
  const rows = new SharedArrayBuffer(n * 4);
  const t = threads > 1 ? team : undefined;
  if (!t || t.threads < 2) return { matrix: new Float64Array(matrix), threads: 1, helper: () => undefined };
  const helper = teamHelper(t, n, new Float64Array(panel), new Int32Array(rows));
  const key = {};
  return {
    matrix: new Float64Array(matrix),
    get threads() {
      return t.alive ? t.threads : 1;
    },
    helper: () => {
      if (!t.alive) return undefined;
      if (t.bound !== key) {
        // Bind every helper to this storage (a message each, taken synchronously by the helper).
        for (let h = 0; h < t.workers.length; h++) {
          t.ports[h].postMessage({ matrix, panel, rows });
          post(t.ctl[h], Op.Bind, n, 0, 0, 0, 0, 0);
        }
        for (const ctl of t.ctl) waitDone(ctl);
        t.bound = key;
      }
      return helper;
    },
  };
}

/** Start `threads − 1` helpers and wait until they run; the ones that do not start in time are dropped. */
function start(threads: number): Team {
  const workers: Worker[] = [];
  const ctls: Int32Array[] = [];
  const ports: MessagePort[] = [];
  for (let h = 0; h < threads - 1; h++) {
    const control = new SharedArrayBuffer(Control.Length * 4);
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(workerUrl, { workerData: { control, port: port2 }, transferList: [port2] });
    worker.unref();
    port1.unref();
    workers.push(worker);
    ctls.push(new Int32Array(control));
    ports.push(port1);
  }
  const deadline = Date.now() + startTimeoutMs;
  for (const ctl of ctls) {
    for (let left = deadline - Date.now(); Atomics.load(ctl, Control.Ready) !== 1 && left > 0; left = deadline - Date.now()) {
      Atomics.wait(ctl, Control.Ready, 0, left);
    }
  }
  const ready = ctls.map((ctl) => Atomics.load(ctl, Control.Ready) === 1);
  const t: Team = { requested: threads, threads: 1, workers: [], ctl: [], ports: [], bound: undefined, alive: true };
  ready.forEach((ok, h) => {
    if (ok) {
      t.workers.push(workers[h]);
      t.ctl.push(ctls[h]);
      t.ports.push(ports[h]);
    } else {
      void workers[h].terminate();
      ports[h].close();
    }
  });
  t.threads = 1 + t.workers.length;
  return t;
}

/**
 * The {@link CholeskyHelper} of a team for n×n matrices: the caller takes the first part of
 * each chunk's rows, helper h the (h+1)-th. The parts are fixed functions of the row count and
 * the number of threads: equal counts for the panel solve; for the update, whose row i costs
 * about i, boundaries at count·√(t/T) rounded up to a multiple of 4 (so the register tiles of
 * `scatterUpdate` start where they would on one thread).
 */
function teamHelper(t: Team, n: number, panelBuffer: Float64Array, rowsBuffer: Int32Array): CholeskyHelper {
  const T = t.threads;
  return {
    panelBuffer,
    rowsBuffer,
    rowsPanel: (kb, ke, count) => {
      const bound = (k: number) => Math.floor((count * k) / T);
      for (let h = 0; h < T - 1; h++) post(t.ctl[h], Op.RowsPanel, n, kb, ke, count, bound(h + 1), bound(h + 2));
      return bound(1);
    },
    scatter: (w, count) => {
      const bound = (k: number) => (k >= T ? count : Math.min(count, Math.ceil((count * Math.sqrt(k / T)) / 4) * 4));
      for (let h = 0; h < T - 1; h++) post(t.ctl[h], Op.Scatter, n, 0, w, count, bound(h + 1), bound(h + 2));
      return bound(1);
    },
    wait: () => {
      for (const ctl of t.ctl) waitDone(ctl);
    },
  };
}

/** Write a command's words, then publish it (the sequence number's increment releases them). */
function post(ctl: Int32Array, op: Op, n: number, a: number, b: number, rows: number, from: number, to: number): void {
  Atomics.store(ctl, Control.Op, op);
  Atomics.store(ctl, Control.N, n);
  Atomics.store(ctl, Control.A, a);
  Atomics.store(ctl, Control.B, b);
  Atomics.store(ctl, Control.Rows, rows);
  Atomics.store(ctl, Control.From, from);
  Atomics.store(ctl, Control.To, to);
  Atomics.add(ctl, Control.Sequence, 1);
  Atomics.notify(ctl, Control.Sequence);
}

/** Block until the helper has finished the last command posted to it. */
function waitDone(ctl: Int32Array): void {
  const target = Atomics.load(ctl, Control.Sequence);
  for (let i = 0; i < spinChecks && Atomics.load(ctl, Control.Done) !== target; i++);
  for (let done = Atomics.load(ctl, Control.Done); done !== target; done = Atomics.load(ctl, Control.Done)) {
    Atomics.wait(ctl, Control.Done, done);
  }
}

/**
 * For tests: the control words of the running helpers (empty without a team). A test wakes the
 * helpers with them (as a notify that arrives late would) to check that a wake-up without a new
 * command does nothing.
 */
export function helperControls(): Int32Array[] {
  return team && team.alive ? team.ctl.slice() : [];
}

function stop(t: Team): void {
  t.alive = false;
  for (let h = 0; h < t.workers.length; h++) {
    post(t.ctl[h], Op.Stop, 0, 0, 0, 0, 0, 0);
    void t.workers[h].terminate();
    t.ports[h].close();
  }
}
