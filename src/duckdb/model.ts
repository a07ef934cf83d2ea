/**
 * A row-free {@link MixedModel} from SQL aggregation: the frame (frame.ts), then one pass for
 * the means that centre the columns and the columns' moments, then the blocks of
 * [Z X y]'W[Z X y] (crossprod.ts's layout): [X y]'[X y] in one global aggregate, Z_j'Z_j and
 * Z_j'[X y] by GROUP BY the term's level, Z_l'Z_k by GROUP BY the pair of levels. The design
 * columns are the ones src/model/designColumns.ts describes for the in-memory pass, written as
 * SQL; the rank check and the rest are the in-memory path's own (assembleModel).
 */
import { parseFormula } from '../formula/parse.js';
import type { ParsedFormula, TermsPart } from '../formula/types.js';
import { LMMX_VERSION, modelFromArtifact, type Artifact, type ArtifactHeader, type ArtifactRow } from '../model/artifact.js';
import { designColumns, type VariableShape } from '../model/designColumns.js';
import { centring, type MixedModel } from '../model/model.js';
import { sqlFrame, staticFrame, toNumber, type RunQuery, type SqlFrame, type SqlGroup, type SqlSource } from './frame.js';
import { currentDialect, designColumnSql, double, inDialect, type Dialect, type SqlVariable } from './sql.js';
import { LmmError } from '../errors.js';

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

/** The artifact's header and the one SQL query that computes its sums table (docs/LMMX.md). */
export interface SqlPlan {
  header: ArtifactHeader;
  /** SELECT block, term, term2, level, level2, sums (a DOUBLE[] list) FROM the source. */
  sql: string;
}

/**
 * The frame passes of `formula` over `source` (levels, missing rows, poly/scale coefficients,
 * the means that centre the columns), then the header of the artifact and the SQL of its sums.
 */
export async function sqlPlan(run: RunQuery, source: SqlSource, formula: string | ParsedFormula, options: SqlModelOptions = {}): Promise<SqlPlan> {
  const parsed = typeof formula === 'string' ? parseFormula(formula, { linear: options.linear }) : formula;
  const frame = await sqlFrame(run, source, parsed, options.weights);
  const { keep, variables } = frame;
  const from = source.from;
  const y = (variables.get(parsed.response.label) as { sql: string }).sql;
  const yFit = frame.offset ? `(${y} - ${frame.offset})` : y;
  const w = frame.weights;

  const fixed = designSql(parsed.fixed, variables);
  const p0 = fixed.names.length;
  const random = parsed.random.map((part) => ({ part, ...designSql(part.effects, variables) }));
  const full = fullDesignSql(parsed.fixed, variables);
  // Means: of y − offset and X's columns (the centre), of every summary column (its shift).
  const summaryColumns = [y, ...fixed.sql, ...random.flatMap((r) => r.sql)];
  const means = (await run(`SELECT avg(${yFit})${summaryColumns.map((v) => `, avg(${v})`).join('')} FROM ${from} WHERE ${keep}`))[0].map(toNumber);
  const shifts = means.slice(1);
  const { yShift, center } = centring(fixed.constantColumns, p0, () => means[0], (j) => shifts[1 + j]);
  const centre = [...center, yShift];

  const branches = blocksSql({ fixed, random, full, summaryColumns, yFit, w, keep, from, groups: frame.groups, centre: centre.map(double), shifts: shifts.map(double) });
  const factorLevels: Record<string, string[]> = {};
  for (const [label, v] of variables) if (v.kind === 'factor') factorLevels[label] = v.levels;
  const header: ArtifactHeader = {
    format: 'lmmx',
    version: LMMX_VERSION,
    formula: parsed.text,
    weights: options.weights ?? null,
    nTotal: frame.nTotal,
    fixedNames: fixed.names,
    termOfColumn: Array.from(fixed.termOfColumn),
    constantColumns: fixed.constantColumns,
    fullNames: full.names,
    numericVariables: [...variables].filter(([, v]) => v.kind === 'numeric').map(([label]) => label),
    factorLevels,
    transforms: Object.fromEntries(frame.transforms),
    lostLevels: Object.fromEntries(frame.lostLevels),
    centre,
    shifts,
    terms: random.map(({ part, names }) => ({ group: part.group, text: part.text, names, numeric: (frame.groups.get(part.group) as SqlGroup).numeric })),
    engine: options.engine ?? 'SQL',
  };
  return { header, sql: branches.join('\nUNION ALL\n') };
}

