/**
 * The cross-product artifact (docs/LMMX.md): a JSON header and one table of sums, rows of
 * (block, term, term2, level, level2, sums), from which a row-free {@link MixedModel} is built
 * and which several row shards combine by addition. Sums are taken about a centre (the columns'
 * means on the rows summed); merging re-expresses each part about the pooled centre first, with
 * the first moments each part carries, so that the merged blocks are those of the whole data.
 *
 * Layouts of `sums` (P = p + 1 columns of [X y], X with every design column before the rank
 * check, u = [x − c, y − offset − c_y], w the prior weight or 1):
 * - global: n, Σw, Σ log w, min w, Σ w u_a u_b (a ≤ b, row by row), Σ w u_a, Σ x_a x_b (raw,
 *   b ≤ a), Σ x_a x̃_c (raw; per column c of X̃ then per a), then for every summary column v
 *   (the response, each column of X, each column of each term's Z in formula order):
 *   Σ(v − k_v), Σ(v − k_v)², min v, max v with the header's shift k_v;
 * - term (one row per level): count, Σ w z_r z_s (r ≤ s), Σ z_r w u_c (per r then c), Σ w z_r,
 *   Σ z_r, Σ x_c² (raw, per column of X);
 * - pair (terms l > k in formula order, one row per pair of levels that occurs): Σ w z_l,r z_k,s.
 */
import { LmmError } from '../errors.js';
import { parseFormula } from '../formula/parse.js';
import type { ColumnSummary } from './columnSummary.js';
import type { CrossProducts, SparseCross, TermBlocks } from './crossprod.js';
import { compareLevels, formatLevel } from './factor.js';
import { assembleModel, checkTerm, frameNotes, sortTerms, type MixedModel, type ReTerm } from './model.js';
import type { Transform } from './transforms.js';

/** The version of the format this code writes and reads. */
export const LMMX_VERSION = 1;

/** Separator of the parts of an interaction's level in the `level` column (ASCII unit separator). */
export const LEVEL_SEPARATOR = '\u001f';

/** The artifact's JSON header. */
export interface ArtifactHeader {
  format: 'lmmx';
  version: number;
  formula: string;
  /** Prior weights column, or null. */
  weights: string | null;
  /** Rows read (kept and dropped). */
  nTotal: number;
  /** Design columns of X (before the rank check), the term of each (-1: intercept), the constant set. */
  fixedNames: string[];
  termOfColumn: number[];
  constantColumns: number[] | null;
  /** Columns of lmerTest's X̃ (`get_rdX`). */
  fullNames: string[];
  /** Labels of the numeric frame variables. */
  numericVariables: string[];
  factorLevels: Record<string, string[]>;
  transforms: Record<string, Transform>;
  /** Per factor column, levels that occur only in dropped rows. */
  lostLevels: Record<string, string[]>;
  /** Centre of the P columns of [X y] the sums are taken about (the last: of y − offset). */
  centre: number[];
  /** Shift k_v of each summary column (the response, X's columns, each term's columns). */
  shifts: number[];
  /** Random-effects terms in formula order; `numeric`: whether each grouping column is numeric. */
  terms: { group: string; text: string; names: string[]; numeric: boolean[] }[];
  /** What computed the sums (e.g. 'DuckDB'). */
  engine: string;
}

/** One row of the sums table. */
export interface ArtifactRow {
  block: 'global' | 'term' | 'pair';
  term: number;
  term2: number;
  level: string;
  level2: string;
  sums: ArrayLike<number>;
}

/** An artifact in memory. */
export interface Artifact {
  header: ArtifactHeader;
  rows: ArtifactRow[];
}

/** Offsets of the parts of the global row's sums. */
export function globalLayout(header: ArtifactHeader): { S: number; m: number; XtX: number; XtFull: number; summaries: number; length: number } {
  const p = header.fixedNames.length;
  const P = p + 1;
  const S = 4;
  const m = S + (P * (P + 1)) / 2;
  const XtX = m + P;
  const XtFull = XtX + (p * (p + 1)) / 2;
  const summaries = XtFull + header.fullNames.length * p;
  return { S, m, XtX, XtFull, summaries, length: summaries + 4 * header.shifts.length };
}

