/**
 * Worker-thread side of the helpers of choleskyTeam.ts: waits on its shared control words,
 * runs its share of a chunk's panel solve or update on the shared matrix of the factor it is
 * bound to, and says it is done. Each command names a fixed row range, so what the helper
 * computes does not depend on when it runs.
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { panelRows, scatterUpdate } from '../linalg/supernodal.js';
import { Control, Op, spinChecks } from '../linalg/helperProtocol.js';

interface Buffers { matrix: SharedArrayBuffer; panel: SharedArrayBuffer; rows: SharedArrayBuffer }

const { control, port } = workerData as { control: SharedArrayBuffer; port: MessagePort };
const ctl = new Int32Array(control);
let a: Float64Array = new Float64Array(0);
let p: Float64Array = new Float64Array(0);
let r: Int32Array = new Int32Array(0);

Atomics.store(ctl, Control.Ready, 1);
Atomics.notify(ctl, Control.Ready);
let seen = 0;
for (;;) {
  // Commands come in bursts (two per panel): spin briefly before sleeping, since waking a
  // sleeping thread costs more than most of the panels' halves.
  for (let i = 0; i < spinChecks && Atomics.load(ctl, Control.Sequence) === seen; i++);
  // Sleep until the sequence number has really moved on. A wake-up alone is not a command: the
  // owner's notify for a command can arrive after the helper, spinning, has already seen the new
  // number and run the command (the owner was descheduled between its increment and its notify);
  // taking that late wake-up as a command ran the last one a second time, on rows the owner had
  // meanwhile moved past (a panel solved twice: the race behind the fits that differed under load).
  while (Atomics.load(ctl, Control.Sequence) === seen) Atomics.wait(ctl, Control.Sequence, seen);
  seen = Atomics.load(ctl, Control.Sequence);
  // Every word of the command by an atomic load: plain loads of the same words in the last
  // command may be reused by the compiler (they were: wrong row ranges under some timings).
  const n = Atomics.load(ctl, Control.N);
  const op = Atomics.load(ctl, Control.Op);
  const A = Atomics.load(ctl, Control.A);
  const B = Atomics.load(ctl, Control.B);
  const from = Atomics.load(ctl, Control.From);
  const to = Atomics.load(ctl, Control.To);
  if (op === Op.Stop) break;
  if (op === Op.Bind) {
    const received = receiveMessageOnPort(port);
    if (!received) throw new Error('Cholesky helper: bind command without buffers');
    const buffers = received.message as Buffers;
    a = new Float64Array(buffers.matrix);
    p = new Float64Array(buffers.panel);
    r = new Int32Array(buffers.rows);
  } else if (op === Op.RowsPanel) panelRows(a, n, A, B, r, p, from, to);
  else scatterUpdate(a, n, r, p, B, from, to);
  Atomics.store(ctl, Control.Done, seen);
  Atomics.notify(ctl, Control.Done);
}
port.close();
