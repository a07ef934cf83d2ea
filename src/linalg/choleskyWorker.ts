/**
 * Worker-thread side of {@link sharedCholesky}'s helper: waits on the shared control words,
 * runs its share of a chunk's panel solve or update on the shared matrix, and says it is done.
 */
import { workerData } from 'node:worker_threads';
import { panelRows, scatterUpdate } from './supernodal.js';
import { Control, Op, spinChecks } from './helperProtocol.js';

const { matrix, panel, rows, control } = workerData as { matrix: SharedArrayBuffer; panel: SharedArrayBuffer; rows: SharedArrayBuffer; control: SharedArrayBuffer };
const a = new Float64Array(matrix);
const p = new Float64Array(panel);
const r = new Int32Array(rows);
const ctl = new Int32Array(control);

Atomics.store(ctl, Control.Ready, 1);
let seen = 0;
for (;;) {
  // Commands come in bursts (two per panel): spin briefly before sleeping, since waking a
  // sleeping thread costs more than most of the panels' halves.
  for (let i = 0; i < spinChecks && Atomics.load(ctl, Control.Sequence) === seen; i++);
  Atomics.wait(ctl, Control.Sequence, seen);
  seen = Atomics.load(ctl, Control.Sequence);
  const n = ctl[Control.N];
  const op = ctl[Control.Op];
  if (op === Op.Stop) break;
  if (op === Op.RowsPanel) panelRows(a, n, ctl[Control.A], ctl[Control.B], r, p, ctl[Control.From], ctl[Control.To]);
  else scatterUpdate(a, n, r, p, ctl[Control.B], ctl[Control.From], ctl[Control.To]);
  Atomics.store(ctl, Control.Done, seen);
  Atomics.notify(ctl, Control.Done);
}