/** Offsets of the parts of a term row's sums (q columns, P = p + 1). */
export function termLayout(q: number, p: number): { ZtZ: number; ZtXy: number; zw: number; z: number; xx: number; length: number } {
  const P = p + 1;
  const ZtZ = 1;
  const ZtXy = ZtZ + (q * (q + 1)) / 2;
  const zw = ZtXy + q * P;
  const z = zw + q;
  const xx = z + q;
  return { ZtZ, ZtXy, zw, z, xx, length: xx + p };
}

/** A level as the model labels it: each part formatted (numbers as R's as.character), joined by ':'. */
function levelParts(level: string, numeric: readonly boolean[]): (string | number)[] {
  const parts = level.split(LEVEL_SEPARATOR);
  if (parts.length !== numeric.length) throw new LmmError('data', `cross-products: level '${level}' has ${parts.length} parts for ${numeric.length} grouping columns`);
  return parts.map((s, f) => (numeric[f] ? Number(s) : s));
}
const labelOf = (parts: (string | number)[]) => parts.map((v) => (typeof v === 'number' ? formatLevel(v) : v)).join(':');

/** Sort level tuples as R orders factor levels (numbers numerically, text as R sorts it), first part slowest. */
function sortLevels(levels: (string | number)[][]): (string | number)[][] {
  return levels.sort((a, b) => {
    for (let f = 0; f < a.length; f++) {
      const x = a[f];
      const y = b[f];
      const c = typeof x === 'number' ? x - (y as number) : compareLevels(x, y as string);
      if (c !== 0) return c;
    }
    return 0;
  });
}

/** The summary of one column from its shifted sums. */
function summaryOf(s1: number, s2: number, min: number, max: number, k: number, n: number): ColumnSummary {
  const mean = k + s1 / n;
  const ss = Math.max(0, s2 - (s1 * s1) / n);
  return { mean, variance: n > 1 ? ss / (n - 1) : 0, meanSquare: (s2 + 2 * k * s1) / n + k * k, constant: min === max };
}