/** What {@link blocksSql} writes the sums of. */
export interface BlocksInput {
  fixed: { sql: string[] };
  random: { part: { group: string }; sql: string[] }[];
  full: { sql: string[] };
  /** The response, X's columns, each term's columns. */
  summaryColumns: string[];
  yFit: string;
  w: string | null;
  keep: string;
  from: string;
  /** Each grouping factor: the SQL reading of its columns (the level labels) and, optionally, what to GROUP BY (default: the readings). */
  groups: ReadonlyMap<string, { sql: string[]; by?: string[] }>;
  /** SQL of the centre (P values: literals, or columns of a CTE) and of the summary shifts. */
  centre: string[];
  shifts: string[];
}

/** The SELECTs of the sums table (docs/LMMX.md), one per block kind, to join by UNION ALL. */
export function blocksSql(input: BlocksInput): string[] {
  const { fixed, random, full, summaryColumns, yFit, w, keep, from, groups, centre, shifts } = input;
  const p0 = fixed.sql.length;
  const P = p0 + 1;
  const zero = (c: string) => c === double(0);
  const u = [...fixed.sql.map((x, j) => (zero(centre[j]) ? x : `(${x} - ${centre[j]})`)), zero(centre[p0]) ? yFit : `(${yFit} - ${centre[p0]})`];
  const weighted = (v: string) => (w ? `${w} * ${v}` : v);
  const list = (items: string[]) => currentDialect().list(items.map((i) => `CAST(${i} AS DOUBLE)`));
  const text = currentDialect().text;

  const global: string[] = ['count(*)', w ? `sum(${w})` : 'count(*)', w ? `sum(ln(CASE WHEN ${w} > 0 THEN ${w} ELSE 1 END))` : '0', w ? `min(${w})` : '1'];
  for (let a = 0; a < P; a++) for (let b = a; b < P; b++) global.push(`sum(${weighted(u[a])} * ${u[b]})`);
  for (let a = 0; a < P; a++) global.push(`sum(${weighted(u[a])})`);
  for (let a = 0; a < p0; a++) for (let b = 0; b <= a; b++) global.push(`sum(${fixed.sql[a]} * ${fixed.sql[b]})`);
  for (const c of full.sql) for (let a = 0; a < p0; a++) global.push(`sum(${fixed.sql[a]} * ${c})`);
  summaryColumns.forEach((v, c) => {
    const d = `(${v} - ${shifts[c]})`;
    global.push(`sum(${d})`, `sum(${d} * ${d})`, `min(${v})`, `max(${v})`);
  });
  const where = keep === 'TRUE' ? '' : ` WHERE ${keep}`;
  const groupBy = (group: string) => {
    const g = groups.get(group) as { sql: string[]; by?: string[] };
    return g.by ?? g.sql;
  };
  const branches = [`SELECT 'global' AS block, -1 AS term, -1 AS term2, '' AS level, '' AS level2, ${list(global)} AS sums FROM ${from}${where}`];

  const levelSql = (g: { sql: string[] }) => (g.sql.length === 1 ? `CAST(${g.sql[0]} AS ${text})` : `concat_ws(chr(31), ${g.sql.map((c) => `CAST(${c} AS ${text})`).join(', ')})`);
  random.forEach(({ part, sql: z }, k) => {
    const q = z.length;
    const cols = ['count(*)'];
    for (let r = 0; r < q; r++) for (let c = r; c < q; c++) cols.push(`sum(${weighted(z[r])} * ${z[c]})`);
    for (let r = 0; r < q; r++) for (let c = 0; c < P; c++) cols.push(`sum(${z[r]} * ${weighted(u[c])})`);
    for (let r = 0; r < q; r++) cols.push(`sum(${weighted(z[r])})`);
    for (let r = 0; r < q; r++) cols.push(`sum(${z[r]})`);
    for (let c = 0; c < p0; c++) cols.push(`sum(${fixed.sql[c]} * ${fixed.sql[c]})`);
    const level = levelSql(groups.get(part.group) as { sql: string[] });
    // Grouped by the raw values (a text cast per row would cost more than the sums), labelled after.
    branches.push(`SELECT 'term', ${k}, -1, ${level}, '', ${list(cols)} FROM ${from}${where} GROUP BY ${groupBy(part.group).join(', ')}`);
  });
  for (let l = 0; l < random.length; l++) {
    for (let k = 0; k < l; k++) {
      const cols: string[] = [];
      for (const zl of random[l].sql) for (const zk of random[k].sql) cols.push(`sum(${weighted(zl)} * ${zk})`);
      const ll = levelSql(groups.get(random[l].part.group) as { sql: string[] });
      const lk = levelSql(groups.get(random[k].part.group) as { sql: string[] });
      const by = [...groupBy(random[l].part.group), ...groupBy(random[k].part.group)];
      branches.push(`SELECT 'pair', ${l}, ${k}, ${ll}, ${lk}, ${list(cols)} FROM ${from}${where} GROUP BY ${[...new Set(by)].join(', ')}`);
    }
  }
  return branches;
}

