import type { Io } from './io.js';

/**
 * A progress bar on stderr, redrawn in place at most every 100 ms, for runs longer than a
 * second. Returns the callback to report progress and a function that clears the line.
 */
export function progressBar(io: Io, label: string): { update: (done: number, total: number) => void; finish: () => void } {
  const started = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - started < 1000 || (now - last < 100 && done < total)) return;
      last = now;
      const width = 30;
      const filled = Math.round((done / total) * width);
      io.stderr(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round((100 * done) / total)}%`);
      drawn = true;
    },
    finish() {
      if (drawn) io.stderr('\r\x1b[K');
    },
  };
}
