/** Layout of the shared control words between a Cholesky helper thread and its owner. */
export const Control = {
  /** Incremented by the owner for each command. */
  Sequence: 0,
  /** Set by the helper to the sequence number it has finished. */
  Done: 1,
  /** Set to 1 by the helper once it runs. */
  Ready: 2,
  Op: 3,
  N: 4,
  /** kb (panel). */
  A: 5,
  /** ke (panel) or the chunk's width (update). */
  B: 6,
  Rows: 7,
  From: 8,
  To: 9,
  Length: 10,
} as const;

/**
 * Commands. `Bind` makes the helper take the shared buffers (matrix, panel, rows) of the
 * message waiting on its port: each factor owns its buffers, and the helpers serve whichever
 * factor factors next.
 */
export const Op = { RowsPanel: 1, Scatter: 2, Stop: 3, Bind: 4 } as const;
export type Op = (typeof Op)[keyof typeof Op];

/** Checks of a control word before a thread sleeps on it (about 0.1 ms of spinning). */
export const spinChecks = 20_000;