/** Rows of the sums table as the engine returns them. */
export function artifactRows(rows: unknown[][]): ArtifactRow[] {
  return rows.map((r) => ({ block: r[0] as ArtifactRow['block'], term: toNumber(r[1]), term2: toNumber(r[2]), level: String(r[3]), level2: String(r[4]), sums: (r[5] as unknown[]).map(toNumber) }));
}

/** Build the model of `formula` over `source` without reading its rows (see the module comment). */
export async function sqlModel(run: RunQuery, source: SqlSource, formula: string | ParsedFormula, options: SqlModelOptions = {}): Promise<MixedModel> {
  const { header, sql } = await sqlPlan(run, source, formula, options);
  return modelFromArtifact({ header, rows: artifactRows(await run(sql)) });
}

/** lmerTest's `get_rdX` columns as SQL: the intercept, then each term coded on its own with all levels. */
function fullDesignSql(part: TermsPart, variables: ReadonlyMap<string, SqlVariable>): { names: string[]; sql: string[] } {
  const blocks = part.terms.map((term) => designSql({ ...part, intercept: false, terms: [term] }, variables));
  return {
    names: [...(part.intercept ? ['(Intercept)'] : []), ...blocks.flatMap((b) => b.names)],
    sql: [...(part.intercept ? [double(1)] : []), ...blocks.flatMap((b) => b.sql)],
  };
}

export type { SqlFrame, SqlSource, RunQuery };

/** The SQL another engine runs, and the header it completes (`centre`, `shifts`, `nTotal` come from its 'centre' row). */
export interface EmittedSql {
  sql: string;
  header: ArtifactHeader;
}

/**
 * The aggregation of `formula` over table `table` as one SQL statement for `dialect`: a CTE of
 * the means that centre the columns, the sums table of docs/LMMX.md, and one more row
 * (block 'centre': the table's row count, the centre, the summary shifts) that
 * {@link completeEmitted} moves into the header. Column types are given (`columns`), as the
 * engine's DESCRIBE reports them; nothing is read.
 */