/** Build the row-free model an artifact describes (rank check and lme4's checks included). */
export function modelFromArtifact(artifact: Artifact): MixedModel {
  const { header, rows } = artifact;
  if (header.format !== 'lmmx' || header.version !== LMMX_VERSION) throw new LmmError('file', `cross-products: format ${header.format} version ${header.version} is not lmmx version ${LMMX_VERSION}`);
  const parsed = parseFormula(header.formula, { linear: header.terms.length === 0 });
  const p0 = header.fixedNames.length;
  const P = p0 + 1;
  const global = rows.find((r) => r.block === 'global');
  if (!global) throw new LmmError('file', 'cross-products: no global row');
  const g = globalLayout(header);
  const s = global.sums;
  if (s.length !== g.length) throw new LmmError('file', `cross-products: the global row has ${s.length} sums, the header's layout ${g.length}`);
  const n = s[0];
  if (header.weights !== null && !(s[3] > 0)) throw new LmmError('data', `weights column '${header.weights}' is ${s[3] === 0 ? '0' : `negative (${s[3]})`} in some rows: prior weights must be positive`);
  const XytXy = new Float64Array(P * P);
  let at = g.S;
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) XytXy[a * P + b] = XytXy[b * P + a] = s[at++];
  const XtX = new Float64Array(p0 * p0);
  at = g.XtX;
  for (let a = 0; a < p0; a++) for (let b = 0; b <= a; b++) XtX[a * p0 + b] = XtX[b * p0 + a] = s[at++];
  const XtFull = header.fullNames.map((_, c) => Float64Array.from({ length: p0 }, (__, a) => s[g.XtFull + c * p0 + a]));
  const summaries = header.shifts.map((k, v) => summaryOf(s[g.summaries + 4 * v], s[g.summaries + 4 * v + 1], s[g.summaries + 4 * v + 2], s[g.summaries + 4 * v + 3], k, n));
  const ySummary = summaries[0];
  if (ySummary.constant) throw new LmmError('data', `response '${parsed.response.label}' has no variance: every value is ${s[g.summaries + 2]}`);
  const xSummary = summaries.slice(1, 1 + p0);

  // Terms: levels in R's order from the term rows, then the blocks by level.
  let zAt = 1 + p0;
  const terms: ReTerm[] = [];
  const termBlocks = new Map<number, TermBlocks>();
  const levelIndex = new Map<number, Map<string, number>>();
  header.terms.forEach((t, formulaIndex) => {
    const q = t.names.length;
    const own = rows.filter((r) => r.block === 'term' && r.term === formulaIndex);
    const tuples = sortLevels(own.map((r) => levelParts(r.level, t.numeric)));
    const levels = tuples.map(labelOf);
    const index = new Map(levels.map((l, j) => [l, j]));
    if (index.size !== levels.length) throw new LmmError('file', `cross-products: a level of '${t.group}' occurs twice (merge shards with lmm crossprod --merge)`);
    levelIndex.set(formulaIndex, index);
    const part = parsed.random[formulaIndex];
    checkTerm(part, levels.length, q, n);
    const L = termLayout(q, p0);
    const ZtZ = new Float64Array(levels.length * q * q);
    const ZtXy = new Float64Array(levels.length * q * P);
    const levelCounts = new Int32Array(levels.length);
    const z = new Float64Array(levels.length * q);
    const xx = new Float64Array(levels.length * p0);
    for (const r of own) {
      const j = index.get(labelOf(levelParts(r.level, t.numeric))) as number;
      const v = r.sums;
      levelCounts[j] = v[0];
      let k = L.ZtZ;
      for (let a = 0; a < q; a++) for (let b = a; b < q; b++) ZtZ[j * q * q + a * q + b] = ZtZ[j * q * q + b * q + a] = v[k++];
      for (let a = 0; a < q * P; a++) ZtXy[j * q * P + a] = v[L.ZtXy + a];
      for (let a = 0; a < q; a++) z[j * q + a] = v[L.z + a];
      for (let c = 0; c < p0; c++) xx[j * p0 + c] = v[L.xx + c];
    }
    termBlocks.set(formulaIndex, { ZtZ, ZtXy });
    const zSummary = summaries.slice(zAt, zAt + q);
    zAt += q;
    terms.push({ group: t.group, text: t.text, formulaIndex, levels, nlevels: levels.length, refs: null, names: t.names, q, Z: null, levelCounts, zSummary, levelSums: { z, xx } });
  });
  sortTerms(terms);
  const position = new Map(terms.map((t, i) => [t.formulaIndex, i]));
  // Pair blocks, oriented to lme4's order (l after k) and compressed by the level of k.
  const cross: SparseCross[][] = terms.map((tl, l) =>
    terms.slice(0, l).map((tk) => {
      const entries: { l: number; k: number; values: Float64Array }[] = [];
      for (const r of rows) {
        if (r.block !== 'pair') continue;
        const direct = r.term === tl.formulaIndex && r.term2 === tk.formulaIndex;
        const flipped = r.term === tk.formulaIndex && r.term2 === tl.formulaIndex;
        if (!direct && !flipped) continue;
        const [levelL, levelK] = direct ? [r.level, r.level2] : [r.level2, r.level];
        const jl = (levelIndex.get(tl.formulaIndex) as Map<string, number>).get(labelOf(levelParts(levelL, header.terms[tl.formulaIndex].numeric)));
        const jk = (levelIndex.get(tk.formulaIndex) as Map<string, number>).get(labelOf(levelParts(levelK, header.terms[tk.formulaIndex].numeric)));
        if (jl === undefined || jk === undefined) throw new LmmError('file', 'cross-products: a pair row names a level with no term row');
        const values = new Float64Array(tl.q * tk.q);
        // Stored as Σ z_{term,r} z_{term2,s} (term-major); transpose when the order flips.
        for (let a = 0; a < tl.q; a++) for (let b = 0; b < tk.q; b++) values[a * tk.q + b] = direct ? r.sums[a * tk.q + b] : r.sums[b * tl.q + a];
        entries.push({ l: jl, k: jk, values });
      }
      entries.sort((a, b) => a.k - b.k || a.l - b.l);
      const colPtr = new Int32Array(tk.nlevels + 1);
      const rowLevel = new Int32Array(entries.length);
      const values = new Float64Array(entries.length * tl.q * tk.q);
      entries.forEach((e, i) => {
        colPtr[e.k + 1]++;
        rowLevel[i] = e.l;
        values.set(e.values, i * tl.q * tk.q);
      });
      for (let j = 0; j < tk.nlevels; j++) colPtr[j + 1] += colPtr[j];
      return { colPtr, rowLevel, values };
    }),
  );
  void position;
  const crossprod: CrossProducts = { n, p: p0, terms: terms.map((t) => termBlocks.get(t.formulaIndex) as TermBlocks), cross, XytXy };
  const numeric = new Set(header.numericVariables);
  return assembleModel({
    parsed,
    n,
    dropped: header.nTotal - n,
    notes: frameNotes(header.nTotal - n, header.nTotal, new Map(Object.entries(header.lostLevels))),
    rows: null,
    rowFree: header.engine,
    weighted: header.weights !== null,
    logdetW: s[2],
    fixedNames: header.fixedNames,
    termOfColumn: Int32Array.from(header.termOfColumn),
    constantColumns: header.constantColumns,
    yShift: header.centre[p0],
    center: Float64Array.from(header.centre.slice(0, p0)),
    crossprod,
    terms,
    factorLevels: new Map(Object.entries(header.factorLevels)),
    transforms: new Map(Object.entries(header.transforms)),
    numeric: (label) => numeric.has(label),
    ySummary,
    xSummary,
    fixedCross: () => ({ XtX, fullNames: header.fullNames, XtFull }),
  });
}

