/**
 * A row-free {@link MixedModel} from SQL aggregation: the frame (frame.ts), then one pass for
 * the means that centre the columns and the columns' moments, then the blocks of
 * [Z X y]'W[Z X y] (crossprod.ts's layout): [X y]'[X y] in one global aggregate, Z_j'Z_j and
 * Z_j'[X y] by GROUP BY the term's level, Z_l'Z_k by GROUP BY the pair of levels. The design
 * columns are the ones src/model/designColumns.ts describes for the in-memory pass, written as
 * SQL; the rank check and the rest are the in-memory path's own (assembleModel).
 */
import { LmmError } from '../errors.js';
import { parseFormula } from '../formula/parse.js';
import type { ParsedFormula, TermsPart } from '../formula/types.js';
import type { ColumnSummary } from '../model/columnSummary.js';
import type { CrossProducts, SparseCross, TermBlocks } from '../model/crossprod.js';
import { designColumns, type VariableShape } from '../model/designColumns.js';
import { assembleModel, centring, checkTerm, frameNotes, sortTerms, type FixedCross, type MixedModel, type ReTerm } from '../model/model.js';
import { levelKey, sqlFrame, toNumber, type RunQuery, type SqlFrame, type SqlGroup, type SqlSource } from './frame.js';
import { designColumnSql, double, type SqlVariable } from './sql.js';

/** Options of {@link sqlModel}. */
export interface SqlModelOptions {
  /** A numeric column of prior weights (lme4's `weights =`). */
  weights?: string;
  /** Accept a formula without random-effects terms. */
  linear?: boolean;
  /** How the model names its origin (`MixedModel.rowFree`). */
  engine?: string;
}

/** Shapes of the frame's variables for {@link designColumns}. */
function shapes(variables: ReadonlyMap<string, SqlVariable>): Map<string, VariableShape> {
  const out = new Map<string, VariableShape>();
  for (const [label, v] of variables) out.set(label, v.kind === 'numeric' ? { kind: 'numeric' } : v.kind === 'matrix' ? { kind: 'matrix', suffixes: v.suffixes } : { kind: 'factor', levels: v.levels });
  return out;
}

/** A terms part's columns as SQL, with names, owning terms and the constant set. */
function designSql(part: TermsPart, variables: ReadonlyMap<string, SqlVariable>): { names: string[]; sql: string[]; termOfColumn: Int32Array; constantColumns: number[] | null } {
  const layout = designColumns(part, shapes(variables));
  return {
    names: layout.columns.map((c) => c.name),
    sql: layout.columns.map((c) => designColumnSql(c, variables)),
    termOfColumn: Int32Array.from(layout.columns, (c) => c.term),
    constantColumns: layout.constantColumns,
  };
}

/** SQL selecting the moments of a column (mean, sample variance, mean square, constancy). */
const momentsSql = (x: string) => [`avg(${x})`, `var_samp(${x})`, `avg(${x} * ${x})`, `min(${x}) = max(${x})`];
const moments = (row: unknown[], at: number): ColumnSummary => ({
  mean: toNumber(row[at]),
  variance: row[at + 1] === null ? 0 : toNumber(row[at + 1]),
  meanSquare: toNumber(row[at + 2]),
  constant: row[at + 3] === true,
});