export function emitSql(table: string, columns: { name: string; type: string }[], formula: string | ParsedFormula, dialect: Dialect, options: { weights?: string } = {}): EmittedSql {
  return inDialect(dialect, () => {
    const parsed = typeof formula === 'string' ? parseFormula(formula) : formula;
    const frame = staticFrame({ columns }, parsed, options.weights);
    const { variables, keep } = frame;
    const y = (variables.get(parsed.response.label) as { sql: string }).sql;
    const yFit = frame.offset ? `(${y} - ${frame.offset})` : y;
    const fixed = designSql(parsed.fixed, variables);
    const p0 = fixed.names.length;
    const random = parsed.random.map((part) => ({ part, ...designSql(part.effects, variables) }));
    const full = fullDesignSql(parsed.fixed, variables);
    const summaryColumns = [y, ...fixed.sql, ...random.flatMap((r) => r.sql)];
    const constant = new Set(fixed.constantColumns ?? []);
    const ref = (name: string) => `lmm_centre.${name}`;
    const centre = [...fixed.sql.map((_, j) => (fixed.constantColumns && !constant.has(j) ? ref(`lmm_x${j}`) : double(0))), fixed.constantColumns ? ref('lmm_y') : double(0)];
    const shifts = summaryColumns.map((_, c) => ref(`lmm_k${c}`));
    const means = [`avg(${yFit}) AS lmm_y`, ...fixed.sql.map((x, j) => `avg(${x}) AS lmm_x${j}`), ...summaryColumns.map((v, c) => `avg(${v}) AS lmm_k${c}`)];
    const branches = blocksSql({ fixed, random, full, summaryColumns, yFit, w: frame.weights, keep, from: `${table} CROSS JOIN lmm_centre`, groups: frame.groups, centre, shifts });
    const centreRow = `SELECT 'centre', -1, -1, '', '', ${dialect.list(['lmm_rows.lmm_n', ...centre, ...shifts].map((v) => `CAST(${v} AS DOUBLE)`))} FROM lmm_centre CROSS JOIN lmm_rows`;
    const sql = `WITH lmm_centre AS (SELECT ${means.join(', ')} FROM ${table} WHERE ${keep}),\nlmm_rows AS (SELECT count(*) AS lmm_n FROM ${table})\n${[...branches, centreRow].join('\nUNION ALL\n')}`;
    const header: ArtifactHeader = {
      format: 'lmmx',
      version: LMMX_VERSION,
      formula: parsed.text,
      weights: options.weights ?? null,
      nTotal: 0,
      fixedNames: fixed.names,
      termOfColumn: Array.from(fixed.termOfColumn),
      constantColumns: fixed.constantColumns,
      fullNames: full.names,
      numericVariables: [...variables.keys()],
      factorLevels: {},
      transforms: {},
      lostLevels: {},
      centre: [],
      shifts: [],
      terms: random.map(({ part, names }) => ({ group: part.group, text: part.text, names, numeric: (frame.groups.get(part.group) as { numeric: boolean[] }).numeric })),
      engine: dialect.name,
    };
    void p0;
    return { sql, header };
  });
}

/** The artifact from an engine's result of {@link emitSql}: its 'centre' row completes the header. */
export function completeEmitted(header: ArtifactHeader, rows: ArtifactRow[]): Artifact {
  const centreRow = rows.find((r) => r.block === ('centre' as ArtifactRow['block']));
  if (!centreRow) throw new LmmError('file', "the engine's result has no 'centre' row: was it made by the SQL of lmm crossprod --emit-sql for this formula?");
  const P = header.fixedNames.length + 1;
  const s = Array.from(centreRow.sums);
  const shifts = s.slice(1 + P);
  if (shifts.length !== 1 + header.fixedNames.length + header.terms.reduce((a, t) => a + t.names.length, 0)) throw new LmmError('file', "the engine's 'centre' row does not fit this formula's columns");
  return { header: { ...header, nTotal: s[0], centre: s.slice(1, 1 + P), shifts }, rows: rows.filter((r) => r !== centreRow) };
}