/** The parts of two headers that must agree for their sums to add. */
function compatible(a: ArtifactHeader, b: ArtifactHeader, label: string): void {
  const same = (what: string, x: unknown, y: unknown) => {
    if (JSON.stringify(x) !== JSON.stringify(y)) throw new LmmError('data', `cannot merge ${label}: its ${what} differ${what.endsWith('s') ? '' : 's'} from the first file's (${JSON.stringify(y).slice(0, 80)} against ${JSON.stringify(x).slice(0, 80)})`);
  };
  if (b.version !== LMMX_VERSION) throw new LmmError('file', `cannot merge ${label}: lmmx version ${b.version}, not ${LMMX_VERSION}`);
  same('formula', a.formula, b.formula);
  same('weights', a.weights, b.weights);
  same('fixed-effects columns', a.fixedNames, b.fixedNames);
  same('factor levels', a.factorLevels, b.factorLevels);
  same('poly()/scale() coefficients', a.transforms, b.transforms);
  same('random-effects terms', a.terms, b.terms);
}

/**
 * Merge artifacts computed on disjoint row shards: each part's sums re-expressed about the pooled
 * centre (the n-weighted mean of the parts' centres, which is the whole data's mean), then added
 * row by row; levels are unioned (a level present in several shards adds up).
 */