/** Build the model of `formula` over `source` without reading its rows (see the module comment). */
export async function sqlModel(run: RunQuery, source: SqlSource, formula: string | ParsedFormula, options: SqlModelOptions = {}): Promise<MixedModel> {
  const parsed = typeof formula === 'string' ? parseFormula(formula, { linear: options.linear }) : formula;
  const frame = await sqlFrame(run, source, parsed, options.weights);
  const { n, keep, variables } = frame;
  const from = source.from;
  const notes = frameNotes(n === frame.nTotal ? 0 : frame.nTotal - n, frame.nTotal, frame.lostLevels);
  const y = (variables.get(parsed.response.label) as { sql: string }).sql;
  const yFit = frame.offset ? `(${y} - ${frame.offset})` : y;
  const w = frame.weights;

  // Checks on the kept rows (response variance, weights) and the moments of every column.
  const fixed = designSql(parsed.fixed, variables);
  const p0 = fixed.names.length;
  const random = parsed.random.map((part) => ({ part, ...designSql(part.effects, variables) }));
  const select = [`min(${y})`, `max(${y})`, ...momentsSql(y), `avg(${yFit})`, ...fixed.sql.flatMap(momentsSql), ...random.flatMap((r) => r.sql.flatMap(momentsSql))];
  if (w) select.push(`min(${w})`, `sum(ln(CASE WHEN ${w} > 0 THEN ${w} ELSE 1 END))`);
  const row = (await run(`SELECT ${select.join(', ')} FROM ${from} WHERE ${keep}`))[0];
  if (row[0] === row[1] || toNumber(row[0]) === toNumber(row[1])) throw new LmmError('data', `response '${parsed.response.label}' has no variance: every value is ${toNumber(row[0])}`);
  const ySummary = moments(row, 2);
  const yMean = toNumber(row[6]);
  let at = 7;
  const xSummary = fixed.sql.map(() => {
    const s = moments(row, at);
    at += 4;
    return s;
  });
  const zSummaries = random.map((r) =>
    r.sql.map(() => {
      const s = moments(row, at);
      at += 4;
      return s;
    }),
  );
  let logdetW = 0;
  if (w) {
    const minW = toNumber(row[at]);
    if (!(minW > 0)) {
      throw new LmmError('data', minW === 0
        ? `weights column '${options.weights}' is 0 in some rows: prior weights must be positive (lme4's deviance is infinite with a zero weight); drop such rows`
        : `weights column '${options.weights}' is negative (${minW}) in some rows: prior weights must be positive`);
    }
    logdetW = toNumber(row[at + 1]);
  }

  // Centring as in memory: the response's and the non-constant columns' unweighted means.
  const { yShift, center } = centring(fixed.constantColumns, p0, () => yMean, (j) => xSummary[j].mean);
  const xy = [...fixed.sql.map((x, j) => (center[j] === 0 ? x : `(${x} - ${double(center[j])})`)), yShift === 0 ? yFit : `(${yFit} - ${double(yShift)})`];
  const P = p0 + 1;
  const wxy = w ? xy.map((v) => `${w} * ${v}`) : xy;

  // Terms with their levels; lme4's checks; lme4's order.
  const terms = sortTerms(random.map(({ part, names }, formulaIndex): ReTerm => {
    const group = frame.groups.get(part.group) as SqlGroup;
    checkTerm(part, group.levels.length, names.length, n);
    return { group: part.group, text: part.text, formulaIndex, levels: group.levels, nlevels: group.levels.length, refs: null, names, q: names.length, Z: null, levelCounts: new Int32Array(group.levels.length), zSummary: zSummaries[formulaIndex] };
  }));
  const zOf = (t: ReTerm) => random[t.formulaIndex].sql;
  const groupOf = (t: ReTerm) => frame.groups.get(t.group) as SqlGroup;

  // [X y]'W[X y] (upper triangle) and, for type III contrasts, X'X and X'X̃ (unweighted, uncentred).
  const global: string[] = [];
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) global.push(`sum(${wxy[a]} * ${xy[b]})`);
  const full = fullDesignSql(parsed.fixed, variables);
  for (let a = 0; a < p0; a++) for (let b = 0; b <= a; b++) global.push(`sum(${fixed.sql[a]} * ${fixed.sql[b]})`);
  for (const c of full.sql) for (let a = 0; a < p0; a++) global.push(`sum(${fixed.sql[a]} * ${c})`);
  const sums = (await run(`SELECT ${global.join(', ')} FROM ${from} WHERE ${keep}`))[0].map(toNumber);
  const XytXy = new Float64Array(P * P);
  let s = 0;
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) XytXy[a * P + b] = XytXy[b * P + a] = sums[s++];
  const XtX = new Float64Array(p0 * p0);
  for (let a = 0; a < p0; a++) for (let b = 0; b <= a; b++) XtX[a * p0 + b] = XtX[b * p0 + a] = sums[s++];
  const XtFull = full.sql.map(() => Float64Array.from({ length: p0 }, () => sums[s++]));
  const fixedCross: FixedCross = { XtX, fullNames: full.names, XtFull };

  // Per term: Z_j'WZ_j and Z_j'W[X y] by level.
  const blocks: TermBlocks[] = [];
  for (const t of terms) {
    const z = zOf(t);
    const g = groupOf(t);
    const { q } = t;
    const cols: string[] = ['count(*)'];
    for (let r = 0; r < q; r++) for (let c = r; c < q; c++) cols.push(`sum(${w ? `${w} * ` : ''}${z[r]} * ${z[c]})`);
    for (let r = 0; r < q; r++) for (let c = 0; c < P; c++) cols.push(`sum(${z[r]} * ${wxy[c]})`);
    for (let r = 0; r < q; r++) cols.push(`sum(${z[r]})`);
    for (let c = 0; c < p0; c++) cols.push(`sum(${fixed.sql[c]} * ${fixed.sql[c]})`);
    const rows = await run(`SELECT ${g.sql.join(', ')}, ${cols.join(', ')} FROM ${from} WHERE ${keep} GROUP BY ALL`);
    const ZtZ = new Float64Array(t.nlevels * q * q);
    const ZtXy = new Float64Array(t.nlevels * q * P);
    const m = g.sql.length;
    const zSum = new Float64Array(t.nlevels * q);
    const xx = new Float64Array(t.nlevels * p0);
    for (const r of rows) {
      const level = levelIndex(g, r.slice(0, m));
      t.levelCounts[level] = toNumber(r[m]);
      let k = m + 1;
      for (let a = 0; a < q; a++) for (let b = a; b < q; b++) ZtZ[level * q * q + a * q + b] = ZtZ[level * q * q + b * q + a] = toNumber(r[k++]);
      for (let a = 0; a < q; a++) for (let c = 0; c < P; c++) ZtXy[level * q * P + a * P + c] = toNumber(r[k++]);
      for (let a = 0; a < q; a++) zSum[level * q + a] = toNumber(r[k++]);
      for (let c = 0; c < p0; c++) xx[level * p0 + c] = toNumber(r[k++]);
    }
    t.levelSums = { z: zSum, xx };
    blocks.push({ ZtZ, ZtXy });
  }

  // Z_l'WZ_k for l > k by pairs of levels, compressed by the level of term k (crossprod.ts).
  const cross: SparseCross[][] = [];
  for (let l = 0; l < terms.length; l++) {
    const row: SparseCross[] = [];
    for (let k = 0; k < l; k++) row.push(await pairBlocks(run, from, keep, w, terms[l], terms[k], zOf(terms[l]), zOf(terms[k]), groupOf(terms[l]), groupOf(terms[k])));
    cross.push(row);
  }
  const crossprod: CrossProducts = { n, p: p0, terms: blocks, cross, XytXy };
  const factorLevels = new Map<string, string[]>();
  for (const [label, v] of variables) if (v.kind === 'factor') factorLevels.set(label, v.levels);
  return assembleModel({
    parsed,
    n,
    dropped: frame.nTotal - n,
    notes,
    rows: null,
    rowFree: options.engine ?? 'SQL',
    weighted: w !== null,
    logdetW,
    fixedNames: fixed.names,
    termOfColumn: fixed.termOfColumn,
    constantColumns: fixed.constantColumns,
    yShift,
    center,
    crossprod,
    terms,
    factorLevels,
    transforms: frame.transforms,
    numeric: (label) => variables.get(label)?.kind === 'numeric',
    ySummary,
    xSummary,
    fixedCross: () => fixedCross,
  });
}

