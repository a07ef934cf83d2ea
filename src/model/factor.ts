/**
 * Factors as R builds them: levels sorted as R sorts them, integer codes per row.
 */

/** A factor over the model's rows: `codes[i]` indexes `levels`. */
export interface Factor {
  levels: string[];
  codes: Int32Array;
}

/**
 * String order of R's `sort()` in an English UTF-8 locale (R's default on most systems):
 * locale collation, with ties broken by code units so that the order is total.
 */
const collator = new Intl.Collator('en-US', { sensitivity: 'variant', numeric: false });
export function compareLevels(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** R's `as.character` of a number (up to 15 significant digits). */
export function formatLevel(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(15)));
}

/** Factor of string values (no nulls: missing rows are already dropped). */
export function factorOfStrings(values: readonly string[]): Factor {
  const unique = [...new Set(values)].sort(compareLevels);
  const index = new Map(unique.map((level, i) => [level, i]));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = index.get(values[i]) as number;
  return { levels: unique, codes };
}

/** Factor of numeric values (a numeric column used as a grouping factor): numeric level order. */
export function factorOfNumbers(values: Float64Array): Factor {
  const index = new Map<number, number>();
  const unique: number[] = [];
  const firstCodes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    let k = index.get(values[i]);
    if (k === undefined) {
      k = unique.length;
      index.set(values[i], k);
      unique.push(values[i]);
    }
    firstCodes[i] = k;
  }
  const order = unique.map((_, k) => k).sort((a, b) => unique[a] - unique[b]);
  const rank = new Int32Array(unique.length);
  order.forEach((k, r) => (rank[k] = r));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = rank[firstCodes[i]];
  return { levels: order.map((k) => formatLevel(unique[k])), codes };
}

/**
 * The interaction `f1:f2:...` as R's `:` on factors builds it: levels are the combinations
 * that occur, the first factor varying slowest, labelled `l1:l2`.
 */
export function interactionFactor(factors: readonly Factor[]): Factor {
  if (factors.length === 1) return factors[0];
  const n = factors[0].codes.length;
  // Mixed-radix combined code, first factor most significant (R's lex.order = TRUE).
  const combined = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let code = 0;
    for (const f of factors) code = code * f.levels.length + f.codes[i];
    combined[i] = code;
  }
  const present = [...new Set(combined)].sort((a, b) => a - b);
  const index = new Map(present.map((code, k) => [code, k]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = index.get(combined[i]) as number;
  const levels = present.map((code) => {
    const parts: string[] = [];
    for (let f = factors.length - 1; f >= 0; f--) {
      const m = factors[f].levels.length;
      parts.unshift(factors[f].levels[code % m]);
      code = Math.floor(code / m);
    }
    return parts.join(':');
  });
  return { levels, codes };
}