export function mergeArtifacts(parts: { artifact: Artifact; label: string }[]): Artifact {
  if (parts.length === 0) throw new LmmError('option', 'crossprod --merge: no files');
  const first = parts[0].artifact.header;
  for (const { artifact, label } of parts.slice(1)) compatible(first, artifact.header, label);
  const p = first.fixedNames.length;
  const P = p + 1;
  const g = globalLayout(first);
  const ns = parts.map(({ artifact }) => (artifact.rows.find((r) => r.block === 'global') as ArtifactRow).sums[0]);
  const nAll = ns.reduce((a, b) => a + b, 0);
  const pooled = (key: 'centre' | 'shifts') => first[key].map((_, i) => parts.reduce((acc, { artifact }, f) => acc + (ns[f] / nAll) * artifact.header[key][i], 0));
  const centre = pooled('centre');
  const shifts = pooled('shifts');
  const merged = new Map<string, ArtifactRow & { sums: Float64Array }>();
  // In the global row, min w and each summary column's min and max combine by min and max.
  const combine = new Uint8Array(g.length);
  combine[3] = 1;
  for (let c = 0; c < first.shifts.length; c++) {
    combine[g.summaries + 4 * c + 2] = 1;
    combine[g.summaries + 4 * c + 3] = 2;
  }
  const add = (row: ArtifactRow, sums: Float64Array) => {
    const key = `${row.block}\u0000${row.term}\u0000${row.term2}\u0000${normal(first, row.term, row.level)}\u0000${normal(first, row.term2, row.level2)}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, { ...row, sums: Float64Array.from(sums) });
      return;
    }
    const global = row.block === 'global';
    for (let i = 0; i < sums.length; i++) {
      const how = global ? combine[i] : 0;
      seen.sums[i] = how === 0 ? seen.sums[i] + sums[i] : how === 1 ? Math.min(seen.sums[i], sums[i]) : Math.max(seen.sums[i], sums[i]);
    }
  };
  parts.forEach(({ artifact }, f) => {
    const h = artifact.header;
    const d = h.centre.map((c, i) => c - centre[i]);
    for (const row of artifact.rows) {
      const v = Float64Array.from(row.sums);
      if (row.block === 'global') {
        const W = v[1];
        const m = Array.from({ length: P }, (_, a) => v[g.m + a]);
        // Σw(u − c*)(u − c*)' = S + d m' + m d' + W d d', with m = Σw(u − c) and d = c − c*.
        let at = g.S;
        for (let a = 0; a < P; a++) for (let b = a; b < P; b++) v[at++] += d[a] * m[b] + m[a] * d[b] + W * d[a] * d[b];
        for (let a = 0; a < P; a++) v[g.m + a] += W * d[a];
        h.shifts.forEach((k, c) => {
          const e = k - shifts[c];
          const o = g.summaries + 4 * c;
          const n = ns[f];
          v[o + 1] += 2 * e * v[o] + n * e * e;
          v[o] += n * e;
        });
      } else if (row.block === 'term') {
        const q = h.terms[row.term].names.length;
        const L = termLayout(q, p);
        // Z_j'W(u − c*) = Z_j'W(u − c) + (Σ_j w z) d'.
        for (let r = 0; r < q; r++) for (let c = 0; c < P; c++) v[L.ZtXy + r * P + c] += v[L.zw + r] * d[c];
      }
      add(row, v);
    }
  });
  // Lost levels: those dropped in some shard and kept in none.
  const lostLevels: Record<string, string[]> = {};
  for (const { artifact } of parts) {
    for (const [name, levels] of Object.entries(artifact.header.lostLevels)) lostLevels[name] = [...new Set([...(lostLevels[name] ?? []), ...levels])];
  }
  const keptLevels = new Map<string, Set<string>>();
  for (const [label, levels] of Object.entries(first.factorLevels)) keptLevels.set(label, new Set(levels));
  first.terms.forEach((t, k) => {
    if (t.numeric.length !== 1) return;
    const kept = new Set([...merged.values()].filter((r) => r.block === 'term' && r.term === k).map((r) => labelOf(levelParts(r.level, t.numeric))));
    keptLevels.set(t.group, kept);
  });
  for (const name of Object.keys(lostLevels)) {
    const kept = keptLevels.get(name);
    lostLevels[name] = lostLevels[name].filter((l) => !kept?.has(l));
    if (lostLevels[name].length === 0) delete lostLevels[name];
  }
  const nTotal = parts.reduce((acc, { artifact }) => acc + artifact.header.nTotal, 0);
  return { header: { ...first, centre, shifts, nTotal, lostLevels }, rows: [...merged.values()] };
}

/** A level's normal label (numbers formatted as R does), for matching rows across shards. */
function normal(header: ArtifactHeader, term: number, level: string): string {
  if (term < 0 || level === '') return level;
  return labelOf(levelParts(level, header.terms[term].numeric));
}