/** The level index of a row of group values from the engine. */
function levelIndex(g: SqlGroup, values: unknown[]): number {
  const key = levelKey(values.map((v, f) => (g.numeric[f] ? toNumber(v) : String(v))));
  const level = g.index.get(key);
  if (level === undefined) throw new Error(`internal: level ${key} of '${g.label}' not among its levels`);
  return level;
}

/** lmerTest's `get_rdX` columns as SQL: the intercept, then each term coded on its own with all levels. */
function fullDesignSql(part: TermsPart, variables: ReadonlyMap<string, SqlVariable>): { names: string[]; sql: string[] } {
  const blocks = part.terms.map((term) => designSql({ ...part, intercept: false, terms: [term] }, variables));
  return {
    names: [...(part.intercept ? ['(Intercept)'] : []), ...blocks.flatMap((b) => b.names)],
    sql: [...(part.intercept ? [double(1)] : []), ...blocks.flatMap((b) => b.sql)],
  };
}

/** One sparse cross block Z_l'WZ_k by GROUP BY the pair of levels. */
async function pairBlocks(run: RunQuery, from: string, keep: string, w: string | null, tl: ReTerm, tk: ReTerm, zl: string[], zk: string[], gl: SqlGroup, gk: SqlGroup): Promise<SparseCross> {
  const cols: string[] = [];
  for (let r = 0; r < tl.q; r++) for (let c = 0; c < tk.q; c++) cols.push(`sum(${w ? `${w} * ` : ''}${zl[r]} * ${zk[c]})`);
  const ml = gl.sql.length;
  const mk = gk.sql.length;
  const rows = await run(`SELECT ${[...gl.sql, ...gk.sql].join(', ')}, ${cols.join(', ')} FROM ${from} WHERE ${keep} GROUP BY ALL`);
  const size = tl.q * tk.q;
  const entries = rows.map((r) => ({ l: levelIndex(gl, r.slice(0, ml)), k: levelIndex(gk, r.slice(ml, ml + mk)), values: r.slice(ml + mk).map(toNumber) }));
  entries.sort((a, b) => a.k - b.k || a.l - b.l);
  const colPtr = new Int32Array(tk.nlevels + 1);
  const rowLevel = new Int32Array(entries.length);
  const values = new Float64Array(entries.length * size);
  entries.forEach((e, t) => {
    colPtr[e.k + 1]++;
    rowLevel[t] = e.l;
    values.set(e.values, t * size);
  });
  for (let j = 0; j < tk.nlevels; j++) colPtr[j + 1] += colPtr[j];
  return { colPtr, rowLevel, values };
}

export type { SqlFrame, SqlSource, RunQuery };
