/**
 * Errors a user can cause (bad data, formula, option). The command line prints the message
 * as one line and exits with status 2; anything else is an internal failure (status 1).
 */
export class LmmError extends Error {
  /** What kind of input was at fault: a column, a formula, an option, a file, the model. */
  readonly kind: 'data' | 'formula' | 'option' | 'model' | 'file';

  constructor(kind: LmmError['kind'], message: string) {
    super(message);
    this.name = 'LmmError';
    this.kind = kind;
  }
}

/** Error in a formula, carrying the 1-based column where the problem was found (if known). */
export class FormulaError extends LmmError {
  readonly column: number | undefined;

  constructor(message: string, column?: number) {
    super('formula', column === undefined ? message : `${message} at column ${column}`);
    this.name = 'FormulaError';
    this.column = column;
  }
}

/** Closest name by edit distance, for "unknown column 'x' (did you mean 'y'?)" messages. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 2)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
